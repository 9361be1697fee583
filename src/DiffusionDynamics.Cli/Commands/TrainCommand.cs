using DiffusionDynamics.Random;
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
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn train</c>: denoising-score-matching training of a score network (MLP for vectors, small U-Net for
/// images) in the OU clock, with EMA, checkpoints and resume; then samples from the EMA model, a loss curve and a report.
/// </summary>
public static class TrainCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The data request a training folder was made from (so analyses can rebuild the same training set).</summary>
    public const string DataRequestFile = "data-request.json";

    public static Command Build()
    {
        var common = new CommonOptions();
        var train = new TrainingCliOptions();
        var samples = new Option<int>("--samples") { Description = "Samples drawn from the trained (EMA) model for the report.", DefaultValueFactory = _ => 64 };
        CommonOptions.AtLeast(samples, 1);

        var command = new Command("train", "Train a score network by denoising score matching (OU clock), with EMA, checkpoints and --resume; then sample from it.");
        common.AddTo(command);
        train.AddTo(command);
        command.Options.Add(samples);

        command.SetAction(p =>
        {
            var request = WithDefaultResolution(common.DataRequest(p), common.DownsampleGiven(p));
            var training = train.Training(p, p.GetValue(common.Seed));
            string outDir = common.OutputFolder(p, "train");
            return Execute(request, train.NetworkFor(p), training, outDir, p.GetValue(train.Resume), p.GetValue(samples),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Trains (or resumes), then samples and reports; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, Func<Dataset, NetworkOptions> networkFor, TrainingOptions training, string outDir,
        bool resume, int sampleCount, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        outDir = Path.GetFullPath(outDir);
        bool hasCheckpoint = Directory.Exists(outDir) && File.Exists(Path.Combine(outDir, DataRequestFile));
        if (!resume && Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new IOException($"Output folder {outDir} already exists and is not empty; choose another --out, or pass --resume to continue it.");
        if (resume && hasCheckpoint)
        {
            var stored = TrainedModel.DataRequestOf(outDir);
            if (!SameData(stored, request))
                throw new ArgumentException($"--resume: {outDir} was trained on different data ({stored.Spec}, n = {stored.Count?.ToString(Inv) ?? "all"}); pass the same data options.");
        }
        var data = request.Load();
        var networkOptions = networkFor(data);
        bool folderExisted = Directory.Exists(outDir);
        RunDirectory.CreateFolder(outDir);
        File.WriteAllText(Path.Combine(outDir, DataRequestFile), JsonSerializer.Serialize(request, RunManifest.JsonOptions));
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {networkOptions.Kind} network; {training.Steps} steps at batch {training.BatchSize}" +
                         (resume ? " (resuming if a checkpoint exists)" : ""));

        TrainingResult result;
        try
        {
            result = ProgressDisplay.RunStages(output, report => Trainer.Train(data, networkOptions, training, outDir, resume,
                new InlineProgress<TrainingProgress>(p => report("training", $"loss {p.Loss:F4}, {p.StepsPerSecond:F2} steps/s", p.Step, p.TotalSteps))));
        }
        catch when (!File.Exists(Path.Combine(outDir, Checkpoint.InfoFile)))
        {
            // No checkpoint was reached: leave nothing that would block a rerun into the same --out.
            File.Delete(Path.Combine(outDir, DataRequestFile));
            if (!folderExisted && !Directory.EnumerateFileSystemEntries(outDir).Any()) Directory.Delete(outDir);
            throw;
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // Samples from the EMA model.
        using var model = Checkpoint.LoadDenoiser(outDir, ema: true);
        var samplingOptions = new SamplingRunOptions(Samples: sampleCount, Sampler: SamplerKind.EulerMaruyama, TMax: training.TMax, TMin: training.TMin,
            Steps: 200, Batch: sampleCount, Seed: training.Seed);
        var sampling = ProgressDisplay.Run(output, "sampling from the EMA model", samplingOptions.SamplerGrid().Steps, progress =>
            SamplingRun.Execute(data, samplingOptions, progress, model: model));
        double sampleSeconds = sampling.SamplingSeconds;
        var flat = sampling.Samples;

        string report = Path.Combine(outDir, "report");
        if (Directory.Exists(report)) Directory.Delete(report, true);
        var manifest = new RunManifest
        {
            Command = "train",
            Arguments = args,
            Options = new { data = request, network = networkOptions, training },
            Seed = training.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["training"] = trainSeconds, ["sampling"] = sampleSeconds },
        };
        using var run = RunOutput.InPlace(report);
        var summary = run.Finish(new TrainWriter(), new TrainReport(data, networkOptions, training, result, sampling, Path.Combine(outDir, "train-log.jsonl"), PeakRssMegabytes()),
            manifest, clock);
        SummaryTable.Print(output, summary.Title, summary.Rows);
        output.WriteLine($"model: {outDir}   report: {summary.Index}");
        return 0;
    }

    /// <summary>
    /// Training defaults to images downsampled ×2 (28×28 → 14×14) unless --downsample is given: on 2 CPU cores the
    /// default U-Net trains about 4× faster there (bench/), which is what lets the default run finish in 15 minutes.
    /// </summary>
    public static DataRequest WithDefaultResolution(DataRequest request, bool downsampleGiven)
    {
        if (downsampleGiven) return request;
        var probe = request.Load();
        return probe.IsImage && probe.ItemShape[1] >= 28 && probe.ItemShape[1] % 2 == 0 && probe.ItemShape[2] % 2 == 0
            ? request with { Downsample = 2 }
            : request;
    }

    private static bool SameData(DataRequest a, DataRequest b) =>
        a.Spec == b.Spec && a.LabelsPath == b.LabelsPath && a.Count == b.Count && a.Downsample == b.Downsample && a.Seed == b.Seed
        && (a.Classes ?? []).SequenceEqual(b.Classes ?? []) && a.ScaleImages == b.ScaleImages;

    /// <summary>Peak resident set size of this process (VmHWM), in MB; NaN where /proc is unavailable.</summary>
    public static double PeakRssMegabytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            return line is null ? double.NaN : double.Parse(line.Split(':')[1].Trim().Split(' ')[0], Inv) / 1024.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
