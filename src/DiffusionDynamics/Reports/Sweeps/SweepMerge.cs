namespace DiffusionDynamics.Reports;

/// <summary>
/// Reads the shard folders of one sweep for <c>diffdyn merge</c>: their manifests must describe the same sweep (command, options, data
/// fingerprint, version, points) and every point must be present in exactly one folder; the points come back in index order.
/// </summary>
public static class SweepMerge
{
    /// <summary>The command whose shards <paramref name="folders"/> hold (read from the first manifest).</summary>
    public static SweepManifest FirstManifest(IReadOnlyList<string> folders)
    {
        if (folders is null || folders.Count == 0) throw new ArgumentException("Give at least one shard folder to merge.", nameof(folders));
        return SweepManifest.Read(Path.GetFullPath(folders[0]));
    }

    /// <summary>
    /// The sweep's manifest and its points in index order. <see cref="ArgumentException"/> when a folder belongs to another sweep (naming
    /// both folders and the first difference), when a point is in two folders (naming it and them) or when points are missing (naming each
    /// missing point and the shard that should have written it).
    /// </summary>
    public static (SweepManifest Manifest, IReadOnlyList<TPoint> Points) Read<TPoint>(IReadOnlyList<string> folders)
    {
        var first = FirstManifest(folders);
        string firstDir = Path.GetFullPath(folders[0]);
        var found = new Dictionary<int, string>();
        var points = new TPoint[first.Points.Count];
        int? shardCount = null;
        foreach (var folder in folders.Select(Path.GetFullPath).Distinct())
        {
            var m = SweepManifest.Read(folder);
            if (first.FirstDifference(m, firstDir, folder) is string diff)
                throw new ArgumentException($"The shards are not from one sweep: {firstDir} and {folder} differ in {diff}.");
            shardCount ??= int.Parse(m.Shard.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
            string dir = Path.Combine(folder, ShardStore<TPoint>.PointsFolder);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "point-*.json").Order(StringComparer.Ordinal))
            {
                string stem = Path.GetFileNameWithoutExtension(file)["point-".Length..];
                if (!int.TryParse(stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) || k >= points.Length)
                    throw new IOException($"{file} is not a point of this sweep of {points.Length} points.");
                if (found.TryGetValue(k, out var other))
                    throw new ArgumentException($"Point {k} ({first.Points[k]}) is in two shard folders, {other} and {folder}; merge each point once.");
                points[k] = ShardStore<TPoint>.ReadPoint(file, k).Point;
                found[k] = folder;
            }
        }
        var missing = Enumerable.Range(0, points.Length).Where(k => !found.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
        {
            int n = shardCount ?? 1;
            throw new ArgumentException($"{missing.Length} of {points.Length} points are missing: " +
                string.Join("; ", missing.Take(20).Select(k => $"{k} ({first.Points[k]}, shard {k % n}/{n})")) + (missing.Length > 20 ? "; …" : "") +
                ". Run those shards (a rerun skips finished points) and merge again.");
        }
        return (first, points);
    }
}
