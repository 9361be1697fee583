using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary><c>diffdyn noether</c>: least-action paths and their conserved quantities (Vastola, arXiv 2504.09761; docs/theory.md §8.4–8.6).</summary>
public static class NoetherCommand
{
    /// <summary>Option of each <see cref="NoetherOptions"/> parameter, for error messages.</summary>
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["From"] = "--from", ["To"] = "--to", ["T"] = "--T", ["D"] = "--D", ["DiffusionGrowth"] = "--d-growth", ["Velocity"] = "--velocity",
        ["Bounds"] = "--bounds", ["MonteCarloPaths"] = "--mc-paths", ["EndWindow"] = "--window", ["Steps"] = "--steps", ["MaxIterations"] = "--max-iterations",
        ["StartTime"] = "--t-start", ["EndTime"] = "--t-end", ["Angles"] = "--angles", ["RingRadius"] = "--radius", ["RingWidth"] = "--width", ["Targets"] = "--targets",
    };

    public static Command Build()
    {
        var common = new CommonOptions();
        var drift = new Option<string>("--drift") { Description = "ou: f = −x (closed form) | constant: f = v (drift–diffusion) | ring: reverse drift of ring data | reverse: reverse drift of the data's exact empirical score (or --model).", DefaultValueFactory = _ => "ou" };
        drift.AcceptOnlyFromAmong("ou", "constant", "ring", "reverse");
        var from = new Option<string?>("--from") { Description = "Start point x₀, comma-separated coordinates (ou/constant: required; ring: default 0.8,0.4; reverse: default a seeded N(0, I) draw)." };
        var to = new Option<string?>("--to") { Description = "End point(s) x_T, coordinates comma-separated, points separated by ';' (ou/constant)." };
        var T = new Option<double>("--T") { Description = "Duration T (ou/constant).", DefaultValueFactory = _ => 2.0 };
        var D = new Option<double>("--D") { Description = "Diffusion coefficient D (ou/constant).", DefaultValueFactory = _ => 1.0 };
        var growth = new Option<double>("--d-growth") { Description = "κ in D(s) = D(1 + κs): a time-dependent D (keeps momentum and angular momentum, breaks energy).", DefaultValueFactory = _ => 0.0 };
        var velocity = new Option<string?>("--velocity") { Description = "Drift v of --drift constant (default 0)." };
        var bounds = new Option<string?>("--bounds") { Description = "Absorbing bounds lo,hi of the 1-D drift–diffusion Monte Carlo (--drift constant)." };
        var mcPaths = new Option<int>("--mc-paths") { Description = "Monte-Carlo paths.", DefaultValueFactory = _ => 50000 };
        var window = new Option<double>("--window") { Description = "Half-width δ of the end window conditioning the Monte Carlo.", DefaultValueFactory = _ => 0.05 };
        var steps = new Option<int>("--steps") { Description = "Path intervals K.", DefaultValueFactory = _ => 100 };
        var maxIter = new Option<int>("--max-iterations") { Description = "L-BFGS iteration cap.", DefaultValueFactory = _ => 5000 };
        var tStart = new Option<double>("--t-start") { Description = "OU time of the noise point (ring, reverse).", DefaultValueFactory = _ => 2.0 };
        var tEnd = new Option<double>("--t-end") { Description = "OU time of the end points (ring, reverse).", DefaultValueFactory = _ => 0.02 };
        var angles = new Option<int>("--angles") { Description = "Ring: end points at angles 2πj/angles on the ring.", DefaultValueFactory = _ => 8 };
        var radius = new Option<double>("--radius") { Description = "Ring radius R.", DefaultValueFactory = _ => 1.0 };
        var width = new Option<double>("--width") { Description = "Ring width w.", DefaultValueFactory = _ => 0.1 };
        var targets = new Option<int>("--targets") { Description = "Reverse: paths to the first k training points.", DefaultValueFactory = _ => 4 };
        var model = new Option<string?>("--model") { Description = "Reverse: a trained model folder (diffdyn train) instead of the exact empirical score." };
        var command = new Command("noether", "Least-action (Onsager–Machlup) paths between fixed states, with their actions and conserved quantities (energy, momentum, angular momentum).");
        common.AddTo(command);
        foreach (var o in new Option[] { drift, from, to, T, D, growth, velocity, bounds, mcPaths, window, steps, maxIter, tStart, tEnd, angles, radius, width, targets, model })
            command.Options.Add(o);

        command.SetAction(p =>
        {
            string kind = p.GetValue(drift)!;
            var options = new NoetherOptions(
                Drift: kind switch { "constant" => NoetherDrift.Constant, "ring" => NoetherDrift.Ring, "reverse" => NoetherDrift.Reverse, _ => NoetherDrift.OrnsteinUhlenbeck },
                From: Point(p.GetValue(from), "--from"), To: p.GetValue(to) is { } t ? t.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(s => Point(s, "--to")!).ToArray() : null,
                T: p.GetValue(T), D: p.GetValue(D), DiffusionGrowth: p.GetValue(growth), Velocity: Point(p.GetValue(velocity), "--velocity"),
                Bounds: Point(p.GetValue(bounds), "--bounds"), MonteCarloPaths: p.GetValue(mcPaths), EndWindow: p.GetValue(window), Steps: p.GetValue(steps),
                MaxIterations: p.GetValue(maxIter), StartTime: p.GetValue(tStart), EndTime: p.GetValue(tEnd), Angles: p.GetValue(angles),
                RingRadius: p.GetValue(radius), RingWidth: p.GetValue(width), Targets: p.GetValue(targets), Seed: p.GetValue(common.Seed));
            try { options.Validate(); }
            catch (ArgumentException e) when (e.ParamName is { } name && Flags.TryGetValue(name, out var flag))
            {
                throw new ArgumentException($"{flag}: {e.Message.Split(" (Parameter")[0]}");
            }
            string? modelDir = p.GetValue(model);
            return Execute(options, options.Drift == NoetherDrift.Reverse ? DenoiserChoice.Request(p, common, modelDir) : null, modelDir,
                common.OutputFolder(p, "noether"), CommonOptions.Arguments(p), p.InvocationConfiguration.Output, p.InvocationConfiguration.Error);
        });
        return command;
    }

    private static double[]? Point(string? text, string option) => string.IsNullOrWhiteSpace(text) ? null
        : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"{option}: '{s}' is not a finite number.")).ToArray();

    /// <summary>Runs the paths and writes the results folder; progress on <paramref name="error"/>, the summary on <paramref name="output"/>.</summary>
    public static int Execute(NoetherOptions options, Data.DataRequest? request, string? modelDir, string outDir, string[] args, TextWriter output, TextWriter error)
    {
        var clock = Stopwatch.StartNew();
        var data = request?.Load();
        var spec = modelDir is null ? DenoiserSpec.Empirical(Precision.Float64) : DenoiserChoice.ModelSpec(modelDir);
        using var denoiser = data is null ? null : new ChosenDenoiser(Denoisers.Factory.Create(spec, data));
        using var run = RunOutput.Create(outDir);
        var result = ProgressDisplay.RunStages(report => NoetherExperiment.Run(new NoetherInputs(denoiser?.Denoiser, data, spec.Describe()), options, new StageProgress(report)));
        var manifest = new RunManifest
        {
            Command = "noether",
            Arguments = args,
            Options = new { noether = options, data = request, denoiser = data is null ? null : spec },
            Seed = options.Seed,
            DataPreprocessing = data?.Preprocessing,
            TimingsSeconds = new() { ["paths"] = result.Seconds },
        };
        return RunSummaryPrinter.Print(output, run.Finish(new NoetherWriter(), result, manifest, clock));
    }
}
