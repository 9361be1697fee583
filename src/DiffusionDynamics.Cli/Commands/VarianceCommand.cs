using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary><c>diffdyn variance</c>: generalization through variance (Vastola, ICLR 2025, arXiv 2504.12532; docs/theory.md §8.1–8.3).</summary>
public static class VarianceCommand
{
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["Times"] = "--times", ["GridPoints"] = "--grid", ["Margin"] = "--margin", ["Points"] = "--points", ["Features"] = "--features",
        ["PerCoordinate"] = "--per-coordinate", ["TimeBumps"] = "--time-bumps", ["TMax"] = "--t-max", ["SampleCounts"] = "--samples",
        ["Cutoffs"] = "--cutoffs", ["Models"] = "--models", ["SamplesPerModel"] = "--per-model", ["SamplingSteps"] = "--steps", ["Ridge"] = "--ridge",
    };

    public static Command Build()
    {
        var common = new CommonOptions();
        common.Data.DefaultValueFactory = _ => "points:-1,0,1";
        var times = new Option<string?>("--times") { Description = "OU times of the ratio maps, comma-separated (default 0.02,0.1,0.3,1)." };
        var grid = new Option<int>("--grid") { Description = "Map grid points per axis.", DefaultValueFactory = _ => 121 };
        var margin = new Option<double>("--margin") { Description = "The maps cover the data's range ± margin.", DefaultValueFactory = _ => 0.75 };
        var points = new Option<int>("--points") { Description = "Noised training points / midpoints / trajectories per time for the curves.", DefaultValueFactory = _ => 256 };
        var features = new Option<string>("--features") { Description = "gaussian (bumps) | fourier: x-features of the 1-D sweep.", DefaultValueFactory = _ => "gaussian" };
        features.AcceptOnlyFromAmong("gaussian", "fourier");
        var perCoordinate = new Option<int>("--per-coordinate") { Description = "Features per coordinate m (F = m^d · time bumps).", DefaultValueFactory = _ => 16 };
        var timeBumps = new Option<int>("--time-bumps") { Description = "Gaussian bumps in t.", DefaultValueFactory = _ => 8 };
        var tMax = new Option<double>("--t-max") { Description = "Largest training time = start of sampling.", DefaultValueFactory = _ => 2.0 };
        var samples = new Option<string?>("--samples") { Description = "Triples P per model of the F/P sweep, comma-separated (default 32,128,512,4096)." };
        var cutoffs = new Option<string?>("--cutoffs") { Description = "Noise cutoffs ε, comma-separated (default 0.005,0.02,0.1)." };
        var models = new Option<int>("--models") { Description = "Independently trained models averaged per setting (the paper: 100).", DefaultValueFactory = _ => 24 };
        var perModel = new Option<int>("--per-model") { Description = "Generated samples per model.", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = "Heun steps of the probability-flow ODE.", DefaultValueFactory = _ => 60 };
        var ridge = new Option<double>("--ridge") { Description = "Ridge ρ relative to the mean diagonal of ΦᵀΩΦ.", DefaultValueFactory = _ => 1e-6 };
        var noFill = new Option<bool>("--no-fill") { Description = "Skip the linear-feature gap-filling sweeps (maps and curves only)." };
        var noCircle = new Option<bool>("--no-circle") { Description = "Skip the four-points-on-the-circle setting." };
        var model = new Option<string?>("--model") { Description = "A trained model folder of the same data (diffdyn train, e.g. a small MLP): its fill is measured at every cutoff." };
        var command = new Command("variance", "Generalization through variance: where the DSM target is noisy, and how linear-feature score models fill the gaps between training points.");
        common.AddTo(command);
        foreach (var o in new Option[] { times, grid, margin, points, features, perCoordinate, timeBumps, tMax, samples, cutoffs, models, perModel, steps, ridge, noFill, noCircle, model })
            command.Options.Add(o);

        command.SetAction(p =>
        {
            var options = new VarianceOptions(Times: Parse(p.GetValue(times), "--times"), GridPoints: p.GetValue(grid), Margin: p.GetValue(margin), Points: p.GetValue(points),
                Fill: !p.GetValue(noFill), Features: p.GetValue(features) == "fourier" ? FeatureKind.Fourier : FeatureKind.Gaussian,
                PerCoordinate: p.GetValue(perCoordinate), TimeBumps: p.GetValue(timeBumps), TMax: p.GetValue(tMax),
                SampleCounts: Parse(p.GetValue(samples), "--samples")?.Select(v => v == Math.Floor(v) && v >= 1 && v <= int.MaxValue ? (int)v
                    : throw new ArgumentException($"--samples: '{v}' is not an integer ≥ 1.")).ToArray(),
                Cutoffs: Parse(p.GetValue(cutoffs), "--cutoffs"), Models: p.GetValue(models), SamplesPerModel: p.GetValue(perModel), SamplingSteps: p.GetValue(steps),
                Ridge: p.GetValue(ridge), Circle: !p.GetValue(noCircle), Seed: p.GetValue(common.Seed));
            try { options.Validate(); }
            catch (ArgumentException e) when (e.ParamName is { } name && Flags.TryGetValue(name, out var flag))
            {
                throw new ArgumentException($"{flag}: {e.Message.Split(" (Parameter")[0]}");
            }
            string? modelDir = p.GetValue(model);
            return Execute(DenoiserChoice.Request(p, common, modelDir), options, modelDir, common.OutputFolder(p, "variance"), CommonOptions.Arguments(p), p.InvocationConfiguration.Output, p.InvocationConfiguration.Error);
        });
        return command;
    }

    private static double[]? Parse(string? text, string option) => string.IsNullOrWhiteSpace(text) ? null
        : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"{option}: '{s}' is not a finite number.")).ToArray();

    /// <summary>Runs the analysis and writes the results folder; progress on <paramref name="error"/>, the summary on <paramref name="output"/>.</summary>
    public static int Execute(DataRequest request, VarianceOptions options, string? modelDir, string outDir, string[] args, TextWriter output, TextWriter error)
    {
        var clock = Stopwatch.StartNew();
        var data = request.Load();
        using var network = modelDir is null ? null : new ChosenDenoiser(Denoisers.Factory.Create(DenoiserChoice.ModelSpec(modelDir), data));
        using var run = RunOutput.Create(outDir);
        var result = ProgressDisplay.RunStages(report => VarianceExperiment.Run(data, options, new StageProgress(report), network: network?.Denoiser, networkName: modelDir));
        var manifest = new RunManifest
        {
            Command = "variance",
            Arguments = args,
            Options = new { data = request, variance = options, model = modelDir },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["analysis"] = result.Seconds },
        };
        return RunSummaryPrinter.Print(output, run.Finish(new VarianceWriter(), result, manifest, clock));
    }
}
