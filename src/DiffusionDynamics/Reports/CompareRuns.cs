using System.Text.Json;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>One run of a comparison.</summary>
/// <param name="Label">Its name in tables and legends (the folder's name; "…: exact score" for a companion result).</param>
/// <param name="Folder">Full path of the run folder.</param>
/// <param name="ResultFile">The result file read (in <paramref name="Folder"/>).</param>
/// <param name="Arguments">The run's command-line arguments, from its manifest.</param>
public sealed record CompareRun(string Label, string Folder, string ResultFile, IReadOnlyList<string> Arguments);

/// <summary>A headline number of one run; null where that run's record has none.</summary>
public sealed record CompareCell(double? Value, double? StdErr);

/// <summary>
/// A run's value against the first run's: Δ = v − v₁, SE(Δ) = √(s² + s₁²) (the two runs taken as independent) and
/// z = Δ / SE(Δ), the difference in standard errors; each null where its inputs are missing.
/// </summary>
public sealed record CompareDifference(double? Delta, double? StdErr, double? Z)
{
    /// <summary>The difference of <paramref name="cell"/> from <paramref name="reference"/>.</summary>
    public static CompareDifference Of(CompareCell cell, CompareCell reference)
    {
        if (cell.Value is not double v || reference.Value is not double v1) return new(null, null, null);
        double delta = v - v1;
        double? se = cell.StdErr is double s && reference.StdErr is double s1 ? Math.Sqrt(s * s + s1 * s1) : null;
        return new(delta, se, se is > 0 ? delta / se : null);
    }
}

/// <summary>One headline across the runs: a value per run and, for the second run on, its difference from the first.</summary>
public sealed record CompareRow(string Quantity, IReadOnlyList<CompareCell> Values, IReadOnlyList<CompareDifference> Differences);

/// <summary>One run's series of an overlaid curve.</summary>
public sealed record CompareSeries(string Run, string Label, double[] X, double[] Y, double[]? StdErr);

/// <summary>An overlaid figure: the series of every run.</summary>
public sealed record CompareCurveResult(string Name, string Title, string XLabel, string YLabel, bool LogX, IReadOnlyList<CompareSeries> Series);

/// <summary>The comparison of runs of one command: the runs, their headline rows and the overlaid curves.</summary>
public sealed record CompareResult(string Command, IReadOnlyList<CompareRun> Runs, IReadOnlyList<CompareRow> Rows, IReadOnlyList<CompareCurveResult> Curves)
{
    /// <summary>The largest |z| over all rows and runs; null when no difference has a standard error.</summary>
    public double? LargestZ => Rows.SelectMany(r => r.Differences).Select(d => d.Z).Where(z => z is not null).Select(z => Math.Abs(z!.Value))
        .DefaultIfEmpty(double.NaN).Max() is double m && double.IsFinite(m) ? m : null;
}

/// <summary>
/// Reads run folders of one command (their manifest.json names it) through that command's <see cref="CompareDescriptor"/>
/// and lines up their headline numbers and curves.
/// </summary>
public static class CompareRuns
{
    /// <summary>
    /// The comparison of the runs in <paramref name="folders"/> (a run folder whose command writes a companion result,
    /// e.g. regimes --model's exact-score result, counts as two runs). Throws <see cref="IOException"/> for a folder that is
    /// not a run, <see cref="ArgumentException"/> for runs of different or unsupported commands or fewer than two runs.
    /// </summary>
    public static CompareResult Load(IReadOnlyList<string> folders)
    {
        var manifests = folders.Select(f => (Folder: Path.GetFullPath(f), Manifest: ReadManifest(f))).ToArray();
        if (manifests.Length == 0) throw new ArgumentException("no run folders given.");
        var first = manifests[0];
        foreach (var m in manifests.Skip(1))
            if (m.Manifest.Command != first.Manifest.Command)
                throw new ArgumentException($"runs of different commands: {first.Manifest.Command} in {first.Folder}, {m.Manifest.Command} in {m.Folder}; compare runs of one command.");
        var descriptor = CompareDescriptor.For(first.Manifest.Command)
            ?? throw new ArgumentException($"{first.Folder} is a {first.Manifest.Command} run; compare supports {CompareDescriptor.Supported}.");

        var runs = new List<(CompareRun Run, JsonElement Json)>();
        var labels = new HashSet<string>();
        foreach (var (folder, manifest) in manifests)
        {
            string name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)), label = name;
            for (int k = 2; !labels.Add(label); k++) label = $"{name} ({k})";
            runs.Add((new CompareRun(label, folder, descriptor.ResultFile, manifest.Arguments), ReadResult(folder, descriptor.ResultFile)));
            if (descriptor.CompanionFile is { } companion && File.Exists(Path.Combine(folder, companion)))
            {
                string exact = $"{label}: exact score";
                labels.Add(exact);
                runs.Add((new CompareRun(exact, folder, companion, manifest.Arguments), ReadResult(folder, companion)));
            }
        }
        if (runs.Count < 2)
            throw new ArgumentException($"compare needs at least two runs; {first.Folder} is one (give two or more run folders).");

        // Rows in order of first appearance; a run without a headline gets an empty cell.
        var values = runs.Select(r => descriptor.Headlines.SelectMany(h => h.Read(r.Json)).GroupBy(v => v.Quantity).ToDictionary(g => g.Key, g => g.First())).ToArray();
        var quantities = runs.SelectMany(r => descriptor.Headlines.SelectMany(h => h.Read(r.Json)).Select(v => v.Quantity)).Distinct().ToArray();
        var rows = quantities.Select(q =>
        {
            var cells = values.Select(v => v.TryGetValue(q, out var h) ? new CompareCell(h.Value, h.StdErr) : new CompareCell(null, null)).ToArray();
            return new CompareRow(q, cells, cells.Skip(1).Select(c => CompareDifference.Of(c, cells[0])).ToArray());
        }).ToArray();

        var curves = descriptor.Curves.Select(c => new CompareCurveResult(c.Name, c.Title, c.XLabel, c.YLabel, c.LogX,
            runs.SelectMany(r => c.Read(r.Json).Select(s => new CompareSeries(r.Run.Label, s.Label, s.X, s.Y, s.StdErr))).ToArray()))
            .Where(c => c.Series.Count > 0).ToArray();
        return new CompareResult(descriptor.Command, runs.Select(r => r.Run).ToArray(), rows, curves);
    }

    private sealed record Manifest(string Command, IReadOnlyList<string> Arguments);

    private static Manifest ReadManifest(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such run folder.");
        string path = Path.Combine(folder, "manifest.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{folder} is not a diffdyn run folder (it has no manifest.json).", path);
        using var doc = Parse(path);
        if (CompareJson.At(doc.RootElement, "command") is not { ValueKind: JsonValueKind.String } command)
            throw new DataFormatException(path, "the manifest names no command");
        var arguments = CompareJson.Items(doc.RootElement, "arguments").Select(a => a.ToString()).ToArray();
        return new Manifest(command.GetString()!, arguments);
    }

    private static JsonElement ReadResult(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{folder} has no {file} (an unfinished or older run?).", path);
        using var doc = Parse(path);
        return doc.RootElement.Clone();
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not valid JSON ({e.Message})", innerException: e);
        }
    }
}
