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

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn regimes</c>: the three regimes of generation on a dataset (Biroli et al. 2024): speciation and collapse,
/// in theory and measured on the backward dynamics of the exact empirical score, with figures and a report.
/// </summary>
public static class RegimesCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var steps = new Option<int>("--steps") { Description = "Uniform SDE steps from T to t_min (branch times and a log tail near t_min are added).", DefaultValueFactory = _ => 200 };
        var pairs = new Option<int>("--pairs") { Description = "Clone pairs per branch time of the coarse pass.", DefaultValueFactory = _ => 64 };
        var refineParents = new Option<int>("--refine-parents") { Description = "Parents per refinement round at the branch times around the coarse t_S crossing (0: coarse pass only).", DefaultValueFactory = _ => 512 };
        var refineClones = new Option<int>("--refine-clones") { Description = "Clones of each refinement parent at every refined time (K(K − 1)/2 pairs).", DefaultValueFactory = _ => 2 };
        var refineTimes = new Option<int>("--refine-times") { Description = "Refined branch times spread over ± half a coarse spacing around the coarse crossing.", DefaultValueFactory = _ => 2 };
        var precisionTarget = new Option<double?>("--precision-target") { Description = "Target relative standard error of the measured t_S (e.g. 0.01): refinement rounds repeat until reached or --max-refine-rounds (default: one round)." };
        var cloneReadout = new Option<string>("--clone-readout")
        {
            Description = "early: refinement clones stop where the coarse pass shows the class decided (the latest branch time ≤ t̂_S/4 with every coarse pair " +
                          "agreeing) and are classified by D(x(t), t) there | end: they run to --t-min.",
            DefaultValueFactory = _ => "early",
        };
        cloneReadout.AcceptOnlyFromAmong("early", "end");
        var maxRefineRounds = new Option<int>("--max-refine-rounds") { Description = "Cap on the refinement rounds under --precision-target.", DefaultValueFactory = _ => 16 };
        var branches = new Option<int>("--branches") { Description = "Number of branch times: half linear on [0.4 t_S, 2 t_S], half geometric below from max(0.01, 5 t_min); all geometric when --branch-min or --branch-max is given or t_S is undefined.", DefaultValueFactory = _ => 14 };
        var branchMin = new Option<double?>("--branch-min") { Description = "Smallest branch time; given, the branch times are geometric (default max(0.01, 5 t_min))." };
        var branchMax = new Option<double?>("--branch-max") { Description = "Largest branch time; given, the branch times are geometric (default min(0.9 T, max(2 t_S, 2)), 2 t_S left out when t_S is undefined)." };
        var entropySamples = new Option<int>("--entropy-samples") { Description = "Monte-Carlo samples per time for the excess entropy f(t).", DefaultValueFactory = _ => 2048 };
        var entropyTimes = new Option<int>("--entropy-times") { Description = "Times of f(t) besides the branch times (log-spaced over the branch range), where its zero is located.", DefaultValueFactory = _ => 32 };
        var model = DenoiserChoice.ModelOption(": run the trajectories with it, beside the exact empirical score of its training set.");
        var classifier = new Option<string>("--classifier") { Description = "logistic | cnn: how labelled data decide the class of a sample (cnn: image data).", DefaultValueFactory = _ => "logistic" };
        classifier.AcceptOnlyFromAmong("logistic", "cnn");
        var sampler = new Option<string>("--sampler") { Description = $"Integrator of trajectories and clones: {string.Join(" | ", SamplerRegistry.Tokens)}. Deterministic samplers regenerate each clone from its parent's sample noised to t (forward–backward).", DefaultValueFactory = _ => "sde" };
        sampler.AcceptOnlyFromAmong(SamplerRegistry.Tokens.ToArray());
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the error of the measured t_S.", DefaultValueFactory = _ => 200 };

        var command = new Command("regimes", "Measure speciation and collapse — the three regimes of generation — on a dataset, beside their closed forms.");
        common.AddTo(command);
        var dynamics = new DynamicsOptions();
        dynamics.AddTo(command);
        foreach (var o in new Option[] { steps, pairs, refineParents, refineClones, refineTimes, precisionTarget, maxRefineRounds, cloneReadout, branches, branchMin, branchMax, entropySamples, entropyTimes, bootstrap, model, classifier, sampler })
            command.Options.Add(o);
        CommonOptions.AtLeast(steps, 1); CommonOptions.AtLeast(pairs, 2); CommonOptions.AtLeast(branches, 2); CommonOptions.AtLeast(entropySamples, 2); CommonOptions.AtLeast(entropyTimes, 0); CommonOptions.AtLeast(bootstrap, 10);
        CommonOptions.AtLeast(refineParents, 0); CommonOptions.AtLeast(refineClones, 2); CommonOptions.AtLeast(refineTimes, 2); CommonOptions.AtLeast(maxRefineRounds, 1);

        OptionFlags.SetAction(command, p =>
        {
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
            var options = new RegimesOptions(
                Pairs: p.GetValue(pairs), Steps: p.GetValue(steps), BranchCount: p.GetValue(branches),
                BranchMin: p.GetValue(branchMin), BranchMax: p.GetValue(branchMax),
                TMax: p.GetValue(dynamics.TMax), TMin: p.GetValue(dynamics.TMin),
                Start: dynamics.StartRule(p),
                EntropySamples: p.GetValue(entropySamples), EntropyTimes: p.GetValue(entropyTimes), Bootstrap: p.GetValue(bootstrap), Seed: p.GetValue(common.Seed),
                Precision: dynamics.PrecisionOf(p), PruneTolerance: dynamics.PruneToleranceOf(p),
                Classifier: p.GetValue(classifier) == "cnn" ? ClassifierKind.Cnn : ClassifierKind.Logistic,
                Sampler: SamplerRegistry.KindOf(p.GetValue(sampler) ?? "sde"),
                RefineParents: p.GetValue(refineParents), RefineClones: p.GetValue(refineClones), RefineTimes: p.GetValue(refineTimes),
                PrecisionTarget: p.GetValue(precisionTarget), MaxRefineRounds: p.GetValue(maxRefineRounds),
                EarlyReadout: p.GetValue(cloneReadout) != "end");
            options.Validate();
            return Execute(request, options, common.OutputFolder(p, "regimes"), modelDir,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    /// <summary>Runs the analysis and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, RegimesOptions options, string outDir, string? modelDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        using var trained = DenoiserChoice.Trained(modelDir, data);
        using var run = RunOutput.Create(outDir);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {options.Pairs} clone pairs at {options.BranchCount} branch times" +
                         (options.RefineParents > 0 ? $" + {options.RefineParents} parents × {options.RefineClones} clones at {options.RefineTimes} times around the t_S crossing" : "") + $", {options.Steps} {SamplerRegistry.TokenOf(options.Sampler)} steps from T = {options.TMax.ToString(CultureInfo.InvariantCulture)}" +
                         (trained is null ? "" : $"; trained model {modelDir}"));
        var result = ProgressDisplay.RunStages(report =>
            RegimesExperiment.Run(data, options, truth as TwoClusterData, new StageProgress(report, trained is null ? "" : "model: "), model: trained));
        var exact = trained is null ? null : ProgressDisplay.RunStages(report =>
            RegimesExperiment.Run(data, options, truth as TwoClusterData, new StageProgress(report, "exact score: ")));
        var manifest = CommandRun.Manifest("regimes", args, new { data = request, regimes = options, model = modelDir }, options.Seed, data, new() { ["cloning"] = result.Run.CloningSeconds, ["entropy"] = result.Run.EntropySeconds, ["analysis"] = result.Run.TotalSeconds });
        return RunSummaryPrinter.Print(output, run.Finish(new RegimesWriter(data), new RegimesReport(result, exact, modelDir), manifest, clock));
    }
}
