using System.Globalization;
using System.Text;
using DiffusionDynamics.Analysis;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Writer of <c>diffdyn accelerate</c>: accelerate.json, accelerate.csv, the figures and the report (teleportation and Gaussian late
/// start, docs/theory.md §5).
/// </summary>
public sealed class AccelerateWriter : IReportWriter<AccelerateResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn accelerate (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn accelerate — sample quality at a fixed budget";

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(AccelerateResult r)
    {
        var f = r.Floor;
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("reference (held out)", $"{r.Data.Reference} (n = {r.Data.ReferenceN})"),
            ("denoiser", r.Denoiser),
            ("features", $"{r.Features} (k = {r.FeatureDimension})"),
            ("grid", $"{r.Run.Grid}, T = {F(r.Run.TMax, "G4")} → t_min = {F(r.Run.TMin, "G4")}, start {r.Run.BaseStart}"),
            ("t_skip", $"{F(r.TSkip.Value)} ({r.TSkip.Rule}; {100 * r.TSkip.LogSnrFraction:F0} % of the log-SNR range)"),
            ("FD floor (perfect sampler)", $"{F(f.Fd, "G4")} ± {F(f.Sd, "G3")} (sd, {f.Subsets} training subsets of {f.SubsetSize}); Gaussian theory {F(f.GaussianTheory, "G4")}"),
        };
        foreach (var sampler in r.Runs.Select(x => x.Sampler).Distinct())
            foreach (var start in r.Runs.Select(x => x.Start).Distinct())
            {
                var cells = r.Runs.Where(x => x.Sampler == sampler && x.Start == start).OrderBy(x => x.Nfe)
                    .Select(x => $"{x.Nfe}: {F(x.Fd, "G3")}±{F(x.FdStderr, "G2")}");
                rows.Add(($"FD {AccelerateFigures.SamplerName(sampler)}, {AccelerateFigures.StartName(start)}", string.Join("  ", cells)));
            }
        foreach (var s in r.StepsSaved)
        {
            string points = string.Join(", ", s.Points.Select(p => $"{p.BaselineNfe}: {SavedText(p)}"));
            rows.Add(($"steps saved {AccelerateFigures.SamplerName(s.Sampler)}, {AccelerateFigures.StartName(s.Start)}",
                $"median {(s.Median is double m ? $"{100 * m:F0} %" : "— (no crossing)")} ({points})"));
        }
        double memorized = r.Runs.Where(x => x.Start == AccelerationStart.Baseline).Select(x => x.MemorizedFraction).DefaultIfEmpty(double.NaN).Max();
        rows.Add(("memorized share, baseline (max over runs)", double.IsFinite(memorized) ? memorized.ToString("P1", Inv) : "—"));
        var errors = r.Runs.Select(x => x.FdStderr).Where(double.IsFinite).Order().ToArray();
        rows.Add(("median FD standard error (bootstrap)", errors.Length == 0 ? "—" : F(errors[errors.Length / 2], "G3")));
        rows.Add(("time", $"{r.Run.TotalSeconds:F1} s (sampling {r.Run.SamplingSeconds:F1} s)"));
        return rows;
    }

    /// <summary>
    /// One budget's saving: "40%", a bound "≥40%" / "<-20%", "at floor"; a lower bound that says nothing (≥ 0 % or below: the accelerated
    /// run is as good already at its smallest budget, which is not below this one) reads "no bound (as good at every budget)".
    /// </summary>
    public static string SavedText(StepsSavedPoint p) => p switch
    {
        { Saved: null } => "at floor",
        { Kind: SavedKind.AtLeast, Saved: <= 0 } => "no bound (as good at every budget)",
        { Saved: double v } => $"{Bound(p.Kind)}{(100 * v).ToString("F0", Inv)}%",
    };

    private static string Bound(SavedKind kind) => kind switch { SavedKind.AtLeast => "≥", SavedKind.LessThan => "<", _ => "" };

    private static string F(double v, string? format = null) => ReportFormat.Number(v, format);

    private static void WriteCsv(AccelerateResult r, string path)
    {
        var sb = new StringBuilder("sampler,start,nominalNfe,nfe,steps,startTime,fd,fdStderr,memorizedFraction,wallSeconds\n");
        foreach (var x in r.Runs)
            sb.Append(string.Join(',', x.Sampler, x.Start, x.NominalNfe.ToString(Inv), x.Nfe.ToString(Inv), x.Steps.ToString(Inv),
                x.StartTime.ToString("R", Inv), x.Fd.ToString("R", Inv), x.FdStderr.ToString("R", Inv), x.MemorizedFraction.ToString("R", Inv),
                x.WallSeconds.ToString("R", Inv))).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }

    /// <inheritdoc />
    public void WriteData(AccelerateResult r, RunOutput output)
    {
        output.Json("accelerate.json", r);
        WriteCsv(r, output.File("accelerate.csv"));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(AccelerateResult r, RunOutput output) => ReportFigure.Of(AccelerateFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(AccelerateResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html
            .Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D}; reference {r.Data.Reference}, n = {r.Data.ReferenceN})", r.Denoiser,
                string.Join(", ", r.Runs.Select(x => AccelerateFigures.SamplerName(x.Sampler)).Distinct()),
                $"{r.Run.BaseStart} for the baseline; teleport / gaussian at t_skip = {F(r.TSkip.Value)}", r.Run.Grid))
            .Paragraph("Each sampler runs with N denoiser evaluations per sample from T (baseline), or from t_skip after the closed-form Gaussian " +
                       "probability-flow jump (analytical teleportation, Wang & Vastola arXiv 2311.10892 / 2412.09726) or a fresh draw from the Gaussian " +
                       "marginal (Gaussian late start, Raya & Ambrogioni arXiv 2305.19693); the Gaussian is the training data's mean and covariance, and the " +
                       "jump costs no evaluation. Quality is the Fréchet distance FD = |μ₁ − μ₂|² + tr(C₁ + C₂ − 2(C₁^½ C₂ C₁^½)^½) between the samples " +
                       "and held-out reference data in the stated feature space (the project's own features, not Inception: not comparable to published FIDs). " +
                       "Steps saved: for each baseline budget N, the budget N′ at which the shortcut reaches the same FD (monotone fit, interpolated in ln N), " +
                       "saved = 1 − N′/N. All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.")
            .Summary(rows)
            .Paragraph($"The FD floor is the mean FD of {r.Floor.Subsets} {(r.Floor.Disjoint ? "disjoint" : "overlapping (n < 2S: the spread is underestimated)")} training subsets of {r.Floor.SubsetSize} points to the reference set: what a perfect " +
                       "sampler reaches at this sample size (FDs within about one floor sd of it are indistinguishable from perfect). The FD errors are bootstrap " +
                       "standard errors over the generated samples with the reference fixed; the reference is shared by every run.");
        html.Figures(figures);
        html.Heading("Files").Links([
            ("accelerate.json", "every number of this page"),
            ("accelerate.csv", "one row per sampler × start × NFE: fd, fdStderr, memorizedFraction, wallSeconds"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
    }
}
