using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Reports;

/// <summary>A training run: the training set, the network and options, the trainer's result and the samples drawn from the EMA model.</summary>
/// <param name="TrainingLog">The trainer's log (train-log.jsonl) the loss curve is drawn from.</param>
/// <param name="PeakRssMegabytes">Peak resident set size of the process, MB (NaN when unknown).</param>
public sealed record TrainReport(Dataset Data, NetworkOptions Network, TrainingOptions Training, TrainingResult Result, SampleResult Sampling,
    string TrainingLog, double PeakRssMegabytes);

/// <summary>Writer of <c>diffdyn train</c>'s report folder: samples.npy, the loss curve, the sample figures and the report (DSM in the OU clock, docs/theory.md §1).</summary>
public sealed class TrainWriter : IReportWriter<TrainReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn train";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn train — denoising score matching";

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(TrainReport r) =>
    [
        ("data", $"{r.Data.Name} (n = {r.Data.Count}, d = {r.Data.Dimension})"),
        ("network", $"{OptionTokens.Of(r.Network.Kind)}, {r.Result.ParameterCount:N0} parameters"),
        ("steps", $"{r.Result.Steps} at batch {r.Training.BatchSize}"),
        ($"final loss (EMA of the per-step loss, factor {Neural.CheckpointInfo.LossEmaFactor.ToString(Inv)})", r.Result.FinalLoss.ToString("G4", Inv)),
        ("training time", $"{r.Result.Seconds:F1} s ({r.Result.Steps / Math.Max(r.Result.Seconds, 1e-9):F2} steps/s this run)"),
        ("peak RSS", $"{r.PeakRssMegabytes:F0} MB"),
        ("samples (EMA, 200 SDE steps)", $"{r.Sampling.Count} in {r.Sampling.SamplingSeconds:F1} s"),
        ("memorized share (d₁/d₂ < 1/3)", r.Sampling.MemorizedFraction.ToString("P1", Inv)),
        ("checkpoint", r.Result.CheckpointPath),
    ];

    /// <inheritdoc />
    public void WriteData(TrainReport r, RunOutput output) =>
        Npy.Write(output.File("samples.npy"), r.Sampling.Samples, new[] { r.Sampling.Count }.Concat(r.Data.ItemShape).ToArray());

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(TrainReport r, RunOutput output)
    {
        var files = new List<(string File, string Caption)>
        {
            (TrainFigures.LossCurve(r.TrainingLog, output.Folder), "Training loss (DSM) against step: every logged window mean (points), the bias-corrected EMA of the per-step loss (dashed) and its final value, the summary's final loss."),
        };
        if (r.Data.IsImage)
            files.Add((SampleFigures.SamplesBesideNearest(r.Sampling, r.Data, output.Folder), "Every sample from the EMA model (left of each pair, labelled s_i) beside its nearest training image (right, labelled with d₁/d₂; below 1/3 a copy)."));
        else
            files.Add((SampleFigures.Scatter(r.Sampling, r.Data, output.Folder), "Training points and samples from the EMA model (first two coordinates)."));
        files.Add((SampleFigures.RatioHistogram(r.Sampling, output.Folder), "Nearest/second-nearest training distance ratio of the samples; below 1/3 a sample is a copy."));
        return files.Select(f => new ReportFigure(f.File, f.Caption, File.Exists(output.File(Path.ChangeExtension(f.File, ".svg"))))).ToList();
    }

    /// <inheritdoc />
    public void WriteReport(TrainReport r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.Count}, d = {r.Data.Dimension})",
            $"a {OptionTokens.Of(r.Network.Kind)} network ({r.Result.ParameterCount:N0} parameters) trained by denoising score matching for {r.Result.Steps} steps at batch {r.Training.BatchSize}; " +
            $"samples drawn with its EMA weights (decay {r.Training.EmaDecay.ToString(Inv)})", "sde", "noise"));
        html.Summary(rows).Figures(figures);
        html.Paragraph("Times are OU times t; the network predicts ε in x(t) = e^{-t} a + sqrt(1 - e^{-2t}) ε, so D = (x - sqrt(Δ_t) ε̂) e^t.");
    }
}
