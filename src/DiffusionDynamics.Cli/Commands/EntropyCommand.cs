using System.CommandLine;
using System.Diagnostics;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn entropy</c>: the class entropy H(Y | X_t) along generation, its rate, per-class profiles, three estimators side by side
/// (Handke et al., arXiv 2506.10433).
/// </summary>
public static class EntropyCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        common.Data.DefaultValueFactory = _ => BuiltinFashion10.TrainSpec;
        var score = ClassScoreOptions.ScoreOption();
        var model = DenoiserChoice.ModelOption("for the unconditional D; with --class-models the class entropy comes from models instead of exact scores (online Bayes and I-MMSE).");
        var classModels = ClassScoreOptions.ClassModelsOption();
        var nullLabel = ClassScoreOptions.NullLabelOption();
        var precision = ClassScoreOptions.PrecisionOption();
        var sampler = new Option<string>("--sampler") { Description = $"Sampler of the trajectories: {string.Join(" | ", SamplerRegistry.Tokens)} (the online estimator needs sde, ddpm or ddim with --eta > 0).", DefaultValueFactory = _ => "sde" };
        sampler.AcceptOnlyFromAmong(SamplerRegistry.Tokens.ToArray());
        var eta = new Option<double>("--eta") { Description = "DDIM's η (ddim only).", DefaultValueFactory = _ => 0.0 };
        var samples = new Option<int>("--samples") { Description = "Trajectories.", DefaultValueFactory = _ => 128 };
        var batch = new Option<int>("--batch") { Description = "Trajectories per batch (results do not depend on it).", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "Uniform grid steps (plus --tail-steps log-spaced steps below t = 0.2).", DefaultValueFactory = _ => 100 };
        var tail = new Option<int>("--tail-steps") { Description = "Log-spaced steps from t = 0.2 down to --t-min.", DefaultValueFactory = _ => 20 };
        var tMin = new Option<double>("--t-min") { Description = "Last OU time of the grid.", DefaultValueFactory = _ => 0.01 };
        var tMax = new Option<double?>("--t-max") { Description = "First OU time T (default max(3, t_S + 3))." };
        var noOnline = new Option<bool>("--no-online") { Description = "Skip the online Bayes classifier." };
        var noImmse = new Option<bool>("--no-immse") { Description = "Skip the I-MMSE estimator." };
        var immseSamples = new Option<int>("--immse-samples") { Description = "Data items per grid time for I-MMSE.", DefaultValueFactory = _ => 128 };
        var noState = new Option<bool>("--no-state") { Description = "Skip the information dynamics of the state (rate of H(X₀ | X_t) from the divergence of the score)." };
        var probes = new Option<int>("--probes") { Description = "Hutchinson probes per point for the divergence of scores without a closed form (trained networks).", DefaultValueFactory = _ => 4 };
        var noSymmetry = new Option<bool>("--no-symmetry") { Description = "Skip the symmetry-breaking time of the backward drift." };
        var strip = new Option<int>("--strip") { Description = "Trajectories in the strip of x̂₀ images at the peak times (image data; 0: none).", DefaultValueFactory = _ => 6 };

        var command = new Command("entropy", "When classes are decided: the class entropy H(Y | X_t) along generation and its rate (exact posterior, online Bayes, I-MMSE).");
        common.AddTo(command);
        foreach (var o in new Option[] { score, model, classModels, nullLabel, precision, sampler, eta, samples, batch, steps, tail, tMin, tMax, noOnline, noImmse, immseSamples, noState, probes, noSymmetry, strip }) command.Options.Add(o);
        CommonOptions.AtLeast(samples, 2); CommonOptions.AtLeast(batch, 1); CommonOptions.AtLeast(steps, 4); CommonOptions.AtLeast(tail, 1); CommonOptions.AtLeast(immseSamples, 2);
        CommonOptions.AtLeast(probes, 1); CommonOptions.AtLeast(strip, 0);
        CommonOptions.Positive(tMin);

        command.SetAction(p =>
        {
            var options = new ClassEntropyOptions(SamplerRegistry.KindOf(p.GetValue(sampler)!), p.GetValue(samples), p.GetValue(batch), p.GetValue(steps),
                p.GetValue(tail), p.GetValue(tMin), p.GetValue(tMax), !p.GetValue(noOnline), !p.GetValue(noImmse), p.GetValue(immseSamples), p.GetValue(eta), p.GetValue(common.Seed),
                StateInformation: !p.GetValue(noState), Probes: p.GetValue(probes), Symmetry: !p.GetValue(noSymmetry), StripTrajectories: p.GetValue(strip) <= 32 ? p.GetValue(strip) : throw new ArgumentException($"--strip keeps at most 32 trajectories, got {p.GetValue(strip)}."));
            try { options.Validate(); }
            catch (ArgumentException e) when (e.ParamName == nameof(ClassEntropyOptions.Online))
            {
                throw new ArgumentException($"--sampler {p.GetValue(sampler)} is deterministic: the online estimator needs sde, ddpm or ddim with --eta > 0 (or give --no-online).");
            }
            var models = new ClassModelRequest(p.GetValue(model), p.GetValue(classModels), p.GetValue(nullLabel));
            return Execute(common.DataRequest(p), options, p.GetValue(score)!, p.GetValue(precision)!, common.OutputFolder(p, "entropy"),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output, p.InvocationConfiguration.Error, models);
        });
        return command;
    }

    /// <summary>Runs the analysis and writes the results folder (progress on <paramref name="progressOutput"/>); exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, ClassEntropyOptions options, string score, string precision, string outDir, string[] args,
        TextWriter output, TextWriter progressOutput, ClassModelRequest? models = null)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        using var scores = models is { IsGiven: true } m ? ClassScoreOptions.FromModels(m.Model, m.ClassModels, m.NullLabel, data) : ClassScores.Exact(score, precision, data, truth);
        using var run = RunOutput.Create(outDir);
        progressOutput.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}, K = {data.Classes().Length}; scores: {scores.Name}; " +
                                 $"{options.Samples} {OptionTokens.Of(options.Sampler)} trajectories");
        var result = ProgressDisplay.RunStages(report => ClassEntropyAnalysis.Run(
            new ClassEntropyInputs(scores.Denoiser, data, scores.Model, scores.ClassNames, scores.Priors), options, new StageProgress(report)));
        var manifest = new RunManifest
        {
            Command = "entropy",
            Arguments = args,
            Options = new { data = request, entropy = options, score = scores.Name, models },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["analysis"] = result.Seconds },
        };
        return RunSummaryPrinter.Print(output, run.Finish(new EntropyWriter(), result with { ScoreSource = scores.Name }, manifest, clock));
    }
}
