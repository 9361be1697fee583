using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Writer of <c>diffdyn memory</c>: memory.json, memory.csv, fixed-points.csv, basins.csv, the figures and the report
/// (Pham et al. 2025, docs/theory.md §6).
/// </summary>
public sealed class MemoryWriter : IReportWriter<MemoryResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn memory (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn memory — associative memory, spurious states and basins";

    private static string F(double v, string? format = null) => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(MemoryResult r)
    {
        var rows = new List<(string, string)> { ("data", $"{r.Data} (d = {r.D})"), ("score", r.Score) };
        if (r.CriticalTime is double tc) rows.Add(("circle: ring appears below t_c = ½ ln 1.5", F(tc)));
        foreach (var s in r.Sizes)
        {
            var peak = s.FixedPoints.MaxBy(f => f.Spurious)!;
            rows.Add(($"n = {s.N}: samples memorized / spurious / generalized",
                $"{s.Memorized.ToString("P0", Inv)} / {s.Spurious.ToString("P0", Inv)} / {s.Generalized.ToString("P0", Inv)} (h = {F(s.Spacing, "G3")}, δ_m = {F(s.DeltaM, "G3")})"));
            rows.Add(($"n = {s.N}: fixed points at t = {F(s.FixedPoints[0].T, "G3")} (training / spurious)", $"{s.FixedPoints[0].Training} / {s.FixedPoints[0].Spurious}"));
            rows.Add(($"n = {s.N}: most spurious fixed points", $"{peak.Spurious} at t = {F(peak.T, "G3")}" +
                (peak.TheoryRingRadius is double R ? $" (radius {F(peak.MeanRadius)}, theory {F(R)})" : "")));
            if (s.ModelFixedPoints is { Count: > 0 } net)
            {
                var first = net[0];
                var most = net.MaxBy(f => f.Spurious)!;
                rows.Add(($"n = {s.N}: network fixed points at t = {F(first.T, "G3")} (training / spurious)",
                    $"{first.Training} / {first.Spurious}; most spurious {most.Spurious} at t = {F(most.T, "G3")}"));
            }
            if (s.Basins.Count > 0)
                rows.Add(($"n = {s.N}: median basin size (memorized / all samples)",
                    $"{s.BasinMemorized.MedianText()} ({s.BasinMemorized.Count} memorized) / {s.BasinAll.MedianText()} ({s.BasinAll.Count}; " +
                    $"{s.BasinAll.BelowSmallest} below the smallest level {F(r.BasinLevels[0], "G2")})"));
        }
        rows.Add(("time", $"{r.TotalSeconds:F1} s"));
        return rows;
    }

    /// <summary>Censoring as a number for the CSV files: −1 below the smallest level, 0 measured, +1 at or above the largest.</summary>
    private static double Code(BasinCensoring c) => c switch { BasinCensoring.BelowSmallest => -1, BasinCensoring.AboveLargest => 1, _ => 0 };

    private static void WriteCsv(MemoryResult r, string path) =>
        Csv.WriteTable(path, ["n", "spacing", "deltaM", "deltaS", "memorized", "spurious", "generalized", "shareStderrMax",
                "basinMedian", "basinMedianCensored", "basinBelowSmallest", "basinCount",
                "memorizedBasinMedian", "memorizedBasinMedianCensored", "memorizedBasinBelowSmallest", "memorizedBasinCount", "seconds"],
            r.Sizes.Select(s => new[] { s.N, s.Spacing, s.DeltaM, s.DeltaS, s.Memorized, s.Spurious, s.Generalized, s.ShareStderrMax,
                s.BasinAll.Median, Code(s.BasinAll.MedianCensoring), s.BasinAll.BelowSmallest, s.BasinAll.Count,
                s.BasinMemorized.Median, Code(s.BasinMemorized.MedianCensoring), s.BasinMemorized.BelowSmallest, s.BasinMemorized.Count, s.Seconds }));

    private static void WriteBasinCsv(MemoryResult r, string path) =>
        Csv.WriteTable(path, ["n", "sample", "memorized", "returnRadius", "basin", "censored"],
            r.Sizes.SelectMany(s => s.Basins.Select((b, i) => new[] { s.N, i, s.BasinKinds[i] == SampleKind.Memorized ? 1 : 0, b.ReturnRadius, b.Size, Code(b.Censoring) })));

    /// <summary>One row per size, map (0 = exact ln P_t^e, 1 = the network's own map) and time.</summary>
    private static void WriteFixedPointCsv(MemoryResult r, string path) =>
        Csv.WriteTable(path, ["n", "network", "t", "beta", "count", "training", "spurious", "stable", "converged", "starts", "meanRadius", "theoryRingRadius"],
            r.Sizes.SelectMany(s => s.FixedPoints.Select(f => (Network: 0, F: f)).Concat((s.ModelFixedPoints ?? []).Select(f => (Network: 1, F: f)))
                .Select(x => new[] { s.N, x.Network, x.F.T, x.F.Beta, x.F.Count, x.F.Training, x.F.Spurious, x.F.Stable, x.F.Converged, x.F.Starts,
                    x.F.MeanRadius, x.F.TheoryRingRadius ?? double.NaN })));

    /// <inheritdoc />
    public void WriteData(MemoryResult r, RunOutput output)
    {
        output.Json("memory.json", r);
        WriteCsv(r, output.File("memory.csv"));
        WriteFixedPointCsv(r, output.File("fixed-points.csv"));
        WriteBasinCsv(r, output.File("basins.csv"));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(MemoryResult r, RunOutput output) => ReportFigure.Of(MemoryFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(MemoryResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html
            .Paragraph(RunDescription.Sentence($"{r.Data} (d = {r.D}; sizes {string.Join(", ", r.Sizes.Select(s => s.N))})", r.Score, clock: r.Clock))
            .Paragraph("At OU time t the empirical density in rescaled coordinates y = e^t x is a sum of Gaussians of variance e^{2t} − 1 around the " +
                       "training points, so −ln P_t^e = β E(y) + const with the associative-memory energy E(y) = −(1/β) ln Σ_μ exp(−β|y − ξ_μ|²), " +
                       "β = 1/(2(e^{2t} − 1)) (Pham, Raya, Negri, Zaki, Ambrogioni & Krotov 2025, arXiv 2505.21777). Its minima are the attracting fixed points " +
                       "of y ← D(e^{−t} y, t); they are labelled training (within δ_m of a training point) or spurious. δ_m, δ_s are multiples of h, the median " +
                       "nearest-neighbour distance of the training points. The basin size of a generated sample a is the largest re-noising level t " +
                       "from which PF-ODE denoising (down to a time below the smallest level) ends within ρ(a) of a with probability ≥ 0.9 at that and " +
                       "every smaller level; ρ(a) is a fraction (default ½) of the distance from a to the nearest training point other than the one it " +
                       "copies, so returning means not landing on a neighbour. Basins failing even at the smallest level are censored (\"< smallest level\"); " +
                       "medians are lower medians with censored values ordered first. For two points at distance s the basin is ½ ln(1 + (s/2)²/Φ⁻¹(0.9)²) ≈ s²/13.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("memory.json", "every number of this page (OU times), incl. fixed points of the landscape"),
            ("memory.csv", "per size: sample shares, spacing, thresholds, median basin sizes (all / memorized; censored: −1 below the smallest level)"),
            ("basins.csv", "per basin sample: size n, sample index, memorized (1/0), return radius, basin size, censored (−1 below the smallest level, +1 at the largest)"),
            ("sweep.json", "finished sizes with every number (the state a resumed sweep continues from)"),
            ("fixed-points.csv", "per size, map (network 0: exact ln P_t^e, 1: the trained network's own map) and time: fixed-point counts (training / spurious / stable), mean radius, circle theory"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
    }
}
