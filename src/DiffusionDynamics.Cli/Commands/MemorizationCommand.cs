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
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    public static int Execute(DataRequest request, int[] sizes, Func<Dataset, NetworkOptions> networkFor, TrainingOptions training,
        MemorizationOptions evaluation, string outDir, bool resume, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        outDir = Path.GetFullPath(outDir);
        // Load every training set first, so a bad size fails before any work.
        var datasets = sizes.ToDictionary(n => n, n => (request with { Count = n }).Load());
        // Sizes may be added on resume; everything else must match the finished sizes.
        var sweep = SweepState<MemorizationPoint>.Open(outDir, new { data = request, network = networkFor(datasets[sizes[0]]), training, evaluation }, resume);
        var points = SizeSweep.Run(sizes, sweep, n =>
        {
            var data = datasets[n];
            string modelDir = Path.Combine(outDir, $"n-{n}");
            var net = networkFor(data);
            output.WriteLine($"n = {n}: training a {net.Kind} on {data.Count} points ({training.Steps} steps)");
            var point = ProgressDisplay.RunStages(report => MemorizationExperiment.RunSize(data, net, training, evaluation, modelDir,
                new InlineProgress<TrainingProgress>(p => report($"n = {n} training", $"loss {p.Loss:F4}", p.Step, p.TotalSteps)),
                new InlineProgress<long>(done => report($"n = {n} sampling", "", done, evaluation.Steps))));
            // The training set beside the model, as diffdyn train stores it: each n-* folder is a model folder for --model elsewhere.
            File.WriteAllText(Path.Combine(modelDir, TrainCommand.DataRequestFile), JsonSerializer.Serialize(request with { Count = n }, RunManifest.JsonOptions));
            return point;
        }, n => output.WriteLine($"n = {n}: done in an earlier run (from {SweepFile})"));
        var result = MemorizationExperiment.Assemble(datasets[sizes[0]], points);
        var manifest = CommandRun.Manifest("memorization", args, new { data = request, sizes, training, evaluation }, training.Seed);
        using var run = RunOutput.InPlace(outDir);
        return RunSummaryPrinter.Print(output, run.Finish(new MemorizationWriter(), result, manifest, clock));
    }
}
