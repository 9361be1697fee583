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

    /// <summary>The data request a training folder was made from (so analyses can rebuild the same training set).</summary>
    public const string DataRequestFile = TrainedModelFolder.DataRequestFile;

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

        OptionFlags.SetAction(command, p =>
        {
            var request = TrainingCliOptions.WithDefaultResolution(common.DataRequest(p), common.DownsampleGiven(p));
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
        outDir = TrainedModelFolder.Check(outDir, request, resume);
        var data = request.Load();
        var networkOptions = networkFor(data);
        bool folderExisted = Directory.Exists(outDir);
        RunDirectory.CreateFolder(outDir);
        TrainedModelFolder.Store(outDir, request);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {OptionTokens.Of(networkOptions.Kind)} network; {training.Steps} steps at batch {training.BatchSize}" +
                         (resume ? " (resuming if a checkpoint exists)" : ""));

        TrainingResult result;
        try
        {
            result = ProgressDisplay.RunStages(report => Trainer.Train(data, networkOptions, training, outDir, resume,
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
        using var model = TrainedModel.Load(outDir, data);
        var samplingOptions = new SampleOptions(Samples: sampleCount, Sampler: SamplerKind.EulerMaruyama, TMax: training.TMax, TMin: training.TMin,
            Steps: 200, Batch: sampleCount, Seed: training.Seed);
        var sampling = ProgressDisplay.Run("sampling from the EMA model", samplingOptions.SamplerGrid().Steps, progress =>
            SampleExperiment.Run(data, samplingOptions, progress, model: model));
        double sampleSeconds = sampling.SamplingSeconds;
        var flat = sampling.Samples;

        string report = Path.Combine(outDir, "report");
        if (Directory.Exists(report)) Directory.Delete(report, true);
        var manifest = CommandRun.Manifest("train", args, new { data = request, network = networkOptions, training }, training.Seed, data, new() { ["training"] = trainSeconds, ["sampling"] = sampleSeconds });
        using var run = RunOutput.InPlace(report);
        var summary = run.Finish(new TrainWriter(), new TrainReport(data, networkOptions, training, result, sampling, Path.Combine(outDir, "train-log.jsonl"), Trainer.PeakRssMegabytes()),
            manifest, clock);
        SummaryTable.Print(output, summary.Title, summary.Rows);
        output.WriteLine($"model: {outDir}   report: {summary.Index}");
        return 0;
    }
}
