using DiffusionDynamics.Analysis;

namespace DiffusionDynamics.Cli.Terminal;

/// <summary>Forwards an analysis's <see cref="AnalysisProgress"/> to a <see cref="ProgressDisplay"/> report callback.</summary>
/// <param name="report">The display's callback: (stage, detail, done, total).</param>
/// <param name="prefix">Put before every stage name (e.g. "model: ").</param>
public sealed class StageProgress(Action<string, string, long, long> report, string prefix = "") : IProgress<AnalysisProgress>
{
    /// <inheritdoc />
    public void Report(AnalysisProgress value) => report(prefix + value.Stage, "", value.Done, value.Total);
}
