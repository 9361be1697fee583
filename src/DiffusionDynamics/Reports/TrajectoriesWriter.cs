using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>A trajectories run: the result and how its final samples got a class (shown in the summary and kept in the JSON).</summary>
public sealed record TrajectoriesReport(TrajectoriesResult Result, string ClassRule);

/// <summary>
/// Writer of <c>diffdyn trajectories</c>: trajectories.json, trajectories.csv, mode-curves.csv, plane-residual.csv, perturbation.csv,
/// denoised-strip.npy, the figures and the report (Wang &amp; Vastola 2023, docs/theory.md §5).
/// </summary>
public sealed class TrajectoriesWriter : IReportWriter<TrajectoriesReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn trajectories (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn trajectories — outline first, details later";

    private static string F(double? v, string? format = null) => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(TrajectoriesReport report) => SummaryRows(report.Result, report.ClassRule);

    /// <summary>The summary rows of a result whose final samples got classes by <paramref name="classRule"/>.</summary>
    public static List<(string, string)> SummaryRows(TrajectoriesResult r, string classRule)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("score", r.Score),
            ("sampler", $"{r.Run.Sampler}, {r.Run.Steps} + 20 steps, T = {r.Run.TMax.ToString(Inv)} → t_min = {r.Run.TMin.ToString(Inv)}, {r.Run.Trajectories} trajectories"),
        };
        rows.Add(("emergence time of mode k", "theory ½ ln(1+λ_k) | variance rule ± SE | per-trajectory rule ± SE (Gaussian closed form)"));
        foreach (var m in r.Emergence.Modes)
            rows.Add(($"  mode {m.K + 1}, λ = {m.Lambda.ToString("G4", Inv)}",
                $"{F(m.Theory)} | {F(m.Variance)} ± {F(m.VarianceStderr)} | {F(m.TrajectoryMean)} ± {F(m.TrajectoryStderr)}" +
                (m.TheoryTrajectoryRule is double tr ? $" ({F(tr)})" : "")));
        var order = r.Emergence.Modes.Where(m => m.Variance is not null).Select(m => m.Variance!.Value).ToArray();
        int inversions = 0;
        for (int i = 0; i < order.Length; i++)
            for (int j = i + 1; j < order.Length; j++)
                if (order[j] > order[i]) inversions++;
        rows.Add(("emergence order (variance rule)", inversions == 0 ? "follows λ_k: high-variance modes first" : $"{inversions} inverted pair(s) of modes"));
        var peak = r.PlaneResidual.Curve.MaxBy(p => p.Mean)!;
        rows.Add(("max mean distance from plane{x(T), x̂₀}", $"{F(peak.Mean)} ± {F(peak.Stderr)} at t = {F(peak.T)}" +
                                                           (peak.Theory is double th ? $" (Gaussian theory {F(th)})" : "")));
        var pca = r.PlaneResidual.Pca;
        rows.Add(("variance share of top 1 / 2 / 3 PCs of a trajectory", $"{pca.Top1.ToString("P1", Inv)} / {pca.Top2.ToString("P1", Inv)} / {pca.Top3.ToString("P1", Inv)}"));
        if (r.Perturbation.Curve.Count > 0)
        {
            var early = r.Perturbation.Curve.MaxBy(p => p.T)!;
            var late = r.Perturbation.Curve.MinBy(p => p.T)!;
            rows.Add(($"|x̂₀′ − x̂₀| for ε = {r.Perturbation.Epsilon.ToString("G3", Inv)} at t_p = {F(early.T, "G3")} | {F(late.T, "G3")}",
                $"{F(early.MeanChange)} ± {F(early.Stderr)} | {F(late.MeanChange)} ± {F(late.Stderr)}"));
            if (early.ClassChangeRate is not null)
                rows.Add(($"class changed at t_p = {F(early.T, "G3")} | {F(late.T, "G3")}",
                    $"{early.ClassChangeRate.Value.ToString("P1", Inv)} | {late.ClassChangeRate!.Value.ToString("P1", Inv)}"));
            rows.Add(($"nearest training point changed at t_p = {F(early.T, "G3")} | {F(late.T, "G3")}",
                $"{early.NearestChangeRate.ToString("P1", Inv)} | {late.NearestChangeRate.ToString("P1", Inv)}"));
        }
        rows.Add(("classes", classRule));
        rows.Add(("time", $"{r.Run.Seconds:F1} s"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(TrajectoriesReport report, RunOutput output)
    {
        var result = report.Result;
        output.Json("trajectories.json", new
        {
            result.Clock,
            result.Data,
            result.Score,
            classRule = report.ClassRule,
            result.Emergence,
            result.PlaneResidual,
            result.Perturbation,
            result.Run,
        });
        WriteCsvs(result, output);
        if (result.Strip is { } strip)
            Npy.Write(output.File("denoised-strip.npy"), new NpyArray(strip.Images.SelectMany(i => i).ToArray(),
                [strip.Trajectories, strip.Times.Length, .. result.Data.ItemShape]));
    }

    private static void WriteCsvs(TrajectoriesResult r, RunOutput run)
    {
        Csv.WriteTable(run.File("trajectories.csv"), ["k", "lambda", "theory", "theoryVarianceRule", "theoryTrajectoryRule", "varianceRule", "varianceStderr", "trajectoryMean", "trajectoryStderr"],
            r.Emergence.Modes.Select(m => new[] { m.K, m.Lambda, m.Theory, m.TheoryVarianceRule, m.TheoryTrajectoryRule ?? double.NaN,
                m.Variance ?? double.NaN, m.VarianceStderr ?? double.NaN, m.TrajectoryMean ?? double.NaN, m.TrajectoryStderr ?? double.NaN }));
        Csv.WriteTable(run.File("plane-residual.csv"), ["t", "mean", "stderr", "theory"],
            r.PlaneResidual.Curve.Select(p => new[] { p.T, p.Mean, p.Stderr, p.Theory ?? double.NaN }));
        Csv.WriteTable(run.File("perturbation.csv"), ["t", "meanChange", "stderr", "rmsChange", "theoryGaussianRms", "classChangeRate", "classStderr", "nearestChangeRate", "nearestStderr"],
            r.Perturbation.Curve.Select(p => new[] { p.T, p.MeanChange, p.Stderr, p.RmsChange, p.TheoryGaussianRms ?? double.NaN,
                p.ClassChangeRate ?? double.NaN, p.ClassStderr ?? double.NaN, p.NearestChangeRate, p.NearestStderr }));
        var header = new List<string> { "t" };
        foreach (var c in r.Emergence.Curves) header.AddRange([$"ratio{c.K}", $"theoryRatio{c.K}", $"varianceRatio{c.K}", $"theoryVarianceRatio{c.K}"]);
        Csv.WriteTable(run.File("mode-curves.csv"), header.ToArray(), r.Emergence.Times.Select((t, s) =>
            new[] { t }.Concat(r.Emergence.Curves.SelectMany(c => new[] { c.Ratio[s], c.TheoryRatio[s], c.VarianceRatio[s], c.TheoryVarianceRatio[s] })).ToArray()));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(TrajectoriesReport report, RunOutput output) => ReportFigure.Of(TrajectoriesFigures.WriteAll(report.Result, output.Folder));

    /// <inheritdoc />
    public void WriteReport(TrajectoriesReport report, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        var r = report.Result;
        html
            .Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})", r.Score, r.Run.Sampler, r.Run.Start,
                $"uniform + log-tail ({r.Run.Steps} + 20 steps, T = {F(r.Run.TMax, "G4")} → t_min = {F(r.Run.TMin, "G4")})"))
            .Paragraph("Wang & Vastola (arXiv 2303.02490; Gaussian theory arXiv 2311.10892): generative trajectories are low-dimensional, and mode k of the " +
                       "data covariance (eigenvalue λ_k) is decided around e^{-2t} λ_k = Δ_t, i.e. t = ½ ln(1 + λ_k): high-variance features emerge first; " +
                       "early perturbations change the outcome more than late ones. All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z. " +
                       $"Score: {r.Score}. c_k(t) = u_kᵀ(D(x(t), t) − m). Per-trajectory rule: {r.Emergence.Rule}. Variance rule: {r.Emergence.VarianceRule}. " +
                       "For Gaussian data the variance rule is ½ ln(1 + λ_k) exactly (T → ∞, t_end → 0); the per-trajectory rule is ½ ln(1 + 3λ_k) under the PF-ODE.")
            .Summary(rows)
            .Paragraph($"Perturbations: {r.Perturbation.Continuation}; directions uniform on the sphere, one stream per trajectory.");
        html.Figures(figures);
        var files = new List<(string, string)>
        {
            ("trajectories.json", "every number of this page (OU times)"),
            ("trajectories.csv", "emergence times per mode: theory and both rules"),
            ("mode-curves.csv", "c_k(t)/c_k(t_end) and variance ratios per grid time, with the Gaussian theory"),
            ("plane-residual.csv", "distance from the plane of x(T) and x̂₀ per grid time"),
            ("perturbation.csv", "perturbation response per t_p"),
            ("manifest.json", "command, options, seed, version, runtime, timings"),
        };
        if (r.Strip is not null) files.Add(("denoised-strip.npy", "D(x(t), t) of the strip, float32 [trajectories, times, item shape]"));
        html.Heading("Files").Links(files);
    }
}
