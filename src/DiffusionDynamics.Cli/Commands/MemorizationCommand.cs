using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn memorization</c>: one network per training-set size, then per size the memorized share of its samples,
/// the distance of its score to the exact empirical score over t, and t̂_C — the memorization → generalization
/// transition in n. The sweep is resumable: every model checkpoints, and finished sizes are kept in sweep.json.
/// </summary>
public static class MemorizationCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string SweepFile = SweepState<MemorizationPoint>.FileName;

    public static Command Build()
    {
        var common = new CommonOptions();
        var train = new TrainingCliOptions();
        var sizes = new Option<string>("--sizes") { Description = "Training-set sizes, comma-separated.", DefaultValueFactory = _ => "64,256,1024,4000" };
        var samples = new Option<int>("--samples") { Description = "Generated samples per model.", DefaultValueFactory = _ => 64 };
        var scoreSamples = new Option<int>("--score-samples") { Description = "Draws per time for the score distance.", DefaultValueFactory = _ => 256 };
        var command = new Command("memorization", "Train one network per training-set size and measure memorization against n (resumable sweep).");
        common.AddTo(command);
        train.AddTo(command);
        command.Options.Add(sizes);
        command.Options.Add(samples);
        command.Options.Add(scoreSamples);
        var shard = new ShardOptions();
        shard.AddTo(command);
        CommonOptions.AtLeast(samples, 2);
        CommonOptions.AtLeast(scoreSamples, 2);

        OptionFlags.SetAction(command, p =>
        {
            var request = TrainingCliOptions.WithDefaultResolution(common.DataRequest(p), common.DownsampleGiven(p));
            var list = ListOption.Sizes(p.GetValue(sizes) ?? "");
            var training = train.Training(p, p.GetValue(common.Seed));
            var evaluation = new MemorizationOptions(Samples: p.GetValue(samples), TMax: training.TMax, TMin: training.TMin,
                ScoreSamples: p.GetValue(scoreSamples), Seed: p.GetValue(common.Seed));
            evaluation.Validate();
            return Execute(request, list, train.NetworkFor(p), training, evaluation, common.OutputFolder(p, "memorization"), p.GetValue(train.Resume),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output, shard.Resolve(p), p.GetValue(shard.DryRun));
        });
        return command;
    }

    /// <summary>
    /// Runs the sweep: whole (<paramref name="shard"/> null; resumable through sweep.json), one shard of it (its sizes into the shard folder
    /// <paramref name="outDir"/>, one point file per size, for <c>diffdyn merge</c>), or lists it (<paramref name="dryRun"/>). Point k is the
    /// k-th size; its training and evaluation use the run seed as an unsharded run does, so shards merge into the same numbers.
    /// </summary>
    public static int Execute(DataRequest request, int[] sizes, Func<Dataset, NetworkOptions> networkFor, TrainingOptions training,
        MemorizationOptions evaluation, string outDir, bool resume, string[] args, TextWriter output, Shard? shard = null, bool dryRun = false)
    {
        var clock = Stopwatch.StartNew();
        outDir = Path.GetFullPath(outDir);
        // Load every training set first, so a bad size fails before any work.
        var datasets = sizes.ToDictionary(n => n, n => (request with { Count = n }).Load());
        // Sizes may be added on resume; everything else must match the finished sizes.
        var sweepOptions = new { data = request, network = networkFor(datasets[sizes[0]]), training, evaluation };
        var labels = sizes.Select(n => $"n={n}").ToList();
        if (dryRun) return ShardOptions.PrintDryRun(output, "memorization", labels, shard);
        if (shard is not null)
        {
            if (resume) throw OptionMessage.Argument("{Resume} does not apply to a shard: a shard always resumes the points in its folder.", "Resume", "Shard");
            var manifest = SweepManifest.Of("memorization", sweepOptions, SweepManifest.Fingerprint(sizes.Select(n => datasets[n])), labels) with { Arguments = args };
            return ShardOptions.RunShard(output, outDir, manifest, shard, k => RunSize(request, datasets[sizes[k]], networkFor, training, evaluation, outDir, output));
        }
        var sweep = SweepState<MemorizationPoint>.Open(outDir, sweepOptions, resume);
        var points = SizeSweep.Run(sizes, sweep, n => RunSize(request, datasets[n], networkFor, training, evaluation, outDir, output),
            n => output.WriteLine($"n = {n}: done in an earlier run (from {SweepFile})"));
        var result = MemorizationExperiment.Assemble(datasets[sizes[0]], points);
        var runManifest = CommandRun.Manifest("memorization", args, new { data = request, sizes, training, evaluation }, training.Seed);
        using var run = RunOutput.InPlace(outDir);
        return RunSummaryPrinter.Print(output, run.Finish(new MemorizationWriter(), result, runManifest, clock));
    }

    /// <summary>One size: a network trained into <paramref name="outDir"/>/n-N and evaluated; the training set's request stored beside it.</summary>
    private static MemorizationPoint RunSize(DataRequest request, Dataset data, Func<Dataset, NetworkOptions> networkFor, TrainingOptions training,
        MemorizationOptions evaluation, string outDir, TextWriter output)
    {
        int n = data.Count;
        string modelDir = Path.Combine(outDir, $"n-{n}");
        var net = networkFor(data);
        output.WriteLine($"n = {n}: training a {net.Kind} on {data.Count} points ({training.Steps} steps)");
        var point = ProgressDisplay.RunStages(report => MemorizationExperiment.RunSize(data, net, training, evaluation, modelDir,
            new InlineProgress<TrainingProgress>(p => report($"n = {n} training", $"loss {p.Loss:F4}", p.Step, p.TotalSteps)),
            new InlineProgress<long>(done => report($"n = {n} sampling", "", done, evaluation.Steps))));
        // The training set beside the model, as diffdyn train stores it: each n-* folder is a model folder for --model elsewhere.
        File.WriteAllText(Path.Combine(modelDir, TrainCommand.DataRequestFile), JsonSerializer.Serialize(request with { Count = n }, RunManifest.JsonOptions));
        return point;
    }

    /// <summary>
    /// Merges shard folders of a memorization sweep into the folder one whole run writes: the models (n-N, copied), sweep.json (so the
    /// merged folder resumes like a whole run's), memorization.json/.csv, figures, report. Checkpoint paths point into the merged folder.
    /// </summary>
    public static int Merge(IReadOnlyList<string> folders, string outDir, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (manifest, points) = SweepMerge.Read<MemorizationPoint>(folders);
        var options = manifest.Options!.AsObject();
        var request = options["data"].Deserialize<DataRequest>(RunManifest.JsonOptions) ?? throw new IOException("The sweep manifest holds no data request.");
        var training = options["training"].Deserialize<TrainingOptions>(RunManifest.JsonOptions) ?? throw new IOException("The sweep manifest holds no training options.");
        var sizes = points.Select(p => p.N).ToArray();
        var first = (request with { Count = sizes[0] }).Load();
        using var run = RunOutput.Create(outDir);
        var sweep = SweepState<MemorizationPoint>.Open(run.Folder, manifest.Options!, resume: false);
        var merged = new List<MemorizationPoint>();
        foreach (var p in points)
        {
            string from = folders.Select(Path.GetFullPath).First(f => Directory.Exists(Path.Combine(f, $"n-{p.N}")) && File.Exists(ShardStore<MemorizationPoint>.PointFile(f, Array.IndexOf(sizes, p.N))));
            ShardFolders.Copy(Path.Combine(from, $"n-{p.N}"), run.File($"n-{p.N}"));
            var moved = p.Training is null ? p : p with { Training = p.Training with { Checkpoint = Path.Combine(run.Target, Path.GetRelativePath(from, p.Training.Checkpoint)) } };
            sweep.Add(p.N, moved);
            merged.Add(moved);
        }
        output.WriteLine($"merge: {points.Count} sizes of diffdyn memorization from {folders.Count} shard folders");
        var runManifest = CommandRun.Manifest("memorization", manifest.Arguments.ToArray(),
            new { data = options["data"], sizes, training = options["training"], evaluation = options["evaluation"], mergedFrom = folders.Select(Path.GetFullPath).ToList() }, training.Seed);
        return RunSummaryPrinter.Print(output, run.Finish(new MemorizationWriter(), MemorizationExperiment.Assemble(first, merged), runManifest, clock));
    }
}
