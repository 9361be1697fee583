using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn phase</c>: the phase diagram of the regimes — t_S and t_C measured over a grid of d and n beside their closed forms and the
/// collapse boundary n ∼ e^{c·d}. A shardable sweep: <c>--shard i/N</c> (or a job array's variables) runs one shard into --out, and
/// <c>diffdyn merge</c> assembles the shards into the report one whole run writes.
/// </summary>
public static class PhaseCommand
{
    public const string Name = "phase";

    public static Command Build()
    {
        var family = new Option<string>("--family") { Description = "Data family: gaussian (isotropic N(0, I)) | two-cluster (½N(±1, I)) | manifold (⌈d/4⌉ directions of std 1, the rest 0.1).", DefaultValueFactory = _ => "gaussian" };
        family.AcceptOnlyFromAmong("gaussian", "two-cluster", "manifold");
        var dims = new Option<string>("--d") { Description = "Dimensions d, comma-separated.", DefaultValueFactory = _ => "4,8,16,32" };
        var sizes = new Option<string>("--n") { Description = "Training-set sizes n, comma-separated.", DefaultValueFactory = _ => "32,128,512,2048" };
        var pairs = new Option<int>("--pairs") { Description = "Clone pairs (trajectories) per point.", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "SDE steps from T to t_min per point.", DefaultValueFactory = _ => 100 };
        var entropySamples = new Option<int>("--entropy-samples") { Description = "Monte-Carlo draws per time of the excess entropy.", DefaultValueFactory = _ => 512 };
        var seed = new Option<long>("--seed") { Description = "Run seed: point k uses seed Mix(seed, k) for its data and trajectories.", DefaultValueFactory = _ => 0L };
        var outOption = new Option<string?>("--out") { Description = "Output folder (default runs/phase-<timestamp>); a shard's folder for --shard." };
        var shard = new ShardOptions();
        var command = new Command(Name, "Phase diagram of the regimes: t_S and t_C over a grid of dimensions d and training-set sizes n, beside their closed forms (shardable sweep).");
        foreach (var o in new Option[] { family, dims, sizes, pairs, steps, entropySamples, seed, outOption }) command.Options.Add(o);
        shard.AddTo(command);
        CommonOptions.AtLeast(pairs, 2); CommonOptions.AtLeast(steps, 1); CommonOptions.AtLeast(entropySamples, 2);
        dims.Validators.Add(r => { try { ListOption.Sizes(r.GetValueOrDefault<string>() ?? ""); } catch (ArgumentException e) { r.AddError($"--d: {e.Message}"); } });
        sizes.Validators.Add(r => { try { ListOption.Sizes(r.GetValueOrDefault<string>() ?? ""); } catch (ArgumentException e) { r.AddError($"--n: {e.Message}"); } });

        outOption.Validators.Add(r => { if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[0].Value)) r.AddError("--out expects a folder path, got ''."); });
        OptionFlags.SetAction(command, p =>
        {
            var defaults = new PhaseOptions().RegimesOrDefault;
            var options = new PhaseOptions(
                Family: p.GetValue(family) switch { "two-cluster" => PhaseFamily.TwoCluster, "manifold" => PhaseFamily.Manifold, _ => PhaseFamily.Gaussian },
                Dimensions: ListOption.Sizes(p.GetValue(dims) ?? ""), Sizes: ListOption.Sizes(p.GetValue(sizes) ?? ""), Seed: p.GetValue(seed),
                Regimes: defaults with { Pairs = p.GetValue(pairs), Batch = p.GetValue(pairs), Steps = p.GetValue(steps), EntropySamples = p.GetValue(entropySamples) });
            options.Validate();
            string outDir = p.GetValue(outOption) ?? Path.Combine("runs", $"phase-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            return Execute(options, outDir, shard.Resolve(p), p.GetValue(shard.DryRun), CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>The options with every default filled in, as the sweep manifest records them.</summary>
    private static PhaseOptions Explicit(PhaseOptions o) => o with { Dimensions = o.DimensionsOrDefault, Sizes = o.SizesOrDefault, Regimes = o.RegimesOrDefault };

    /// <summary>The sweep manifest of <paramref name="options"/>: the data are synthetic, fingerprinted by family and seed.</summary>
    public static SweepManifest Manifest(PhaseOptions options) =>
        SweepManifest.Of(Name, Explicit(options), SweepManifest.Fingerprint($"phase:{options.Family}:seed={options.Seed}"),
            options.Points().Select(x => $"d={x.D},n={x.N}"));

    /// <summary>Runs the whole sweep (<paramref name="shard"/> null), one shard of it, or lists it (<paramref name="dryRun"/>).</summary>
    public static int Execute(PhaseOptions options, string outDir, Shard? shard, bool dryRun, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var manifest = Manifest(options) with { Arguments = args };
        if (dryRun) return ShardOptions.PrintDryRun(output, Name, manifest.Points, shard);
        var points = options.Points();
        if (shard is not null)
            return ShardOptions.RunShard(output, outDir, manifest, shard, k => ProgressDisplay.RunStages(report =>
                PhaseExperiment.RunPoint(options, k, new StageProgress(report, $"d = {points[k].D}, n = {points[k].N}: "))));
        using var run = RunOutput.Create(outDir);
        output.WriteLine($"phase: {OptionTokens.Of(options.Family)} data, d = {string.Join(",", options.DimensionsOrDefault)}, n = {string.Join(",", options.SizesOrDefault)} ({points.Count} points)");
        var result = ProgressDisplay.RunStages(report => PhaseExperiment.Run(options, new StageProgress(report)));
        return Finish(run, result, options, args, clock, output);
    }

    /// <summary>Writes the report of a finished sweep (a whole run, or merged shards).</summary>
    private static int Finish(RunOutput run, PhaseResult result, PhaseOptions options, IReadOnlyList<string> args, Stopwatch clock, TextWriter output,
        IReadOnlyList<string>? mergedFrom = null)
    {
        var manifest = CommandRun.Manifest(Name, args.ToArray(), new { phase = Explicit(options), mergedFrom }, options.Seed,
            timings: new() { ["points"] = result.Points.Sum(p => p.Seconds) });
        return RunSummaryPrinter.Print(output, run.Finish(new PhaseWriter(), result, manifest, clock));
    }

    /// <summary>Merges shard folders of a phase sweep (checked by <see cref="SweepMerge"/>) into the report one whole run writes.</summary>
    public static int Merge(IReadOnlyList<string> folders, string outDir, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (manifest, points) = SweepMerge.Read<PhasePoint>(folders);
        var options = manifest.Options.Deserialize<PhaseOptions>(RunManifest.JsonOptions) ?? throw new IOException("The sweep manifest holds no phase options.");
        using var run = RunOutput.Create(outDir);
        output.WriteLine($"merge: {points.Count} points of diffdyn phase from {folders.Count} shard folders");
        return Finish(run, PhaseExperiment.Assemble(options, points), options, manifest.Arguments, clock, output, folders.Select(Path.GetFullPath).ToList());
    }
}
