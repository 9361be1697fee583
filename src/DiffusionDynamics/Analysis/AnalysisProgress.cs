namespace DiffusionDynamics.Analysis;

/// <summary>Progress of a long analysis, for display: the stage's name and units of work done of its total.</summary>
/// <param name="Stage">What is being done ("excess entropy", "N = 1000", …).</param>
/// <param name="Done">Units done so far within the stage.</param>
/// <param name="Total">Units in the stage (≥ Done when known).</param>
public readonly record struct AnalysisProgress(string Stage, long Done, long Total)
{
    /// <summary>
    /// An <see cref="IProgress{T}"/> of plain counts that reports them as <paramref name="stage"/> of <paramref name="total"/>,
    /// shifted by <paramref name="offset"/> (units of the stage done before this part); null when there is no target.
    /// </summary>
    public static IProgress<long>? Relay(IProgress<AnalysisProgress>? target, string stage, long total, long offset = 0) =>
        target is null ? null : new InlineProgress<long>(v => target.Report(new AnalysisProgress(stage, offset + v, total)));
}

/// <summary>An <see cref="IProgress{T}"/> that calls its handler immediately on the reporting thread (<see cref="Progress{T}"/> posts asynchronously).</summary>
public sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => handler(value);
}
