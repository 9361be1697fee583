using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using TorchSharp;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn accelerate</c>: sample quality (Fréchet distance to held-out data) against the number of denoiser
/// evaluations, per sampler, with and without analytical teleportation and Gaussian late start (GSA arXiv 2412.09726,
/// HLS arXiv 2311.10892, SSB arXiv 2305.19693), and the fraction of steps they save at equal quality.
/// </summary>
public static class AccelerateCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Build()
    {
        var common = new CommonOptions();
        var dynamics = new DynamicsOptions();
        var samplers = new Option<string>("--samplers") { Description = $"Samplers, comma-separated: {string.Join(" | ", SamplerRegistry.Tokens)}.", DefaultValueFactory = _ => "sde,ddim,dpm2m" };
        var nfe = new Option<string>("--nfe") { Description = "Budgets N (denoiser evaluations per sample, final denoise included), comma-separated, each ≥ 3.", DefaultValueFactory = _ => "5,10,20,50,100" };
        var accelerations = new Option<string>("--accelerations") { Description = "Shortcuts run beside the baseline: teleport,late-start | teleport | late-start | none.", DefaultValueFactory = _ => "teleport,late-start" };
        var tSkip = new Option<double?>("--t-skip") { Description = "OU time where teleport / late start hand over to the sampler (default: by --t-skip-rule)." };
        var skipRule = new Option<string>("--t-skip-rule") { Description = "emergence: t_skip = ½ ln(1 + λ_max), the emergence time of the top mode | ev: smallest t above which the Gaussian score explains ≥ --ev-threshold of the score's variance.", DefaultValueFactory = _ => "emergence" };
        skipRule.AcceptOnlyFromAmong("emergence", "ev");
        var evThreshold = new Option<double>("--ev-threshold") { Description = "Explained-variance threshold of the ev rule, in (0, 1).", DefaultValueFactory = _ => 0.99 };
        var sampleCount = new Option<int>("--samples") { Description = "Generated samples per (sampler, start, NFE).", DefaultValueFactory = _ => 500 };
        var features = new Option<string>("--features") { Description = "Feature space of the FD: pca:K (top K principal components of the reference set) | cnn (CNN penultimate layer; labelled images) | identity.", DefaultValueFactory = _ => "pca:32" };
        var grid = new Option<string>("--grid") { Description = "Time grid: log-snr | karras | uniform.", DefaultValueFactory = _ => "log-snr" };
        grid.AcceptOnlyFromAmong("log-snr", "karras", "uniform");
        var score = new Option<string>("--score") { Description = "empirical (exact empirical score of the training set) | analytic (exact population score: two-cluster, gaussian data).", DefaultValueFactory = _ => "empirical" };
        score.AcceptOnlyFromAmong("empirical", "analytic");
        var model = DenoiserChoice.ModelOption("to sample with; the data options default to the model's.");
        var reference = new Option<string?>("--reference") { Description = "Held-out reference data (a --data spec); default builtin:test for builtin, fresh draws for synthetic data." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the FD standard error (0 or ≥ 2).", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch") { Description = "Samples per batch (results do not depend on it).", DefaultValueFactory = _ => 256 };

        var command = new Command("accelerate", "Sample quality (Fréchet distance to held-out data) against denoiser evaluations, with and without Gaussian teleportation / late start, and the steps they save.");
        common.AddTo(command);
        var shard = new ShardOptions();
        shard.AddTo(command);
        dynamics.AddTo(command);
        foreach (var o in new Option[] { samplers, nfe, accelerations, tSkip, skipRule, evThreshold, sampleCount, features, grid, score, model, reference, bootstrap, batch })
            command.Options.Add(o);
        samplers.Validators.Add(r => { try { ListOption.Samplers(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        nfe.Validators.Add(r => { try { ListOption.Budgets(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        accelerations.Validators.Add(r => { try { ListOption.Accelerations(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        features.Validators.Add(r => { try { FeatureSpaceOptions.Parse(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        tSkip.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is double v && (!double.IsFinite(v) || v <= 0)) r.AddError("--t-skip must be finite and > 0."); });
        evThreshold.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v > 0 && v < 1)) r.AddError("--ev-threshold must lie in (0, 1)."); });
        CommonOptions.AtLeast(sampleCount, 2);
        bootstrap.Validators.Add(r => { int v = r.GetValueOrDefault<int>(); if (v < 0 || v == 1) r.AddError("--bootstrap must be 0 or ≥ 2."); });
        CommonOptions.AtLeast(batch, 1);

        OptionFlags.SetAction(command, p =>
        {
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
            if (modelDir is not null && p.GetValue(score) == "analytic") throw new ArgumentException("--model and --score analytic exclude each other.");
            var options = new AccelerateOptions
            {
                Samplers = ListOption.Samplers(p.GetValue(samplers)!),
                Accelerations = ListOption.Accelerations(p.GetValue(accelerations)!),
                Nfe = ListOption.Budgets(p.GetValue(nfe)!),
                TSkip = p.GetValue(tSkip),
                SkipRule = p.GetValue(skipRule) == "ev" ? SkipRule.ExplainedVariance : SkipRule.Emergence,
                ExplainedVarianceThreshold = p.GetValue(evThreshold),
                Samples = p.GetValue(sampleCount),
                Features = FeatureSpaceOptions.Parse(p.GetValue(features)!),
                Grid = p.GetValue(grid) switch { "karras" => AccelerationGrid.Karras, "uniform" => AccelerationGrid.Uniform, _ => AccelerationGrid.LogSnr },
                TMax = p.GetValue(dynamics.TMax),
                TMin = p.GetValue(dynamics.TMin),
                BaseStart = dynamics.StartRule(p),
                Bootstrap = p.GetValue(bootstrap),
                Batch = p.GetValue(batch),
                Precision = dynamics.PrecisionOf(p),
                PruneTolerance = dynamics.PruneToleranceOf(p),
                Seed = p.GetValue(common.Seed),
            };
            options.Validate();
            return Execute(request, options, common.OutputFolder(p, "accelerate"), p.GetValue(reference), p.GetValue(score) == "analytic", modelDir,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output, shard.Resolve(p), p.GetValue(shard.DryRun));
        });
        return command;
    }

    /// <summary>
    /// Runs the sweep and writes the results folder; exceptions propagate to <see cref="CliApp"/>. With <paramref name="shard"/>, runs only that
    /// shard's cells (sampler × start × budget, <see cref="AccelerateExperiment.Cells"/>) into the shard folder <paramref name="outDir"/> for
    /// <c>diffdyn merge</c>; every shard computes the shared setup (t_skip, features, FD floor) itself, deterministically.
    /// </summary>
    public static int Execute(DataRequest request, AccelerateOptions options, string outDir, string? referenceSpec, bool analytic,
        string? modelDir, string[] args, TextWriter output, Shard? shard = null, bool dryRun = false)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        var reference = AccelerationReference.Resolve(request, referenceSpec, Math.Max(1000, options.Samples));
        AccelerateExperiment.CheckInputs(data, reference, options);
        using var trained = DenoiserChoice.Trained(modelDir, data);
        using var exact = analytic ? DenoiserChoice.Analytic(truth, data) : null;
        IDenoiser? score = trained ?? exact as IDenoiser;
        string scoreName = RunHeadlines.AccelerateScore(trained is null ? null : modelDir, analytic ? DenoiserChoice.TruthName(truth) : null);
        var labels = AccelerateExperiment.CellLabels(options);
        if (dryRun) return ShardOptions.PrintDryRun(output, "accelerate", labels, shard);
        if (shard is not null)
        {
            var sweepManifest = SweepManifest.Of("accelerate", new { data = request, reference = referenceSpec ?? "auto", score = scoreName, accelerate = options },
                SweepManifest.Fingerprint([data, reference]), labels) with { Arguments = args };
            AccelerateSetup? setup = null;
            try
            {
                return ShardOptions.RunShard(output, outDir, sweepManifest, shard, k =>
                {
                    setup ??= ProgressDisplay.RunStages(report => AccelerateExperiment.Prepare(data, reference, options, score, new StageProgress(report)));
                    var cell = ProgressDisplay.Run(labels[k], AccelerateExperiment.CellWork(options, k), progress => AccelerateExperiment.RunCell(setup, k, progress));
                    return new AcceleratePoint(cell, cell.Preview, setup.Shared);
                });
            }
            finally
            {
                setup?.Dispose();
            }
        }
        using var run = RunOutput.Create(outDir);
        output.WriteLine(RunHeadlines.Accelerate(data, reference, scoreName, options));
        var result = ProgressDisplay.RunStages(report =>
            AccelerateExperiment.Run(data, reference, options, score, scoreName, new StageProgress(report)));

        var manifest = CommandRun.Manifest("accelerate", args, new { data = request, reference = referenceSpec ?? "auto", score = scoreName, accelerate = options },
            options.Seed, data, AccelerateExperiment.Timings(result));
        return RunSummaryPrinter.Print(output, run.Finish(new AccelerateWriter(), result, manifest, clock));
    }

    /// <summary>Merges shard folders of an accelerate sweep into the folder one whole run writes (accelerate.json/.csv, figures, report).</summary>
    public static int Merge(IReadOnlyList<string> folders, string outDir, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        using var run = RunOutput.Create(outDir);
        var merged = SweepMerges.Accelerate(folders, clock);
        output.WriteLine(merged.Summary);
        var manifest = CommandRun.Manifest("accelerate", merged.Arguments.ToArray(), merged.ManifestOptions, merged.Seed, merged.Data, merged.Timings);
        return RunSummaryPrinter.Print(output, run.Finish(new AccelerateWriter(), merged.Result, manifest, clock));
    }
}
