namespace DiffusionDynamics.Cli.Terminal;

/// <summary>
/// Forwards a library's staged progress records (stage, done, total) to a <see cref="ProgressDisplay"/> report callback.
/// </summary>
/// <param name="report">The display's callback: (stage, detail, done, total).</param>
/// <param name="read">Reads (stage, done, total) from a record (and may prefix the stage).</param>
public sealed class StageProgress<T>(Action<string, string, long, long> report, Func<T, (string Stage, long Done, long Total)> read) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value)
    {
        var (stage, done, total) = read(value);
        report(stage, "", done, total);
    }
}
