using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn trajectories</c>: "outline first, details later" (Wang &amp; Vastola, arXiv 2303.02490, Gaussian theory arXiv 2311.10892):
/// per-mode emergence times along generative trajectories against ½ ln(1 + λ_k), the distance of trajectories from the plane of x(T) and
/// x̂₀, and the effect of perturbations made at different times.
/// </summary>
public static class TrajectoriesCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Build()
    {
        var common = new CommonOptions();
        var dynamics = new DynamicsOptions();
        var score = new Option<string>("--score") { Description = "empirical (exact empirical score of the data) | gaussian (exact score of the data's Gaussian N(m, C)). Ignored with --model.", DefaultValueFactory = _ => "empirical" };
        score.AcceptOnlyFromAmong("empirical", "gaussian");
        var model = DenoiserChoice.ModelOption("to run the trajectories with; the data options default to the model's.");
        var sampler = new Option<string>("--sampler") { Description = "ode-heun (PF-ODE, Heun; the setting of the theory) | sde (Euler–Maruyama).", DefaultValueFactory = _ => "ode-heun" };
        sampler.AcceptOnlyFromAmong("ode-heun", "sde");
        var trajectories = new Option<int>("--trajectories") { Description = "Number of trajectories.", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Uniform steps from T (20 log-spaced steps to t_min and the perturbation times are added).", DefaultValueFactory = _ => 200 };
        var modes = new Option<int>("--modes") { Description = "Number K of top covariance modes to follow.", DefaultValueFactory = _ => 8 };
        var perturbations = new Option<int>("--perturbations") { Description = "Number of perturbation times, geometric in [max(0.02, 10 t_min), min(5, T/2)] (0: none).", DefaultValueFactory = _ => 8 };
        var perturbTimes = new Option<string?>("--perturb-times") { Description = "Explicit perturbation times, comma-separated OU times in (t_min, T), e.g. 3,1,0.3,0.1." };
        var epsilon = new Option<double?>("--epsilon") { Description = "Norm ε of each perturbation (default 0.1·√d)." };
        var batch = new Option<int>("--batch") { Description = "Trajectories per batch (results do not depend on it).", DefaultValueFactory = _ => 64 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the error of the variance-rule emergence times.", DefaultValueFactory = _ => 200 };
        var strip = new Option<int>("--strip") { Description = "Trajectories shown in the image strip of D(x(t), t) (image data).", DefaultValueFactory = _ => 6 };

        var command = new Command("trajectories", "Outline first, details later: per-mode emergence times, trajectory geometry and perturbation response along generative trajectories.");
        common.AddTo(command);
        dynamics.AddTo(command);
        foreach (var o in new Option[] { score, model, sampler, trajectories, steps, modes, perturbations, perturbTimes, epsilon, batch, bootstrap, strip })
            command.Options.Add(o);
        CommonOptions.AtLeast(trajectories, 2); CommonOptions.AtLeast(steps, 2); CommonOptions.AtLeast(modes, 1); CommonOptions.AtLeast(perturbations, 0); CommonOptions.AtLeast(batch, 1); CommonOptions.AtLeast(bootstrap, 10); CommonOptions.AtLeast(strip, 0);
        epsilon.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is double e && (!double.IsFinite(e) || e < 0)) r.AddError("--epsilon must be finite and ≥ 0."); });

        OptionFlags.SetAction(command, p =>
        {
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
            var options = new TrajectoriesOptions(
                Trajectories: p.GetValue(trajectories),
                Sampler: SamplerRegistry.KindOf(p.GetValue(sampler) ?? "ode-heun"),
                TMax: p.GetValue(dynamics.TMax), TMin: p.GetValue(dynamics.TMin), Steps: p.GetValue(steps), Modes: p.GetValue(modes),
                PerturbationTimes: ListOption.Numbers(p.GetValue(perturbTimes), "--perturb-times"), PerturbationCount: p.GetValue(perturbations), Epsilon: p.GetValue(epsilon),
                Start: dynamics.StartRule(p), Batch: p.GetValue(batch), Precision: dynamics.PrecisionOf(p), Bootstrap: p.GetValue(bootstrap),
                StripTrajectories: p.GetValue(strip), Seed: p.GetValue(common.Seed), PruneTolerance: dynamics.PruneToleranceOf(p));
            options.Validate();
            return Execute(request, options, p.GetValue(score) == "gaussian", modelDir, common.OutputFolder(p, "trajectories"),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    /// <summary>Runs the analysis and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, TrajectoriesOptions options, bool gaussianScore, string? modelDir, string outDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        if (options.Modes > Math.Min(data.Dimension, data.Count - 1))
            throw new ArgumentException($"--modes {options.Modes} exceeds min(d, n − 1) = {Math.Min(data.Dimension, data.Count - 1)} for these data.");
        using var run = RunOutput.Create(outDir);
        using var scope = NewDisposeScope();
        var source = modelDir is not null ? ScoreSource.Trained : gaussianScore ? ScoreSource.Gaussian : ScoreSource.Empirical;
        using var denoiser = DenoiserChoice.Create(source, data, options.Precision, modelDir, options.PruneTolerance);
        string scoreName = source switch
        {
            ScoreSource.Trained => $"trained model ({modelDir})",
            ScoreSource.Gaussian => "exact score of the data's Gaussian N(m, C)",
            _ => "exact empirical score of the training set",
        };

        var (classify, classRule, owned) = ClassRule(data, truth, options.Seed);
        using var _ = owned;
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {options.Trajectories} trajectories, {OptionTokens.Of(options.Sampler)}, {options.Steps} steps " +
                         $"from T = {options.TMax.ToString(Inv)}; score: {scoreName}");
        var result = ProgressDisplay.RunStages(report =>
            TrajectoriesExperiment.Run(data, denoiser.Denoiser, options, classify, scoreName, new StageProgress(report)));

        var manifest = CommandRun.Manifest("trajectories", args, new { data = request, trajectories = options, score = scoreName, model = modelDir }, options.Seed, data, new() { ["analysis"] = result.Run.Seconds });
        return RunSummaryPrinter.Print(output, run.Finish(new TrajectoriesWriter(), new TrajectoriesReport(result, classRule), manifest, clock));
    }

    /// <summary>How final samples get a class (<see cref="Analysis.ClassRule"/>): the sign of x·m for the two-cluster model, a logistic regression for labelled data, else none.</summary>
    private static (Func<Tensor, int[]>? Classify, string Description, IDisposable? Owned) ClassRule(Dataset data, SyntheticData? truth, long seed)
    {
        var rule = Analysis.ClassRule.Choose(data, truth as TwoClusterData, ClassifierKind.Logistic, seed);
        string description = rule.Classify is null ? "none (unlabelled data): only the nearest training point is compared" : rule.Description;
        return (rule.Classify, description, rule);
    }
}
