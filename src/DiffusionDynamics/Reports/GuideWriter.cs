using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Writer of <c>diffdyn guide</c>: guide.json (the contract: modes, tracking, classifierAccuracy — plus the run's context), guide.csv, the
/// figures and the report (Koulischer et al., arXiv 2410.14398; docs/theory.md §7.7–7.8).
/// </summary>
public sealed class GuideWriter : IReportWriter<NegativeGuidanceResult>
{
    /// <inheritdoc />
    public string SummaryTitle => "diffdyn guide (dynamic negative guidance)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn guide — removing a class with dynamic negative guidance";

    private static string F(double? v, string? format = null) => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(NegativeGuidanceResult r)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data} (n = {r.Count}, d = {r.Dimension}, classes {string.Join(",", r.Classes)})"),
            ("forbidden class", r.ForbiddenName is null ? $"{r.Forbidden}" : $"{r.Forbidden} ({r.ForbiddenName})"),
            ("sampler / samples per mode / steps", $"{r.Sampler} / {r.Samples} / {r.Steps}"),
            ("classifier accuracy (trained held-out, measured on the guidance data)", F(r.ClassifierAccuracy)),
        };
        foreach (var m in r.Modes)
            rows.Add(($"{m.Mode,-7} λ = {m.Lambda:G3}: forbidden share / KL / FD / collateral",
                $"{F(m.ForbiddenShare)} ± {F(m.ForbiddenShareStderr)} / {F(m.KlToTarget, "F4")} / {F(m.Frechet)} / {F(m.Collateral)}"));
        if (r.Tracking is { } t) rows.Add(("tracked p vs exact p(c | x_t): mean / max |Δp|", $"{F(t.MeanAbsError, "F4")} / {F(t.MaxAbsError)}"));
        rows.Add(("time", $"{r.Seconds:F1} s"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(NegativeGuidanceResult r, RunOutput output)
    {
        output.Json("guide.json", new
        {
            modes = r.Modes,
            tracking = r.Tracking,
            classifierAccuracy = r.ClassifierAccuracy,
            clock = r.Clock,
            forbidden = r.Forbidden,
            forbiddenName = r.ForbiddenName,
            classes = r.Classes,
            histograms = r.Histograms,
            target = r.Target,
            trackingCurve = r.TrackingCurve,
            data = r.Data, count = r.Count, dimension = r.Dimension, sampler = r.Sampler, samples = r.Samples, steps = r.Steps, seconds = r.Seconds,
        });
        Csv.WriteTable(output.File("guide.csv"), ["mode", "lambda", "forbiddenShare", "forbiddenShareStderr", "klToTarget", "frechet", "collateral"],
            r.Modes.Select(m => new[] { m.Mode switch { "none" => 0.0, "static" => 1.0, _ => 2.0 }, m.Lambda, m.ForbiddenShare, m.ForbiddenShareStderr, m.KlToTarget, m.Frechet, m.Collateral }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(NegativeGuidanceResult r, RunOutput output) => ReportFigure.Of(GuideFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(NegativeGuidanceResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph(RunDescription.Sentence($"{r.Data} (n = {r.Count}, d = {r.Dimension})", r.ScoreSource ?? "class-conditional scores", r.Sampler, clock: "OU time t") +
            $" {r.Samples} samples per mode, {r.Steps} steps; avoided class {r.ForbiddenName ?? r.Forbidden.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        html.Paragraph("Removing a class c from generation. Negative guidance replaces ε by ε̃ = ε − λ w (ε_c − ε); static negative prompting uses w = 1, " +
                       "dynamic negative guidance (Koulischer et al., ICLR 2025, arXiv 2410.14398) w = p/(1 − p) with p = p(c | path) tracked online by Bayes' rule " +
                       "with the sampler's own transition kernels — exact removal when λ = 1 and p is the true posterior. All modes use the same per-sample noise, " +
                       "so each guided sample is compared with its unguided twin (collateral change, over twins not of class c). The forbidden share is measured " +
                       "by a logistic classifier trained on held-out data; KL is that of the kept-class histogram (Jeffreys-smoothed, forbidden class left out) " +
                       "to the kept classes in their data proportions; FD is the Fréchet distance (pixel space) to held-out kept-class data. guide.csv codes mode " +
                       "0 = none, 1 = static, 2 = dynamic.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("guide.json", "modes {mode, lambda, forbiddenShare, forbiddenShareStderr, klToTarget, frechet, collateral}, tracking, classifierAccuracy, histograms"),
            ("guide.csv", "one row per mode"),
            ("manifest.json", "command line, options, seed, timings"),
        ]);
    }
}
