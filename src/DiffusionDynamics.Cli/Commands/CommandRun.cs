using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>The manifest every command writes beside its results (one shape for all commands).</summary>
public static class CommandRun
{
    /// <summary>The manifest of <paramref name="command"/> run with <paramref name="args"/> on <paramref name="data"/> (its preprocessing recorded).</summary>
    public static RunManifest Manifest(string command, string[] args, object options, long seed, Dataset? data = null, Dictionary<string, double>? timings = null) => new()
    {
        Command = command,
        Arguments = args,
        Options = options,
        Seed = seed,
        DataPreprocessing = data?.Preprocessing ?? [],
        TimingsSeconds = timings ?? new(),
    };
}
