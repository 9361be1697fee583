using System.CommandLine;
using System.Diagnostics;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn timeline</c>: the regimes of one model or dataset on one OU time axis — speciation, collapse, symmetry breaking, per-mode
/// emergence and the Gaussian hand-over — each with its error bar beside its closed form (<see cref="TimelineExperiment"/>).
/// </summary>
public static class TimelineCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var model = DenoiserChoice.ModelOption("to analyse instead of the exact empirical score; the data options default to the model's.");
        var pairs = new Option<int>("--pairs") { Description = "Clone pairs per branch time (regimes' default 128).", DefaultValueFactory = _ => TimelineOptions.DefaultRegimes.Pairs };
        var branches = new Option<int>("--branches") { Description = "Branch times of the cloning experiment (regimes' default 14).", DefaultValueFactory = _ => TimelineOptions.DefaultRegimes.BranchCount };
        var steps = new Option<int>("--steps") { Description = "Steps of the trajectories, T to t_min (regimes' and trajectories' default 200).", DefaultValueFactory = _ => TimelineOptions.DefaultRegimes.Steps };
        var entropySamples = new Option<int>("--entropy-samples") { Description = "Monte-Carlo samples per time of the excess entropy (regimes' default 2048).", DefaultValueFactory = _ => TimelineOptions.DefaultRegimes.EntropySamples };
        var trajectories = new Option<int>("--trajectories") { Description = "Trajectories of the mode-emergence stage (trajectories' default 64).", DefaultValueFactory = _ => TimelineOptions.DefaultModes.Trajectories };
        var modes = new Option<int>("--modes") { Description = "Top modes whose emergence times are measured.", DefaultValueFactory = _ => TimelineOptions.DefaultModes.Modes };
        var times = new Option<int>("--symmetry-times") { Description = "Times of the symmetry-breaking grid (symmetry's default 40).", DefaultValueFactory = _ => TimelineOptions.DefaultSymmetry.Times };
        var evThreshold = new Option<double>("--ev-threshold") { Description = "Explained-variance share of the Gaussian score that defines the teleport hand-over.", DefaultValueFactory = _ => 0.99 };
        var classSamples = new Option<int>("--class-samples") { Description = "Trajectories of the class-decision stage on labelled data (entropy's default 128).", DefaultValueFactory = _ => TimelineOptions.DefaultClasses.Samples };
        var evSamples = new Option<int>("--ev-samples") { Description = "Monte-Carlo samples per time of the explained variance (accelerate's default 256).", DefaultValueFactory = _ => 128 };

        var command = new Command("timeline", "The regimes of one model or dataset on one OU time axis: t_S, t_C, symmetry breaking, mode emergence, the Gaussian hand-over and (labelled data) the class decision, with error bars beside their closed forms. Reduced settings by default (each documented beside the analysis's own default).");
        common.AddTo(command);
        foreach (var o in new Option[] { model, pairs, branches, steps, entropySamples, trajectories, modes, times, evThreshold, evSamples, classSamples }) command.Options.Add(o);
        CommonOptions.AtLeast(pairs, 2); CommonOptions.AtLeast(branches, 2); CommonOptions.AtLeast(steps, 2); CommonOptions.AtLeast(entropySamples, 2);
        CommonOptions.AtLeast(trajectories, 2); CommonOptions.AtLeast(modes, 1); CommonOptions.AtLeast(times, 3); CommonOptions.AtLeast(evSamples, 8); CommonOptions.AtLeast(classSamples, 2);
        evThreshold.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v > 0 && v < 1)) r.AddError("--ev-threshold must lie in (0, 1)."); });

        OptionFlags.SetAction(command, p =>
        {
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
            long seed = p.GetValue(common.Seed);
            var options = new TimelineOptions(
                Regimes: TimelineOptions.DefaultRegimes with { Pairs = p.GetValue(pairs), BranchCount = p.GetValue(branches), Steps = p.GetValue(steps), EntropySamples = p.GetValue(entropySamples) },
                Symmetry: TimelineOptions.DefaultSymmetry with { Times = p.GetValue(times) },
                Modes: TimelineOptions.DefaultModes with { Trajectories = p.GetValue(trajectories), Modes = p.GetValue(modes), Steps = p.GetValue(steps) },
                ExplainedVarianceThreshold: p.GetValue(evThreshold), ExplainedVarianceSamples: p.GetValue(evSamples), Seed: seed,
                Classes: TimelineOptions.DefaultClasses with { Samples = p.GetValue(classSamples), Batch = p.GetValue(classSamples) });
            options.Validate();
            return Execute(request, options, common.OutputFolder(p, "timeline"), modelDir, CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Runs the timeline and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, TimelineOptions options, string outDir, string? modelDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        using var model = DenoiserChoice.Trained(modelDir, data);
        using var run = RunOutput.Create(outDir);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; score: {(model is null ? "exact empirical score" : $"model {modelDir}")}; " +
                         "stages: regimes, symmetry, modes, explained variance" + (data.Labels is null ? "" : ", class decision"));
        var result = ProgressDisplay.RunStages(report =>
            TimelineExperiment.Run(new TimelineInputs(data, truth, model, modelDir is null ? null : $"model ({modelDir})"), options, new StageProgress(report)));
        var manifest = CommandRun.Manifest("timeline", args, new { data = request, timeline = options, model = modelDir }, options.Seed, data, new()
        {
            ["regimes"] = result.Run.RegimesSeconds, ["symmetry"] = result.Run.SymmetrySeconds, ["modes"] = result.Run.ModesSeconds,
            ["explainedVariance"] = result.Run.ExplainedVarianceSeconds, ["classDecision"] = result.Run.ClassesSeconds, ["analysis"] = result.Run.TotalSeconds,
        });
        return RunSummaryPrinter.Print(output, run.Finish(new TimelineWriter(), result, manifest, clock));
    }
}
