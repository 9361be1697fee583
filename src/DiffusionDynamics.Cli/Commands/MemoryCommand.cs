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
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn memory</c>: the associative-memory view of generation (Pham, Raya, Negri, Zaki, Ambrogioni &amp; Krotov 2025,
/// arXiv 2505.21777) on the exact empirical score: fixed points of ln P_t^e (training vs spurious) over t, generated samples
/// labelled memorized / spurious / generalized, and basin sizes, per training-set size; on the circle with its energy landscape.
/// With <c>--model</c> (an ONNX file or a trained folder) the model generates, its own fixed points and basins are measured, and the
/// exact ln P_t^e of its training set (the data options) stays the baseline; the size sweep and <c>--train</c> do not apply to one model.
/// </summary>
public static class MemoryCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The data used when --data is not given.</summary>
    public const string DefaultData = "circle:n=512";

    public static Command Build()
    {
        var common = new CommonOptions();
        common.Data.DefaultValueFactory = _ => DefaultData; // the help shows the default this command uses
        var sizes = new Option<string>("--sizes") { Description = "Training-set sizes n (the first n points), comma-separated.", DefaultValueFactory = _ => "2,8,32,128,512" };
        var times = new Option<string?>("--times") { Description = "OU times for the fixed-point search, comma-separated (default 11 log-spaced in [1e-5, 1])." };
        var samples = new Option<int>("--samples") { Description = "Generated samples per size (SDE from --t-max to --t-min).", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "SDE steps of the generation.", DefaultValueFactory = _ => 200 };
        var tMax = new Option<double>("--t-max") { Description = "Start time T of the generation.", DefaultValueFactory = _ => 5.0 };
        var tMin = new Option<double>("--t-min") { Description = "End time of the generation (then one D jump).", DefaultValueFactory = _ => 1e-3 };
        var deltaM = new Option<double>("--delta-m") { Description = "δ_m in units of the data's median nearest-neighbour spacing h: memorized if within δ_m of a training point.", DefaultValueFactory = _ => 0.1 };
        var deltaS = new Option<double>("--delta-s") { Description = "δ_s in units of h: a non-memorized sample within δ_s of another sample is spurious.", DefaultValueFactory = _ => 0.1 };
        var starts = new Option<int>("--starts") { Description = "Starts of the fixed-point search per time.", DefaultValueFactory = _ => 256 };
        var basinPoints = new Option<int>("--basin-points") { Description = "Generated samples per size whose basin size is measured (0: none).", DefaultValueFactory = _ => 32 };
        var basinTrials = new Option<int>("--basin-trials") { Description = "Re-noisings per sample and noise level for the basin size.", DefaultValueFactory = _ => 32 };
        var basinTMin = new Option<double>("--basin-t-min") { Description = "End time of the basin re-denoising, below the smallest level (the denoiser's own attractors decide, not the smoothing of the stopped generation).", DefaultValueFactory = _ => 1e-8 };
        var basinLevels = new Option<string?>("--basin-levels") { Description = "Re-noising levels (OU t, > --basin-t-min), comma-separated (default 4 per decade from 10·basin-t-min to 1)." };
        var basinReturn = new Option<double>("--basin-return") { Description = "Return radius as a fraction of the distance from the sample to the nearest training point other than the one it copies (0.5: returning = not landing on a neighbour, i.e. staying on its side of the midpoint).", DefaultValueFactory = _ => 0.5 };
        var landscapeT = new Option<double>("--landscape-t") { Description = "OU time of the energy-landscape figure (2-D data).", DefaultValueFactory = _ => 0.002 };
        var landscapeN = new Option<int>("--landscape-n") { Description = "Training-set size of the energy-landscape figure (the nearest of --sizes).", DefaultValueFactory = _ => 32 };

        var train = new Option<bool>("--train") { Description = "Train a small network (MLP for vectors) per size and generate with it; fixed points stay those of the exact score." };
        var trainSteps = new Option<int>("--train-steps") { Description = "Training steps per size with --train (batch 128).", DefaultValueFactory = _ => 2000 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Training steps between checkpoints of each network with --train.", DefaultValueFactory = _ => 500 };
        var model = DenoiserChoice.ModelOption(": the network that generates and whose own fixed points and basins are measured, against the exact score of its training set (the data options; default: the folder's own). One model has one training set: the sweep is the single size n of the data (--sizes and --train do not apply).");
        var resume = new Option<bool>("--resume") { Description = "Continue the sweep in --out: finished sizes (sweep.json) are kept, a network in training resumes from its checkpoint (same options required)." };
        var command = new Command("memory", "Associative-memory view: energy minima, spurious fixed points, basins and sample labels vs training-set size (exact empirical score).");
        common.AddTo(command);
        var shard = new ShardOptions();
        shard.AddTo(command);
        foreach (var o in new Option[] { sizes, times, samples, steps, tMax, tMin, deltaM, deltaS, starts, basinPoints, basinTrials, basinTMin, basinLevels, basinReturn, landscapeT, landscapeN, train, trainSteps, checkpointEvery, resume, model })
            command.Options.Add(o);
        CommonOptions.AtLeast(samples, 2); CommonOptions.AtLeast(steps, 1); CommonOptions.AtLeast(starts, 1); CommonOptions.AtLeast(basinPoints, 0); CommonOptions.AtLeast(basinTrials, 1); CommonOptions.AtLeast(landscapeN, 2); CommonOptions.AtLeast(trainSteps, 1); CommonOptions.AtLeast(checkpointEvery, 1);
        foreach (var o in new[] { tMax, tMin, deltaM, deltaS, landscapeT, basinTMin, basinReturn }) CommonOptions.Positive(o);
        basinReturn.Validators.Add(r => { if (r.GetValueOrDefault<double>() > 1) r.AddError($"--basin-return must be ≤ 1 (got {r.GetValueOrDefault<double>()})."); });
        sizes.Validators.Add(r => { try { ListOption.Sizes(r.GetValueOrDefault<string>() ?? ""); } catch (ArgumentException e) { r.AddError(e.Message); } });
        times.Validators.Add(r => { try { CommonOptions.ParseTimes(r.GetValueOrDefault<string?>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        basinLevels.Validators.Add(r => { try { CommonOptions.ParseTimes(r.GetValueOrDefault<string?>(), "--basin-levels"); } catch (ArgumentException e) { r.AddError(e.Message); } });

        command.Validators.Add(r =>
        {
            if (r.GetValue(model) is null) return;
            if (r.GetValue(train)) r.AddError("--train does not apply to --model (the model is already trained; drop one of them).");
        });

        OptionFlags.SetAction(command, p =>
        {
            string? modelPath = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelPath);
            if (modelPath is null && p.GetResult(common.Data) is not { Implicit: false }) request = request with { Spec = DefaultData };
            var options = new MemoryOptions(
                Sizes: ListOption.Sizes(p.GetValue(sizes)!), Times: CommonOptions.ParseTimes(p.GetValue(times)),
                Samples: p.GetValue(samples), SamplerSteps: p.GetValue(steps), TMax: p.GetValue(tMax), TMin: p.GetValue(tMin),
                MemorizedRadius: p.GetValue(deltaM), SpuriousRadius: p.GetValue(deltaS), BasinPoints: p.GetValue(basinPoints),
                LandscapeSize: p.GetValue(landscapeN), LandscapeTime: p.GetValue(landscapeT), Seed: p.GetValue(common.Seed),
                FixedPoints: new FixedPointOptions(Starts: p.GetValue(starts)),
                Basins: new BasinOptions(Levels: CommonOptions.ParseTimes(p.GetValue(basinLevels), "--basin-levels"), Trials: p.GetValue(basinTrials),
                    TMin: p.GetValue(basinTMin), ReturnFraction: p.GetValue(basinReturn)));
            options.Validate();
            var training = p.GetValue(train)
                ? new TrainingOptions(Steps: p.GetValue(trainSteps), CheckpointEvery: p.GetValue(checkpointEvery), Seed: p.GetValue(common.Seed))
                : null;
            training?.Validate();
            return Execute(request, options, common.OutputFolder(p, "memory"), training, p.GetValue(resume),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output,
                model: modelPath is null ? null : new MemoryModel(modelPath, SizesGiven: p.GetResult(sizes) is { Implicit: false }),
                shard: shard.Resolve(p), dryRun: p.GetValue(shard.DryRun));
        });
        return command;
    }


    /// <summary>
    /// Runs the experiment as a resumable sweep over the sizes and writes the results folder; exceptions propagate to <see cref="CliApp"/>.
    /// Each finished size (<see cref="MemorySizeResult"/>) is kept in sweep.json (<see cref="SweepState{TPoint}"/>), each network
    /// checkpoints in models/n-N/, so with <paramref name="resume"/> a killed run continues where it stopped and writes the same result.
    /// </summary>
    /// <param name="training">When given, a network per size (<see cref="NetworkOptions.DefaultFor"/>) is trained with these options into the run folder and generates the samples.</param>
    /// <param name="resume">Continue the sweep in <paramref name="outDir"/> (same options); without it a non-empty folder is refused.</param>
    /// <param name="model">A given model (ONNX file or trained folder) that generates instead of the exact score; its training set is the
    /// data of <paramref name="request"/>, so the sweep has the one size n of the data.</param>
    /// <param name="shard">Run only this shard's sizes into the shard folder <paramref name="outDir"/> (one point file per size, for
    /// <c>diffdyn merge</c>); null: the whole sweep.</param>
    /// <param name="dryRun">List the sizes and their shard, and stop.</param>
    public static int Execute(DataRequest request, MemoryOptions options, string outDir, TrainingOptions? training, bool resume,
        string[] args, TextWriter output, CancellationToken cancellationToken = default, MemoryModel? model = null, Shard? shard = null, bool dryRun = false) =>
        OptionFlags.Translate(() => Sweep(request, options, outDir, training, resume, args, output, cancellationToken, model, shard, dryRun));

    private static int Sweep(DataRequest request, MemoryOptions options, string outDir, TrainingOptions? training, bool resume,
        string[] args, TextWriter output, CancellationToken cancellationToken, MemoryModel? model, Shard? shard, bool dryRun)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        if (model is not null) options = options.ForModel(data, model.SizesGiven, trains: training is not null);
        options.CheckAgainst(data);
        outDir = Path.GetFullPath(outDir);
        var network = training is null ? null : NetworkOptions.DefaultFor(data.ItemShape);
        object sweepOptions = model is null ? new { data = request, memory = options, training, network } : new { data = request, memory = options, model = model.Path };
        var labels = options.SizeLabels;
        if (dryRun) return ShardOptions.PrintDryRun(output, "memory", labels, shard);
        bool isCircle = truth is CircleData;
        MemorySizeResult RunSize(int n)
        {
            var size = ProgressDisplay.RunStages(report => MemoryExperiment.RunSize(data, options, n, isCircle, new StageProgress(report), cancellationToken,
                model is not null ? subset => DenoiserChoice.Trained(model.Path, subset)!
                : training is null ? null : MemoryExperiment.TrainedPerSize(network!, training, outDir,
                    m => new InlineProgress<TrainingProgress>(q => report($"n = {m}: training", $"loss {q.Loss:F4}", q.Step, q.TotalSteps)), cancellationToken)));
            output.WriteLine(RunHeadlines.MemorySizeDone(n, size.Point.Seconds, SweepState<MemorySizeResult>.FileName));
            return size;
        }
        if (shard is not null)
        {
            if (resume) throw OptionMessage.Argument("{Resume} does not apply to a shard: a shard always resumes the points in its folder.", "Resume", "Shard");
            var sweepManifest = SweepManifest.Of("memory", sweepOptions, SweepManifest.Fingerprint([data]), labels) with { Arguments = args };
            return ShardOptions.RunShard(output, outDir, sweepManifest, shard, k => RunSize(options.Sizes[k]), cancellationToken);
        }
        var sweep = SweepState<MemorySizeResult>.Open(outDir, sweepOptions, resume);
        output.WriteLine(RunHeadlines.Memory(data, options, model?.Path));
        var sizes = SizeSweep.Run(options.Sizes, sweep, RunSize,
            n => output.WriteLine(RunHeadlines.MemorySizeDone(n, null, SweepState<MemorySizeResult>.FileName)), cancellationToken);
        var result = MemoryExperiment.Assemble(data, options, isCircle, sizes,
            model is not null ? $"model {model.Path}" : training is null ? null : MemoryExperiment.TrainedModelName(network!, training), sweep.Points.Sum(r => r.Point.Seconds));
        var manifest = CommandRun.Manifest("memory", args, new { data = request, memory = options, training, network, resume, model = model?.Path }, options.Seed, data, new() { ["analysis"] = result.TotalSeconds });
        using var run = RunOutput.InPlace(outDir);
        return RunSummaryPrinter.Print(output, run.Finish(new MemoryWriter(), result, manifest, clock));
    }

    /// <summary>
    /// Merges shard folders of a memory sweep into the folder one whole run writes: sweep.json, memory.json/.csv, figures, report, and with
    /// --train the networks (models/n-N, copied).
    /// </summary>
    public static int Merge(IReadOnlyList<string> folders, string outDir, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        using var run = RunOutput.Create(outDir);
        var merged = SweepMerges.Memory(folders, run);
        output.WriteLine(merged.Summary);
        var manifest = CommandRun.Manifest("memory", merged.Arguments.ToArray(), merged.ManifestOptions, merged.Seed, merged.Data, merged.Timings);
        return RunSummaryPrinter.Print(output, run.Finish(new MemoryWriter(), merged.Result, manifest, clock));
    }
}

/// <summary>The model of <c>memory --model</c>: an ONNX file or a trained folder, and whether <c>--sizes</c> was given explicitly.</summary>
public sealed record MemoryModel(string Path, bool SizesGiven);
