namespace DiffusionDynamics.Cli.Terminal;

/// <summary>The "did you mean …?" of a mistyped option or command: the known name nearest in edit distance.</summary>
public static class ClosestName
{
    /// <summary>
    /// The candidate nearest to <paramref name="typed"/> in Levenshtein distance (insertions, deletions, substitutions),
    /// if it is within ⌈|typed|/3⌉ edits (at most 3), or the one candidate <paramref name="typed"/> is a prefix of;
    /// null when none is close. Ties go to the earlier candidate.
    /// </summary>
    public static string? Find(string typed, IEnumerable<string> candidates)
    {
        var names = candidates.Distinct().ToArray();
        var prefixed = names.Where(n => n.StartsWith(typed, StringComparison.Ordinal) && n != typed).ToArray();
        if (prefixed.Length == 1) return prefixed[0];
        int limit = Math.Min(3, (typed.TrimStart('-').Length + 2) / 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            int distance = Distance(typed, name);
            if (distance < bestDistance) (best, bestDistance) = (name, distance);
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Levenshtein distance: the fewest single-character insertions, deletions and substitutions from a to b.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
