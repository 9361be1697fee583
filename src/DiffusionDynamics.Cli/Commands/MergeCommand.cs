using System.CommandLine;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn merge SHARD_DIR… --out DIR</c>: checks that the shard folders belong to one sweep (same command, options, data fingerprint
/// and version in their sweep-manifest.json) and hold every point exactly once, then writes the result files, figures and report that one
/// unsharded run of the sweep writes.
/// </summary>
public static class MergeCommand
{
    /// <summary>The sweeps that shard, by command: how each merges its points.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IReadOnlyList<string>, string, TextWriter, int>> Sweeps =
        new Dictionary<string, Func<IReadOnlyList<string>, string, TextWriter, int>>(StringComparer.Ordinal)
        {
            [PhaseCommand.Name] = PhaseCommand.Merge,
            ["memorization"] = MemorizationCommand.Merge,
            ["memory"] = MemoryCommand.Merge,
            ["spectrum"] = SpectrumCommand.Merge,
            ["accelerate"] = AccelerateCommand.Merge,
        };

    public static Command Build()
    {
        var folders = new Argument<string[]>("SHARD_DIR") { Description = "The shard folders (each written by one --shard i/N run of the same sweep).", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out") { Description = "Output folder of the merged result; must not exist or be empty.", Required = true };
        var command = new Command("merge", "Merge the shard folders of a sweep (phase, memorization, memory, spectrum --sizes, accelerate) into the result one unsharded run writes.");
        command.Arguments.Add(folders);
        command.Options.Add(outOption);
        outOption.Validators.Add(r => { if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[0].Value)) r.AddError("--out expects a folder path, got ''."); });
        OptionFlags.SetAction(command, p =>
        {
            var dirs = p.GetValue(folders) ?? [];
            var first = SweepMerge.FirstManifest(dirs);
            if (!Sweeps.TryGetValue(first.Command, out var merge))
                throw new ArgumentException($"{dirs[0]} holds shards of diffdyn {first.Command}, which merge does not know (it merges {string.Join(", ", Sweeps.Keys)}).");
            return merge(dirs, p.GetValue(outOption)!, p.InvocationConfiguration.Output);
        });
        return command;
    }
}
