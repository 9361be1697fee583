using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn compare-scores</c>: how much of a reference score (the exact empirical score of the data, or a trained
/// model) the Gaussian, Gaussian-mixture and empirical approximations explain at each noise level, EV(t) = 1 − E|s₁ − s₂|²/E|s₁|²
/// (Wang &amp; Vastola, arXiv 2412.09726 and 2311.10892).
/// </summary>
public static class CompareScoresCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var approx = new Option<string?>("--approx") { Description = $"Approximations, comma-separated: gaussian | empirical | mixture:K[:full|:iso|:lowrank[:R]] (low rank R = 64 by default). Default {ApproximationSpec.DefaultList} (+ empirical with --model)." };
        var times = new Option<int>("--times") { Description = "Number of times, log-spaced from --t-from to --t-to.", DefaultValueFactory = _ => 16 };
        var tFrom = new Option<double>("--t-from") { Description = "Smallest OU time of the grid.", DefaultValueFactory = _ => 0.01 };
        var tTo = new Option<double>("--t-to") { Description = "Largest OU time of the grid.", DefaultValueFactory = _ => 5.0 };
        var samples = new Option<int>("--samples") { Description = "Draws x = a e^{-t} + sqrt(Δ_t) z per time (the same for every approximation).", DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch") { Description = "Draws per score evaluation (results do not depend on it).", DefaultValueFactory = _ => 256 };
        var heldOut = new Option<string?>("--held-out") { Description = "Draw from this point set instead of the training set (a --data spec, e.g. builtin:test; --classes and --downsample apply)." };
        var model = DenoiserChoice.ModelOption("as the reference score instead of the exact empirical score; the data options default to the model's.");
        var precision = new Option<string>("--precision") { Description = "float32 | float64 arithmetic of the empirical score.", DefaultValueFactory = _ => "float32" };
        var iterations = new Option<int>("--kmeans-iterations") { Description = "Upper bound on Lloyd iterations per mixture fit.", DefaultValueFactory = _ => 100 };
        precision.AcceptOnlyFromAmong("float32", "float64");

        var command = new Command("compare-scores", "Explained variance of a reference score (exact empirical or a trained model) by Gaussian, mixture and empirical approximations over t.");
        common.AddTo(command);
        foreach (var o in new Option[] { approx, times, tFrom, tTo, samples, batch, heldOut, model, precision, iterations }) command.Options.Add(o);
        CommonOptions.AtLeast(times, 2);
        CommonOptions.AtLeast(samples, 2);
        CommonOptions.AtLeast(batch, 1);
        CommonOptions.AtLeast(iterations, 1);
        foreach (var o in new[] { tFrom, tTo })
            o.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!double.IsFinite(v) || v <= 0) r.AddError($"{o.Name} must be finite and > 0."); });
        command.Validators.Add(r =>
        {
            if (r.GetValue(tFrom) is var a && r.GetValue(tTo) is var b && double.IsFinite(a) && double.IsFinite(b) && a > 0 && !(a < b))
                r.AddError("--t-from must be smaller than --t-to.");
        });

        OptionFlags.SetAction(command, p =>
        {
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
            long seed = p.GetValue(common.Seed);
            string list = p.GetValue(approx) ?? (modelDir is null ? ApproximationSpec.DefaultList : ApproximationSpec.DefaultList + ",empirical");
            var options = new CompareScoresOptions(
                Approximations: ApproximationSpec.ParseList(list, seed, p.GetValue(iterations)),
                TFrom: p.GetValue(tFrom), TTo: p.GetValue(tTo), Times: p.GetValue(times),
                Sampling: new ExplainedVarianceOptions(p.GetValue(samples), p.GetValue(batch), seed),
                Precision: p.GetValue(precision) == "float64" ? Precision.Float64 : Precision.Float32);
            return Execute(request, options, p.GetValue(heldOut), modelDir, common.OutputFolder(p, "compare-scores"),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Runs the comparison and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    /// <param name="heldOut">A --data spec the draws come from instead of the training set, else null.</param>
    /// <param name="modelDir">A trained model folder as the reference score, else null (the exact empirical score).</param>
    public static int Execute(DataRequest request, CompareScoresOptions options, string? heldOut, string? modelDir, string outDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        options.Validate();
        var data = request.Load();
        var drawSet = heldOut is null ? null
            : new DataRequest(heldOut, Classes: request.Classes, Downsample: request.Downsample, ScaleImages: request.ScaleImages, Seed: request.Seed).Load();
        using var trained = DenoiserChoice.Trained(modelDir, data);
        var inputs = new CompareScoresInputs(data, trained, $"trained model {modelDir}", drawSet, heldOut);
        CompareScoresExperiment.Check(inputs, options);
        using var run = RunOutput.Create(outDir);
        output.WriteLine(CompareScoresExperiment.Describe(inputs, options));
        var result = ProgressDisplay.RunStages(report => CompareScoresExperiment.Run(inputs, options, new StageProgress(report)));
        var manifest = new RunManifest
        {
            Command = "compare-scores",
            Arguments = args,
            Options = new
            {
                data = request,
                compareScores = new
                {
                    options.Approximations, options.TFrom, options.TTo, options.Times, Sampling = options.SamplingOrDefault, options.Precision,
                    HeldOut = heldOut, ModelDir = modelDir,
                },
                approximations = options.Approximations.Select(a => a.Name),
            },
            Seed = options.SamplingOrDefault.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new Dictionary<string, double>(result.Approximations.Select(a => KeyValuePair.Create("fit " + a.Name, a.FitSeconds)))
            {
                ["explained variance"] = result.Seconds,
            },
        };
        return RunSummaryPrinter.Print(output, run.Finish(new CompareScoresWriter(), new ScoreComparisonReport(result, clock.Elapsed.TotalSeconds), manifest, clock));
    }
}
