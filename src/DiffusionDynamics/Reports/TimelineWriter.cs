using System.Globalization;
using DiffusionDynamics.Analysis;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn timeline</c>: timeline.json (the whole record), timeline.csv (one row per time), the figure and the report.</summary>
public sealed class TimelineWriter : IReportWriter<TimelineResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn timeline (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn timeline — the regimes of one model on one time axis";

    private static string F(double? v) => ReportFormat.Number(v, "F4");

    /// <summary>"0.1234 ± 0.0012" or "0.1234" or "—".</summary>
    public static string WithError(double? value, double? error) =>
        value is null ? "—" : error is double e && double.IsFinite(e) ? $"{F(value)} ± {F(e)}" : F(value);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(TimelineResult r)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D}{(r.Data.Labelled ? ", labelled" : "")})"),
            ("score", r.Score),
            ("Λ (top eigenvalue of the covariance)", r.Data.LambdaMax.ToString("G5", Inv)),
        };
        if (r.ModelClock is { } mc)
        {
            // The error over the times the run asked for is the shared row and report section of every ONNX run (RunOutput); this is
            // the worst case over the whole axis of the timeline.
            rows.Add(("model", mc.Description));
            rows.Add(("model clock on the timeline's axis", $"t ∈ [{mc.ClockMin:G3}, {mc.ClockMax:G4}]; worst |Δt| on [t_min, T] = {mc.MaxTimeError:G3} at t = {mc.WorstTime:G3}" +
                      (mc.ClockMax < r.Run.Regimes.TMax ? $" (above t = {mc.ClockMax:G4} the model is fed its last level)" : "")));
        }
        foreach (var e in r.Events)
            rows.Add((e.Label, $"{WithError(e.Measured, e.Error)}  |  {e.TheoryLabel ?? "closed form"}: {F(e.Theory)}" + (e.Note is null || e.Measured is not null ? "" : $"  ({e.Note})")));
        foreach (var n in r.NotCovered) rows.Add(("not covered", n));
        rows.Add(("time", $"{r.Run.TotalSeconds:F1} s (regimes {r.Run.RegimesSeconds:F1}, symmetry {r.Run.SymmetrySeconds:F1}, modes {r.Run.ModesSeconds:F1}, explained variance {r.Run.ExplainedVarianceSeconds:F1}, class decision {r.Run.ClassesSeconds:F1})"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(TimelineResult r, RunOutput output)
    {
        output.Json("timeline.json", r);
        using var w = new StreamWriter(output.File("timeline.csv"));
        w.WriteLine("key,group,measured,error,theory");
        foreach (var e in r.Events)
            w.WriteLine(string.Join(',', e.Key, e.Group, N(e.Measured), N(e.Error), N(e.Theory)));
        static string N(double? v) => v is double x ? x.ToString("R", Inv) : "";
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(TimelineResult r, RunOutput output) => ReportFigure.Of(TimelineFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(TimelineResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})", r.Score));
        html.Paragraph("Each time at which the backward process changes regime, measured on this score with its error bar, beside its closed form " +
                       "(all OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z; generation runs from large t to small t). Speciation t_S: clones branched at t " +
                       "end in the same class (Biroli et al. 2024, arXiv 2402.18491), theory ½ ln Λ. Collapse t_C: the excess entropy f(t) crosses 0 and " +
                       "trajectories stop changing their nearest training point. Symmetry breaking: the central fixed point of the backward drift turns unstable " +
                       "(Raya & Ambrogioni 2023, arXiv 2305.19693). Mode emergence: the denoiser's coordinate on mode k settles (Wang & Vastola, arXiv 2303.02490). " +
                       "Teleport hand-over: above it the Gaussian score explains the score. Class decision (labelled data): the rate dH/dt of the class entropy " +
                       "H(Y | X_t), from the exact class posterior of the data along this score's trajectories, peaks where classes are decided " +
                       "(Handke et al., arXiv 2506.10433), near t_S. The runs use reduced settings (see timeline.json, run) " +
                       "so the whole timeline is quick; the error bars include that.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("timeline.json", "every number of this page, with the full results of the analyses composed (regimes, symmetry, modes, hand-over, class entropy)"),
            ("timeline.csv", "one row per time: key, group, measured, error, closed form"),
        ]);
    }
}
