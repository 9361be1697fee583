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
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn spectrum</c>: Jacobian spectra of the score over t and training-set sizes, the measured tangent dimension and,
/// for linear-manifold data, the predicted loss of dimensions (Achilli et al., arXiv 2410.08727).
/// </summary>
public static class SpectrumCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Build()
    {
        var common = new CommonOptions();
        var sizes = new Option<string?>("--sizes") { Description = "Training-set sizes N, comma-separated (e.g. 100,1000,10000). Linear-manifold data are regenerated with each N; other data are subsampled. Default: the data's n." };
        var points = new Option<string>("--points") { Description = "data | generated | origin: where the Jacobian is evaluated (data: noised training points e^{-t}a + sqrt(Δ_t) z; generated: noised backward-SDE samples).", DefaultValueFactory = _ => "data" };
        points.AcceptOnlyFromAmong("data", "generated", "origin");
        var count = new Option<int>("--point-count") { Description = "Points per t (the origin is one point).", DefaultValueFactory = _ => 32 };
        var times = new Option<int>("--times") { Description = "Number of OU times, log-spaced in [t-min, t-max].", DefaultValueFactory = _ => 32 };
        var tMin = new Option<double>("--t-min") { Description = "Smallest OU time.", DefaultValueFactory = _ => 1e-4 };
        var tMax = new Option<double>("--t-max") { Description = "Largest OU time.", DefaultValueFactory = _ => 2.0 };
        var gap = new Option<double>("--gap") { Description = "Gap threshold τ: normalized values ν = Δ_t σ_k(J_s) < τ count as tangent (0 < τ < 1).", DefaultValueFactory = _ => 0.5 };
        var solver = new Option<string>("--solver") { Description = "auto | dense | subspace (auto: dense up to d = --dense-limit).", DefaultValueFactory = _ => "auto" };
        solver.AcceptOnlyFromAmong("auto", "dense", "subspace");
        var denseLimit = new Option<int>("--dense-limit") { Description = "Largest d solved densely by --solver auto.", DefaultValueFactory = _ => 1024 };
        var topK = new Option<int>("--top-k") { Description = "Values tracked by the subspace solver (the smallest ν, tangent candidates).", DefaultValueFactory = _ => 32 };
        var samplerSteps = new Option<int>("--sampler-steps") { Description = "Euler–Maruyama steps from T = 5 for --points generated.", DefaultValueFactory = _ => 200 };
        var model = new Option<string?>("--model") { Description = "Trained model folders, comma-separated (diffdyn train folders, the n-* folders of a diffdyn memorization sweep, or the sweep folder itself for all of them): spectra of each network's score (autograd vector–Jacobian products along random orthonormal directions; finite differences in the subspace solver) on its own training set, one size per network." };

        var command = new Command("spectrum", "Jacobian spectra of the score vs t and training-set size: tangent dimension and the loss of dimensions (Achilli et al. 2024).");
        common.AddTo(command);
        var shard = new ShardOptions();
        shard.AddTo(command);
        foreach (var o in new Option[] { sizes, points, count, times, tMin, tMax, gap, solver, denseLimit, topK, samplerSteps, model }) command.Options.Add(o);
        CommonOptions.AtLeast(count, 1); CommonOptions.AtLeast(times, 2); CommonOptions.AtLeast(denseLimit, 1); CommonOptions.AtLeast(topK, 1); CommonOptions.AtLeast(samplerSteps, 1);
        tMin.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--t-min must be > 0."); });
        tMax.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is > 0 and <= 20)) r.AddError("--t-max must be in (0, 20]."); });
        gap.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is > 0 and < 1)) r.AddError("--gap must be in (0, 1)."); });
        sizes.Validators.Add(r => { try { ListOption.SizesOrNull(r.GetValueOrDefault<string?>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        command.Validators.Add(r =>
        {
            if (r.GetValue(tMin) is var a && r.GetValue(tMax) is var b && a > 0 && b > 0 && !(a < b)) r.AddError("--t-min must be smaller than --t-max.");
            if (r.GetValue(model) is not null && r.GetValue(sizes) is not null) r.AddError("--sizes does not apply to --model (each network has its own training set; pass one folder per size).");
        });

        OptionFlags.SetAction(command, p =>
        {
            var request = common.DataRequest(p);
            var modelDirs = ListOption.SpectrumModels(p.GetValue(model));
            bool dataGiven = DenoiserChoice.DataGiven(p, common);
            if (modelDirs is { Count: > 1 } && dataGiven)
                throw new ArgumentException("With several --model folders each network is analysed on its own training set; drop the data options.");
            if (modelDirs is [var only] && !dataGiven && !OnnxModelOptionsCli.IsOnnx(only)) request = TrainedModel.DataRequestOf(only);
            var options = new JacobianSpectrumSweepOptions(
                Points: p.GetValue(count),
                PointKind: p.GetValue(points) switch { "generated" => SpectrumPoints.Generated, "origin" => SpectrumPoints.Origin, _ => SpectrumPoints.Data },
                TMin: p.GetValue(tMin), TMax: p.GetValue(tMax), Times: p.GetValue(times), SamplerSteps: p.GetValue(samplerSteps),
                Seed: p.GetValue(common.Seed),
                Spectrum: new JacobianSpectrumOptions(GapThreshold: p.GetValue(gap),
                    Solver: p.GetValue(solver) switch { "dense" => JacobianSolver.Dense, "subspace" => JacobianSolver.Subspace, _ => JacobianSolver.Auto },
                    DenseLimit: p.GetValue(denseLimit), TopK: p.GetValue(topK), Seed: p.GetValue(common.Seed)));
            options.Validate();
            var part = shard.Resolve(p);
            bool dryRun = p.GetValue(shard.DryRun);
            if ((part is not null || dryRun) && modelDirs is not null)
                throw OptionMessage.Argument("{Shard} and --dry-run shard the --sizes sweep of the exact score; with --model, run one command per model folder.", "Shard");
            return Execute(request, ListOption.SizesOrNull(p.GetValue(sizes)), options, common.OutputFolder(p, "spectrum"), modelDirs,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output, part, dryRun);
        });
        return command;
    }


    /// <summary>
    /// Runs the sweep and writes the results folder; exceptions propagate to <see cref="CliApp"/>. With <paramref name="modelDirs"/>,
    /// one network per size: a single folder is analysed on <paramref name="request"/> (its own training set unless data options were given),
    /// several folders each on the training set stored beside it.
    /// </summary>
    /// <param name="shard">Run only this shard's sizes into the shard folder <paramref name="outDir"/> (one point file per size, for
    /// <c>diffdyn merge</c>; exact score only); null: the whole sweep.</param>
    /// <param name="dryRun">List the sizes and their shard, and stop.</param>
    public static int Execute(DataRequest request, int[]? sizes, JacobianSpectrumSweepOptions options, string outDir, IReadOnlyList<string>? modelDirs,
        string[] args, TextWriter output, Shard? shard = null, bool dryRun = false)
    {
        var clock = Stopwatch.StartNew();
        var models = new List<IDisposable>();
        try
        {
            List<SpectrumTraining> trainings;
            LinearManifoldData? manifold;
            Dataset data;
            if (modelDirs is { Count: > 1 })
                (trainings, data, manifold) = TrainedModel.SpectrumTrainings(modelDirs, models);
            else
            {
                var (all, truth) = request.LoadWithTruth();
                data = all;
                manifold = truth as LinearManifoldData;
                string? single = modelDirs?[0];
                trainings = SpectrumExperiment.TrainingSets(all, truth, sizes, request.Count is not null, request.Seed)
                    .Select(tr => single is null ? tr : tr with { Model = Own(DenoiserChoice.Trained(single, tr.Data)!) }).ToList();
            }
            var inputs = new SpectrumInputs(trainings, manifold, SpectrumExperiment.DataName(data, trainings.Count));
            SpectrumExperiment.Check(inputs, options);
            var labels = SpectrumExperiment.SizeLabels(trainings);
            if (dryRun) return ShardOptions.PrintDryRun(output, "spectrum", labels, shard);
            if (shard is not null)
            {
                var sweepManifest = SweepManifest.Of("spectrum", new { data = request, sizes, spectrum = options },
                    SweepManifest.Fingerprint(trainings.Select(t => t.Data)), labels) with { Arguments = args };
                return ShardOptions.RunShard(output, outDir, sweepManifest, shard, k => ProgressDisplay.RunStages(report =>
                    SpectrumExperiment.RunSize(inputs, k, options, new StageProgress(report))));
            }
            using var run = RunOutput.Create(outDir);
            output.WriteLine(RunHeadlines.Spectrum(data, trainings, options, modelDirs, modelDirs is [var m] && OnnxModelOptionsCli.IsOnnx(m)));
            var result = ProgressDisplay.RunStages(report => SpectrumExperiment.Run(inputs, options, new StageProgress(report)));
            var manifest = CommandRun.Manifest("spectrum", args, new { data = request, sizes, spectrum = options, models = modelDirs }, options.Seed, data, new() { ["sweep"] = result.Seconds });
            return RunSummaryPrinter.Print(output, run.Finish(new SpectrumWriter(), result, manifest, clock));
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }

        T Own<T>(T value) where T : IDisposable { models.Add(value); return value; }
    }

    /// <summary>Merges shard folders of a spectrum --sizes sweep into the folder one whole run writes (spectrum.json/.csv, figures, report).</summary>
    public static int Merge(IReadOnlyList<string> folders, string outDir, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        using var run = RunOutput.Create(outDir);
        var merged = SweepMerges.Spectrum(folders, clock);
        output.WriteLine(merged.Summary);
        var manifest = CommandRun.Manifest("spectrum", merged.Arguments.ToArray(), merged.ManifestOptions, merged.Seed, merged.Data, merged.Timings);
        return RunSummaryPrinter.Print(output, run.Finish(new SpectrumWriter(), merged.Result, manifest, clock));
    }
}
