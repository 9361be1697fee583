using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn variance</c>: variance.json, fill.csv, curves.csv, the figures and the report (Vastola, arXiv 2504.12532; docs/theory.md §8.1–8.3).</summary>
public sealed class VarianceWriter : IReportWriter<VarianceResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn variance (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn variance — generalization through variance";

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(VarianceResult r)
    {
        var rows = new List<(string, string)> { ("data", $"{r.Data} (n = {r.N}, d = {r.D})") };
        foreach (var m in r.Maps)
        {
            int best = Array.IndexOf(m.Ratio, m.Ratio.Max());
            string where = r.D == 1 ? m.X[0][best].ToString("F3", Inv) : $"({m.X[0][best / m.X[1].Length]:F2}, {m.X[1][best % m.X[1].Length]:F2})";
            rows.Add((string.Create(Inv, $"ratio map t = {m.T:G3}"), string.Create(Inv, $"max {m.Ratio.Max():F3} at x = {where}; mean {m.Ratio.Average():F3}")));
        }
        foreach (var c in r.Curves)
        {
            int i = c.Times.Select((t, k) => (Distance: Math.Abs(Math.Log(t / 0.1)), k)).Min().k;   // the time nearest t = 0.1
            rows.Add(($"ratio {c.Where}", string.Create(Inv, $"{c.MeanRatio[i]:F3} ± {c.StandardError[i]:F3} at t = {c.Times[i]:G3}")));
        }
        foreach (var f in r.Fill)
            rows.Add(($"fill: {f.Setting}" + (f.FeatureKind is { } k ? $", {k}" : f.Setting.StartsWith("circle", StringComparison.Ordinal) ? ", exact score" : ""), f.FeatureKind is null
                ? string.Create(Inv, $"ε = {f.Cutoff:G3}: {f.Mass:F4} ± {f.Stderr:F4}")
                : string.Create(Inv, $"F = {f.Features}, P = {f.Samples}, ε = {f.Cutoff:G3}: {f.Mass:F4} ± {f.Stderr:F4} ({f.Models} models)")));
        if (r.D == 1) rows.Add(("gap radius δ", r.GapRadius1D.ToString("G4", Inv)));
        foreach (var n in r.Notes) rows.Add(("note", n));
        rows.Add(("time", $"{r.Seconds:F1} s"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(VarianceResult r, RunOutput output)
    {
        output.Json("variance.json", r);
        Csv.WriteTable(output.File("fill.csv"), ["features", "samples", "cutoff", "rotation", "mass", "stderr", "models", "gaussian"],
            r.Fill.Select(f => new[] { f.Features, f.Samples, f.Cutoff, f.Rotation, f.Mass, f.Stderr, f.Models, f.FeatureKind == FeatureKind.Gaussian ? 1.0 : 0.0 }));
        Csv.WriteTable(output.File("curves.csv"), ["curve", "t", "ratio", "stderr"],
            r.Curves.SelectMany((c, i) => c.Times.Select((t, k) => new[] { i, t, c.MeanRatio[k], c.StandardError[k] })));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(VarianceResult r, RunOutput output) => ReportFigure.Of(VarianceFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(VarianceResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph("The denoising-score-matching target s̃ = −(x_t − e^{−t}a)/Δ_t is an unbiased but noisy estimate of the score: its covariance is " +
                       "C(x, t) = (e^{−2t}/Δ_t²) Cov[a | x_t]. Where the posterior over training points is spread — between training points, at small and " +
                       "intermediate t — the target is mostly noise, and a model that cannot fit it exactly averages it into a smoother score that puts " +
                       "probability between the training points (Vastola, ICLR 2025, arXiv 2504.12532). Here C is computed with the exact posterior of the " +
                       "empirical score; linear-feature models D = Wᵀφ(x, t) are fitted in closed form (weighted ridge regression on P sampled triples), " +
                       "sampled by the probability-flow ODE, and their fill (the share of samples farther than δ = ¼ of the smallest distance between " +
                       "training points from all of them) is averaged over independently trained models. All times are OU times.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("variance.json", "every number: maps {t, x, ratio, traceC, scoreNorm2}, curves, fill {features, samples, cutoff, mass, stderr}, densities"),
            ("fill.csv", "one row per gap-filling setting"),
            ("curves.csv", "mean ratio against t per location"),
            ("manifest.json", "command, options, version, runtime, timings"),
        ]);
    }
}
