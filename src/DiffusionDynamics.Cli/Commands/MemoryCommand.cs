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
/// </summary>
public static class MemoryCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The data used when --data is not given.</summary>
    public const string DefaultData = "circle:n=512";

    public static Command Build()
    {
        var common = new CommonOptions();
        var sizes = new Option<string>("--sizes") { Description = "Training-set sizes n (the first n points), comma-separated.", DefaultValueFactory = _ => "2,8,32,128,512" };
        var times = new Option<string?>("--times") { Description = "OU times for the fixed-point search, comma-separated (default 11 log-spaced in [1e-5, 1])." };
        var samples = new Option<int>("--samples") { Description = "Generated samples per size (SDE from --t-max to --t-min).", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "SDE steps of the generation.", DefaultValueFactory = _ => 200 };
        var tMax = new Option<double>("--t-max") { Description = "Start time T of the generation.", DefaultValueFactory = _ => 5.0 };
        var tMin = new Option<double>("--t-min") { Description = "End time of the generation and of the basin re-denoising.", DefaultValueFactory = _ => 1e-3 };
        var deltaM = new Option<double>("--delta-m") { Description = "δ_m in units of the data's median nearest-neighbour spacing h: memorized if within δ_m of a training point.", DefaultValueFactory = _ => 0.1 };
        var deltaS = new Option<double>("--delta-s") { Description = "δ_s in units of h: a non-memorized sample within δ_s of another sample is spurious.", DefaultValueFactory = _ => 0.1 };
        var starts = new Option<int>("--starts") { Description = "Starts of the fixed-point search per time.", DefaultValueFactory = _ => 256 };
        var basinPoints = new Option<int>("--basin-points") { Description = "Generated samples per size whose basin size is measured (0: none).", DefaultValueFactory = _ => 32 };
        var basinTrials = new Option<int>("--basin-trials") { Description = "Re-noisings per sample and noise level for the basin size.", DefaultValueFactory = _ => 32 };
        var landscapeT = new Option<double>("--landscape-t") { Description = "OU time of the energy-landscape figure (2-D data).", DefaultValueFactory = _ => 0.002 };
        var landscapeN = new Option<int>("--landscape-n") { Description = "Training-set size of the energy-landscape figure (the nearest of --sizes).", DefaultValueFactory = _ => 32 };

        var train = new Option<bool>("--train") { Description = "Train a small network (MLP for vectors) per size and generate with it; fixed points stay those of the exact score." };
        var trainSteps = new Option<int>("--train-steps") { Description = "Training steps per size with --train (batch 128).", DefaultValueFactory = _ => 2000 };
        var command = new Command("memory", "Associative-memory view: energy minima, spurious fixed points, basins and sample labels vs training-set size (exact empirical score).");
        common.AddTo(command);
        foreach (var o in new Option[] { sizes, times, samples, steps, tMax, tMin, deltaM, deltaS, starts, basinPoints, basinTrials, landscapeT, landscapeN, train, trainSteps })
            command.Options.Add(o);
        CommonOptions.AtLeast(samples, 2); CommonOptions.AtLeast(steps, 1); CommonOptions.AtLeast(starts, 1); CommonOptions.AtLeast(basinPoints, 0); CommonOptions.AtLeast(basinTrials, 1); CommonOptions.AtLeast(landscapeN, 2); CommonOptions.AtLeast(trainSteps, 1);
        Positive(tMax); Positive(tMin); Positive(deltaM); Positive(deltaS); Positive(landscapeT);
        sizes.Validators.Add(r => { try { MemorizationCommand.ParseSizes(r.GetValueOrDefault<string>() ?? ""); } catch (ArgumentException e) { r.AddError(e.Message); } });
        times.Validators.Add(r => { try { ParseTimes(r.GetValueOrDefault<string?>()); } catch (ArgumentException e) { r.AddError(e.Message); } });

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            if (p.GetResult(common.Data) is not { Implicit: false }) request = request with { Spec = DefaultData };
            var options = new AssociativeMemoryOptions(
                Sizes: MemorizationCommand.ParseSizes(p.GetValue(sizes)!), Times: ParseTimes(p.GetValue(times)),
                Samples: p.GetValue(samples), SamplerSteps: p.GetValue(steps), TMax: p.GetValue(tMax), TMin: p.GetValue(tMin),
                MemorizedRadius: p.GetValue(deltaM), SpuriousRadius: p.GetValue(deltaS), BasinPoints: p.GetValue(basinPoints),
                LandscapeSize: p.GetValue(landscapeN), LandscapeTime: p.GetValue(landscapeT), Seed: p.GetValue(common.Seed),
                FixedPoints: new FixedPointOptions(Starts: p.GetValue(starts)),
                Basins: new BasinOptions(Trials: p.GetValue(basinTrials), TMin: p.GetValue(tMin)));
            options.Validate();
            var training = p.GetValue(train) ? new TrainingOptions(Steps: p.GetValue(trainSteps), Seed: p.GetValue(common.Seed)) : null;
            training?.Validate();
            return Execute(request, options, common.OutputFolder(p, "memory"), training,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    private static void Positive(Option<double> option) =>
        option.Validators.Add(r => { var v = r.GetValueOrDefault<double>(); if (!(v > 0) || double.IsInfinity(v)) r.AddError($"{option.Name} must be finite and > 0 (got {v})."); });

    private static double[]? ParseTimes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, Inv, out double v) && v > 0 && double.IsFinite(v)
                ? v : throw new ArgumentException($"--times: '{s}' is not a finite time > 0.")).Order().ToArray();
    }

    /// <summary>Runs the experiment and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    /// <param name="training">When given, a network per size (<see cref="NetworkOptions.DefaultFor"/>) is trained with these options into the run folder and generates the samples.</param>
    public static int Execute(DataRequest request, AssociativeMemoryOptions options, string outDir, TrainingOptions? training, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        if (options.Sizes.Max() > data.Count)
            throw new ArgumentException($"--sizes: the largest size {options.Sizes.Max()} exceeds the data's {data.Count} points.");
        using var run = RunDirectory.Create(outDir);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; sizes {string.Join(",", options.Sizes)}; " +
                         $"{options.TimesOrDefault.Length} fixed-point times × {options.FixedPointsOrDefault.Starts} starts; {options.Samples} samples per size");
        bool isCircle = truth is CircleData;
        var result = ProgressDisplay.RunStages(output, report =>
        {
            Func<Dataset, IDenoiser>? modelFor = training is null ? null : subset =>
            {
                string dir = run.File(Path.Combine("models", $"n-{subset.Count}"));
                Trainer.Train(subset, NetworkOptions.DefaultFor(subset.ItemShape), training, dir, resume: false,
                    new InlineProgress<TrainingProgress>(q => report($"n = {subset.Count}: training", $"loss {q.Loss:F4}", q.Step, q.TotalSteps)));
                return Checkpoint.LoadDenoiser(dir, ema: true);
            };
            return AssociativeMemoryExperiment.Run(data, options, isCircle, new StageProgress<MemoryProgress>(report, v => (v.Stage, v.Done, v.Total)), modelFor: modelFor,
                modelName: training is null ? null : $"trained {NetworkOptions.DefaultFor(data.ItemShape).Kind} per size ({training.Steps} steps, EMA)");
        });

        File.WriteAllText(run.File("memory.json"), JsonSerializer.Serialize(result, RunManifest.JsonOptions));
        WriteCsv(result, run.File("memory.csv"));
        WriteFixedPointCsv(result, run.File("fixed-points.csv"));
        var figures = MemoryFigures.WriteAll(result, run.Staging);
        var rows = SummaryRows(result);
        new RunManifest
        {
            Command = "memory",
            Arguments = args,
            Options = new { data = request, memory = options, training },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["analysis"] = result.TotalSeconds, ["total"] = clock.Elapsed.TotalSeconds },
        }.Write(run.File("manifest.json"));
        WriteReport(result, rows, figures, args, run.File("index.html"));
        run.Commit();

        SummaryTable.Print(output, "diffdyn memory (times in OU t)", rows);
        output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
        return 0;
    }

    private static string F(double v, string format = "F3") => SummaryTable.Number(v, format);

    /// <summary>The summary table (terminal and report).</summary>
    public static List<(string, string)> SummaryRows(AssociativeMemoryResult r)
    {
        var rows = new List<(string, string)> { ("data", $"{r.Data} (d = {r.D})"), ("score", r.Score) };
        if (r.CriticalTime is double tc) rows.Add(("circle: ring appears below t_c = ½ ln 1.5", F(tc)));
        foreach (var s in r.Sizes)
        {
            var peak = s.FixedPoints.MaxBy(f => f.Spurious)!;
            rows.Add(($"n = {s.N}: samples memorized / spurious / generalized",
                $"{s.Memorized.ToString("P0", Inv)} / {s.Spurious.ToString("P0", Inv)} / {s.Generalized.ToString("P0", Inv)} (h = {F(s.Spacing, "G3")}, δ_m = {F(s.DeltaM, "G3")})"));
            rows.Add(($"n = {s.N}: fixed points at t = {F(s.FixedPoints[0].T, "G3")} (training / spurious)", $"{s.FixedPoints[0].Training} / {s.FixedPoints[0].Spurious}"));
            rows.Add(($"n = {s.N}: most spurious fixed points", $"{peak.Spurious} at t = {F(peak.T, "G3")}" +
                (peak.TheoryRingRadius is double R ? $" (radius {F(peak.MeanRadius)}, theory {F(R)})" : "")));
            if (s.BasinSizes.Length > 0) rows.Add(($"n = {s.N}: median basin size", $"t = {F(s.BasinMedian, "G3")} ({s.BasinSizes.Length} samples)"));
        }
        rows.Add(("time", $"{r.TotalSeconds:F1} s"));
        return rows;
    }

    private static void WriteCsv(AssociativeMemoryResult r, string path) =>
        Csv.WriteTable(path, ["n", "spacing", "deltaM", "deltaS", "memorized", "spurious", "generalized", "shareStderrMax", "basinMedian", "seconds"],
            r.Sizes.Select(s => new[] { s.N, s.Spacing, s.DeltaM, s.DeltaS, s.Memorized, s.Spurious, s.Generalized, s.ShareStderrMax, s.BasinMedian, s.Seconds }));

    private static void WriteFixedPointCsv(AssociativeMemoryResult r, string path) =>
        Csv.WriteTable(path, ["n", "t", "beta", "count", "training", "spurious", "stable", "converged", "starts", "meanRadius", "theoryRingRadius"],
            r.Sizes.SelectMany(s => s.FixedPoints.Select(f => new[] { s.N, f.T, f.Beta, f.Count, f.Training, f.Spurious, f.Stable, f.Converged, f.Starts,
                f.MeanRadius, f.TheoryRingRadius ?? double.NaN })));

    private static void WriteReport(AssociativeMemoryResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption)> figures, string[] args, string path)
    {
        var report = new HtmlReport("diffdyn memory — associative memory, spurious states and basins")
            .Code("diffdyn memory " + string.Join(' ', args))
            .Paragraph("At OU time t the empirical density in rescaled coordinates y = e^t x is a sum of Gaussians of variance e^{2t} − 1 around the " +
                       "training points, so −ln P_t^e = β E(y) + const with the associative-memory energy E(y) = −(1/β) ln Σ_μ exp(−β|y − ξ_μ|²), " +
                       "β = 1/(2(e^{2t} − 1)) (Pham, Raya, Negri, Zaki, Ambrogioni & Krotov 2025, arXiv 2505.21777). Its minima are the attracting fixed points " +
                       "of y ← D(e^{−t} y, t); they are labelled training (within δ_m of a training point) or spurious. δ_m, δ_s are multiples of h, the median " +
                       "nearest-neighbour distance of the training points.")
            .Summary(rows);
        report.Figures(figures);
        report.Heading("Files").Links([
            ("memory.json", "every number of this page (OU times), incl. fixed points of the landscape"),
            ("memory.csv", "per size: sample shares, spacing, thresholds, median basin size"),
            ("fixed-points.csv", "per size and time: fixed-point counts (training / spurious / stable), mean radius, circle theory"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
        report.Write(path);
    }

}
