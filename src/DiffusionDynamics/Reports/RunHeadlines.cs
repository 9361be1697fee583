using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>
/// The one-line headlines the sweep commands print before they run, and the lines a sweep prints per finished point: prose generated
/// from the run's inputs, kept here so the CLI only wires options to experiments.
/// </summary>
public static class RunHeadlines
{
    /// <summary>The name of the score an accelerate run samples with: a trained or imported model, the analytic population score, or the exact empirical one.</summary>
    public static string AccelerateScore(string? modelPath, string? analyticPopulation) =>
        modelPath is not null ? $"trained model {modelPath}"
        : analyticPopulation is not null ? $"exact analytic score of the {analyticPopulation} population"
        : "exact empirical score";

    /// <summary>"data: …; reference …; score; samplers …; NFE …; N samples each".</summary>
    public static string Accelerate(Dataset data, Dataset reference, string scoreName, AccelerateOptions options) =>
        $"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; reference {reference.Name} (n = {reference.Count}); {scoreName}; " +
        $"samplers {string.Join(", ", options.Samplers)}; NFE {string.Join(", ", options.Nfe)}; {options.Samples} samples each";

    /// <summary>"data: …; sizes …; fixed-point times × starts; samples per size[; model PATH]".</summary>
    public static string Memory(Dataset data, MemoryOptions options, string? modelPath) =>
        $"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; sizes {string.Join(",", options.Sizes)}; " +
        $"{options.TimesOrDefault.Length} fixed-point times × {options.FixedPointsOrDefault.Starts} starts; {options.Samples} samples per size" +
        (modelPath is null ? "" : $"; model {modelPath}");

    /// <summary>The line printed when the size n of a memory sweep is done (here, or in an earlier run that the sweep resumed).</summary>
    public static string MemorySizeDone(int n, double? seconds, string stateFile) =>
        seconds is double s ? $"n = {n}: done ({s:F1} s)" : $"n = {n}: done in an earlier run (from {stateFile})";

    /// <summary>"data: …; sizes N = …; points × times[; trained|imported model(s) …]".</summary>
    public static string Spectrum(Dataset data, IReadOnlyList<SpectrumTraining> trainings, JacobianSpectrumSweepOptions options,
        IReadOnlyList<string>? models, bool imported) =>
        $"data: {data.Name}, d = {data.Dimension}; sizes N = {string.Join(", ", trainings.Select(x => x.N))}; " +
        $"{(options.PointKind == SpectrumPoints.Origin ? 1 : options.Points)} {options.PointKind.ToString().ToLowerInvariant()} points × {options.Times} times" +
        (models is null ? "" : $"; {(imported ? "imported" : "trained")} model{(models.Count > 1 ? "s" : "")} {string.Join(", ", models)}");
}
