using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn memorization</c>: memorization.json, memorization.csv, the figures and the report (Biroli et al. 2024, docs/theory.md §4).</summary>
public sealed class MemorizationWriter : IReportWriter<MemorizationResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn memorization";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn memorization — trained networks against training-set size";

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(MemorizationResult r) => r.Points.Select(p => ($"n = {p.N}",
        $"memorized {p.MemorizedFraction.ToString("P0", Inv)} ± {p.MemorizedStderr.ToString("P0", Inv)}, t̂_C {p.LastChangeMean:F3}, " +
        $"t_C Gaussian {p.GaussianCollapseTime:F3} / with the data's spectrum {ReportFormat.Number(p.SpectrumCollapseTime, "F3")}, score distance at t = {p.ScoreDistance[0].T:G2}: {p.ScoreDistance[0].RelativeError:F3}")).ToList();

    /// <inheritdoc />
    public void WriteData(MemorizationResult r, RunOutput output)
    {
        output.Json("memorization.json", r);
        Csv.WriteTable(output.File("memorization.csv"),
            ["n", "memorizedFraction", "memorizedStderr", "lastChangeMean", "lastChangeStd", "gaussianCollapseTime", "spectrumCollapseTime", "finalLoss", "trainingSeconds"],
            r.Points.Select(p => new[] { p.N, p.MemorizedFraction, p.MemorizedStderr, p.LastChangeMean, p.LastChangeStd, p.GaussianCollapseTime, p.SpectrumCollapseTime ?? double.NaN,
                p.Training?.FinalLoss ?? double.NaN, p.Training?.Seconds ?? double.NaN }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(MemorizationResult r, RunOutput output) => ReportFigure.Of(MemorizationFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(MemorizationResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph("A network trained on few data reproduces the exact empirical score and copies training points; on many data it generalizes " +
                       "(Biroli et al. 2024, arXiv 2402.18491). Per size: the share of generated samples that copy a training point, the last change " +
                       "of the nearest training point along trajectories (t̂_C) beside the Gaussian-data t_C(n) (isotropic, and with the training set's covariance " +
                       "spectrum, the root of ln n = ½ Σ_k ln(1 + λ_k/(e^{2t} − 1))), and the distance of the learned score " +
                       "to the exact empirical score. Times are OU times t.")
            .Heading("Summary")
            .Table(["size", "result"], rows.Select(x => (IReadOnlyList<string>)new[] { x.Quantity, x.Value }));
        html.Figures(figures);
        html.Heading("Files").Links([("memorization.json", "all numbers"), ("memorization.csv", "one row per size"), (SweepState<MemorizationPoint>.FileName, "finished sizes (resume state)"), ("manifest.json", "command, options, timings")]);
    }
}
