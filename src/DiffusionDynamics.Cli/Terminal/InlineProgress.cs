namespace DiffusionDynamics.Cli.Terminal;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler immediately on the reporting thread (System.Progress posts asynchronously).</summary>
public sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
