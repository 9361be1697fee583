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

        command.SetAction(p =>
        {
            var request = TrainCommand.WithDefaultResolution(common.DataRequest(p), common.DownsampleGiven(p));
            var list = ParseSizes(p.GetValue(sizes) ?? "");
            var training = train.Training(p, p.GetValue(common.Seed));
            var evaluation = new MemorizationOptions(Samples: p.GetValue(samples), TMax: training.TMax, TMin: training.TMin,
                ScoreSamples: p.GetValue(scoreSamples), Seed: p.GetValue(common.Seed));
            evaluation.Validate();
            return Execute(request, list, train.NetworkFor(p), training, evaluation, common.OutputFolder(p, "memorization"), p.GetValue(train.Resume),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    public static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("--sizes: give at least one training-set size.");
        var sizes = parts.Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out int v) && v >= 2
            ? v : throw new ArgumentException($"--sizes: '{s}' is not an integer ≥ 2.")).ToArray();
        if (sizes.Distinct().Count() != sizes.Length) throw new ArgumentException("--sizes: sizes must be distinct.");
        return sizes.Order().ToArray();
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
        foreach (int n in sizes)
        {
            if (sweep.TryGet(n, out _))
            {
                output.WriteLine($"n = {n}: done in an earlier run (from {SweepFile})");
                continue;
            }
            var data = datasets[n];
            string modelDir = Path.Combine(outDir, $"n-{n}");
            var net = networkFor(data);
            output.WriteLine($"n = {n}: training a {net.Kind} on {data.Count} points ({training.Steps} steps)");
            var trained = ProgressDisplay.RunStages(output, report => Trainer.Train(data, net, training, modelDir, resume: true,
                new InlineProgress<TrainingProgress>(p => report($"n = {n} training", $"loss {p.Loss:F4}", p.Step, p.TotalSteps))));
            // The training set beside the model, as diffdyn train stores it: each n-* folder is a model folder for --model elsewhere.
            File.WriteAllText(Path.Combine(modelDir, TrainCommand.DataRequestFile), JsonSerializer.Serialize(request with { Count = n }, RunManifest.JsonOptions));
            using var model = Checkpoint.LoadDenoiser(modelDir, ema: true);
            var point = ProgressDisplay.Run(output, $"n = {n} sampling", evaluation.Steps, progress => MemorizationSweep.Evaluate(data, model, evaluation, progress))
                with { Training = new MemorizationTraining(trained.Steps, trained.FinalLoss, trained.Seconds, trained.ParameterCount, trained.CheckpointPath) };
            sweep.Add(n, point);
        }
        var points = sweep.PointsAt(sizes);

        var first = datasets[sizes[0]];
        var result = new MemorizationResult("OU time t", first.Name, first.Dimension, points);
        File.WriteAllText(Path.Combine(outDir, "memorization.json"), JsonSerializer.Serialize(result, RunManifest.JsonOptions));
        Csv.WriteTable(Path.Combine(outDir, "memorization.csv"),
            ["n", "memorizedFraction", "memorizedStderr", "lastChangeMean", "lastChangeStd", "gaussianCollapseTime", "spectrumCollapseTime", "finalLoss", "trainingSeconds"],
            points.Select(p => new[] { p.N, p.MemorizedFraction, p.MemorizedStderr, p.LastChangeMean, p.LastChangeStd, p.GaussianCollapseTime, p.SpectrumCollapseTime ?? double.NaN,
                p.Training?.FinalLoss ?? double.NaN, p.Training?.Seconds ?? double.NaN }));
        var figures = MemorizationFigures.WriteAll(result, outDir);
        var rows = points.Select(p => ($"n = {p.N}",
            $"memorized {p.MemorizedFraction.ToString("P0", Inv)} ± {p.MemorizedStderr.ToString("P0", Inv)}, t̂_C {p.LastChangeMean:F3}, " +
            $"t_C Gaussian {p.GaussianCollapseTime:F3} / with the data's spectrum {SummaryTable.Number(p.SpectrumCollapseTime, "F3")}, score distance at t = {p.ScoreDistance[0].T:G2}: {p.ScoreDistance[0].RelativeError:F3}")).ToList();
        new RunManifest
        {
            Command = "memorization",
            Arguments = args,
            Options = new { data = request, sizes, training, evaluation },
            Seed = training.Seed,
            TimingsSeconds = new() { ["total"] = clock.Elapsed.TotalSeconds },
        }.Write(Path.Combine(outDir, "manifest.json"));
        var html = new HtmlReport("diffdyn memorization — trained networks against training-set size")
            .Code("diffdyn memorization " + string.Join(' ', args))
            .Paragraph("A network trained on few data reproduces the exact empirical score and copies training points; on many data it generalizes " +
                       "(Biroli et al. 2024, arXiv 2402.18491). Per size: the share of generated samples that copy a training point, the last change " +
                       "of the nearest training point along trajectories (t̂_C) beside the Gaussian-data t_C(n) (isotropic, and with the training set's covariance " +
                       "spectrum, the root of ln n = ½ Σ_k ln(1 + λ_k/(e^{2t} − 1))), and the distance of the learned score " +
                       "to the exact empirical score. Times are OU times t.")
            .Heading("Summary")
            .Table(["size", "result"], rows.Select(r => (IReadOnlyList<string>)new[] { r.Item1, r.Item2 }));
        html.Heading("Figures");
        foreach (var (file, caption) in figures) html.Figure(file, caption);
        html.Heading("Files").Links([("memorization.json", "all numbers"), ("memorization.csv", "one row per size"), (SweepFile, "finished sizes (resume state)"), ("manifest.json", "command, options, timings")]);
        html.Write(Path.Combine(outDir, "index.html"));
        SummaryTable.Print(output, "diffdyn memorization", rows);
        output.WriteLine($"results: {Path.Combine(outDir, "index.html")}");
        return 0;
    }
}
