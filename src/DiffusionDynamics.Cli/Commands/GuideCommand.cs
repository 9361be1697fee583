using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Cli.Commands;

/// <summary><c>diffdyn guide --avoid CLASS</c>: dynamic negative guidance against static negative prompting and unguided twins (arXiv 2410.14398).</summary>
public static class GuideCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        common.Data.DefaultValueFactory = _ => BuiltinFashion10.TrainSpec;
        var avoid = new Option<int?>("--avoid") { Description = "The class (label) to remove from generation (required)." };
        var score = ClassScoreOptions.ScoreOption();
        var model = DenoiserChoice.ModelOption("for the unconditional D; with --class-models, guidance uses models instead of exact scores.");
        var classModels = ClassScoreOptions.ClassModelsOption();
        var nullLabel = ClassScoreOptions.NullLabelOption();
        var precision = ClassScoreOptions.PrecisionOption();
        var heldOut = new Option<string?>("--held-out") { Description = "Held-out labelled data (a --data spec) for the classifier and the Fréchet reference; default: the test split of built-in data, a fresh draw (seed + 1000) of synthetic data." };
        var lambda = new Option<double>("--lambda") { Description = "Guidance scale λ of the main comparison (≥ 0).", DefaultValueFactory = _ => 1.0 };
        var sweep = new Option<string>("--sweep") { Description = "Further λ values for the trade-off curve, comma-separated ('' for none).", DefaultValueFactory = _ => "0.5,2" };
        var temperature = new Option<double>("--temperature") { Description = "Temperature τ of the online posterior update (1: Bayes).", DefaultValueFactory = _ => 1.0 };
        var offset = new Option<double>("--offset") { Description = "Offset δ of the online posterior update (0: Bayes).", DefaultValueFactory = _ => 0.0 };
        var prior = new Option<double?>("--prior") { Description = "Initial tracked p (default: the class's data proportion)." };
        var pMin = new Option<double>("--p-min") { Description = "Lower clamp of p.", DefaultValueFactory = _ => 1e-6 };
        var pMax = new Option<double>("--p-max") { Description = "Upper clamp of p.", DefaultValueFactory = _ => 0.99 };
        var sampler = new Option<string>("--sampler") { Description = "Stochastic sampler: sde | ddpm | ddim (with --eta > 0).", DefaultValueFactory = _ => "sde" };
        sampler.AcceptOnlyFromAmong(SamplerRegistry.Tokens.ToArray());
        var eta = new Option<double>("--eta") { Description = "DDIM's η.", DefaultValueFactory = _ => 0.0 };
        var samples = new Option<int>("--samples") { Description = "Samples per mode (paired twins).", DefaultValueFactory = _ => 128 };
        var batch = new Option<int>("--batch") { Description = "Samples per batch.", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "Uniform grid steps from T = 5 (plus 20 log-spaced steps below t = 0.2).", DefaultValueFactory = _ => 100 };

        var command = new Command("guide", "Remove a class from generation: dynamic negative guidance vs static negative prompting, each sample paired with its unguided twin.");
        common.AddTo(command);
        foreach (var o in new Option[] { avoid, score, model, classModels, nullLabel, precision, heldOut, lambda, sweep, temperature, offset, prior, pMin, pMax, sampler, eta, samples, batch, steps }) command.Options.Add(o);
        CommonOptions.AtLeast(samples, 2); CommonOptions.AtLeast(batch, 1); CommonOptions.AtLeast(steps, 4);

        command.SetAction(p =>
        {
            var lambdas = ParseLambdas(p.GetValue(sweep));
            int forbidden = p.GetValue(avoid) ?? throw new ArgumentException("--avoid CLASS is required: the label of the class to remove.");
            var options = new NegativeGuidanceOptions(forbidden, p.GetValue(lambda), lambdas, p.GetValue(temperature), p.GetValue(offset), p.GetValue(prior),
                p.GetValue(pMin), p.GetValue(pMax), SamplerRegistry.KindOf(p.GetValue(sampler)!), p.GetValue(samples), p.GetValue(batch), p.GetValue(steps),
                DdimEta: p.GetValue(eta), Seed: p.GetValue(common.Seed));
            try { options.Validate(); }
            catch (ArgumentException e)
            {
                string flag = e.ParamName switch
                {
                    "lambda" => "--lambda", "pMin" or "pMax" => "--p-min/--p-max", nameof(NegativeGuidanceOptions.Sweep) => "--sweep",
                    nameof(NegativeGuidanceOptions.Temperature) => "--temperature", nameof(NegativeGuidanceOptions.Prior) => "--prior",
                    nameof(NegativeGuidanceOptions.Sampler) => "--sampler", _ => e.ParamName ?? "option",
                };
                throw new ArgumentException($"{flag}: {e.Message}", e);
            }
            var request = common.DataRequest(p);
            var models = new ClassModelRequest(p.GetValue(model), p.GetValue(classModels), p.GetValue(nullLabel));
            return Execute(request, HeldOut(request, p.GetValue(heldOut)), options, p.GetValue(score)!, p.GetValue(precision)!, common.OutputFolder(p, "guide"),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output, p.InvocationConfiguration.Error, models);
        });
        return command;
    }

    private static double[] ParseLambdas(string? text) => string.IsNullOrWhiteSpace(text) ? [] :
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v =>
            double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double l)
                ? l : throw new ArgumentException($"--sweep: '{v}' is not a number.")).ToArray();

    /// <summary>The held-out request: the given spec, or the default for built-in and synthetic data, with the same preparation.</summary>
    private static DataRequest HeldOut(DataRequest request, string? spec)
    {
        string s = request.Spec.Trim().ToLowerInvariant();
        spec ??= s switch
        {
            "builtin:fashion10" or "builtin:fashion10:train" => BuiltinFashion10.TestSpec,
            "builtin" or "builtin:train" => "builtin:test",
            _ when DataSource.ParseSynthetic(s, out long seed) is not null =>
                Regex.IsMatch(s, @"seed=\d+") ? Regex.Replace(request.Spec, @"seed=(\d+)", m => $"seed={long.Parse(m.Groups[1].Value) + 1000}") : request.Spec + ",seed=1000",
            _ => throw new ArgumentException("--held-out is needed for this data (labelled data held apart from the training set)."),
        };
        return request with { Spec = spec, Count = null, LabelsPath = null };
    }

    /// <summary>Runs the experiment and writes the results folder (progress on <paramref name="progressOutput"/>).</summary>
    public static int Execute(DataRequest request, DataRequest heldOutRequest, NegativeGuidanceOptions options, string score, string precision, string outDir,
        string[] args, TextWriter output, TextWriter progressOutput, ClassModelRequest? models = null)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        var heldOut = heldOutRequest.Load();
        if (data.Labels is not null && !data.Classes().Contains(options.Forbidden))
            throw new ArgumentException($"--avoid {options.Forbidden}: the class is absent from {data.Name} (classes present: {string.Join(", ", data.Classes())}).");
        using var scores = models is { IsGiven: true } m ? ClassScoreOptions.FromModels(m.Model, m.ClassModels, m.NullLabel, data) : ClassScores.Exact(score, precision, data, truth);
        using var run = RunOutput.Create(outDir);
        progressOutput.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; scores: {scores.Name}; avoid class {options.Forbidden}; held-out: {heldOut.Name} (n = {heldOut.Count})");
        var result = ProgressDisplay.RunStages(report => NegativeGuidanceExperiment.Run(
            new NegativeGuidanceInputs(scores.Denoiser, data, heldOut, scores.Priors, scores.ClassNames), options, new StageProgress(report)));
        var manifest = new RunManifest
        {
            Command = "guide",
            Arguments = args,
            Options = new { data = request, heldOut = heldOutRequest, guide = options, score = scores.Name, models },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["experiment"] = result.Seconds },
        };
        return RunSummaryPrinter.Print(output, run.Finish(new GuideWriter(), result with { ScoreSource = scores.Name }, manifest, clock));
    }
}
