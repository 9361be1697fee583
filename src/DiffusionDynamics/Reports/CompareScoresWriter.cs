using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>A score comparison and the wall time of the whole run (fits, comparison and loading), shown in its summary.</summary>
public sealed record ScoreComparisonReport(CompareScoresResult Result, double TotalSeconds);

/// <summary>Writer of <c>diffdyn compare-scores</c>: compare-scores.json, compare-scores.csv, the figures and the report (docs/theory.md §5).</summary>
public sealed class CompareScoresWriter : IReportWriter<ScoreComparisonReport>
{
    /// <inheritdoc />
    public string SummaryTitle => "diffdyn compare-scores (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn compare-scores — explained variance of the score";

    private static string F(double? v, string? format = null) => ReportFormat.Number(v, format);

    /// <summary>Grid times closest to 0.01, 0.1, 0.3, 1 and 3 (within the grid), for the summary.</summary>
    public static double[] SummaryTimes(IReadOnlyList<double> grid) =>
        new[] { 0.01, 0.1, 0.3, 1.0, 3.0 }.Where(t => t >= grid.Min() / 1.5 && t <= grid.Max() * 1.5)
            .Select(t => grid.OrderBy(g => Math.Abs(Math.Log(g / t))).First()).Distinct().ToArray();

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(ScoreComparisonReport report)
    {
        var r = report.Result;
        var grid = r.Approximations[0].Curve.Select(p => p.T).ToArray();
        var shown = SummaryTimes(grid);
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("reference score s₁", r.Reference),
            ("draws", $"{r.Samples} per time from {r.Data.DrawnFrom}, {grid.Length} times {F(grid.Min(), "G3")}…{F(grid.Max(), "G3")}"),
        };
        foreach (var a in r.Approximations)
        {
            var byT = a.Curve.ToDictionary(p => p.T);
            rows.Add(($"{a.Name}: EV at t =", string.Join("  ", shown.Select(t => $"{F(t, "G3")}: {F(byT[t].Ev)}"))));
            rows.Add(($"{a.Name}: EV < 0.99 / < 0.9 below t =", $"{F(a.TimeBelow99)} / {F(a.TimeBelow90)}"));
        }
        rows.Add(("time", $"{report.TotalSeconds:F1} s (fits {r.Approximations.Sum(a => a.FitSeconds):F1} s, comparison {r.Seconds:F1} s)"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(ScoreComparisonReport report, RunOutput output)
    {
        var r = report.Result;
        output.Json("compare-scores.json", r);
        var header = new List<string> { "t", "referenceMeanSquare" };
        foreach (var a in r.Approximations) header.AddRange([$"ev[{a.Name}]", $"stderr[{a.Name}]"]);
        if (r.GaussianAsymptote is not null) header.Add("gaussianDeficitTheory");
        var grid = r.Approximations[0].Curve;
        Csv.WriteTable(output.File("compare-scores.csv"), [.. header], grid.Select((p, i) =>
        {
            var row = new List<double> { p.T, p.ReferenceMeanSquare };
            foreach (var a in r.Approximations) row.AddRange([a.Curve[i].Ev, a.Curve[i].Stderr]);
            if (r.GaussianAsymptote is { } g) row.Add(g.Curve.FirstOrDefault(q => q.T == p.T)?.Value ?? double.NaN); // the theory grid contains the measured times
            return row.ToArray();
        }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(ScoreComparisonReport report, RunOutput output) =>
        ReportFigure.Of(CompareScoresFigures.WriteAll(report.Result, output.Folder));

    /// <inheritdoc />
    public void WriteReport(ScoreComparisonReport report, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        var r = report.Result;
        html.Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})", $"reference s₁ = {r.Reference}"));
        html.Paragraph("EV(t) = 1 − E|s₁ − s₂|² / E|s₁|² measures how much of the reference score s₁ an approximation s₂ explains on the noised " +
                       "data x = a e^{-t} + sqrt(1 − e^{-2t}) z (OU time t). Wang & Vastola (arXiv 2412.09726, 2311.10892): the learned score is " +
                       "dominated by its Gaussian (linear) approximation at moderate to high noise; at small noise a Gaussian mixture (coarse-grained) " +
                       "score describes it better than the exact empirical score does. Every approximation is scored on the same draws.")
            .Summary(rows);
        html.Table(["approximation", "what it is", "fit time"], r.Approximations.Select(a => (IReadOnlyList<string>)new[] { a.Name, a.Description, $"{a.FitSeconds:F2} s" }));
        html.Figures(figures);
        html.Heading("Files").Links([
            ("compare-scores.json", "every number of this page: per approximation the curve {t, ev, stderr} (OU times)"),
            ("compare-scores.csv", "one row per time: EV and its SE per approximation"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
    }
}
