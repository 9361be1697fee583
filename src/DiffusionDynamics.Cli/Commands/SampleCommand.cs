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
/// <c>diffdyn sample</c>: generate with the exact empirical score of a training set, then look for copies
/// (nearest/second-nearest ratio &lt; 1/3). Writes samples, neighbours, figures, a manifest and index.html.
/// </summary>
public static class SampleCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var samples = new Option<int>("--samples") { Description = "Number of samples to generate.", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Grid steps from T to t_min (see --grid; the uniform grid adds 20 log-spaced tail steps; ≤ 999 for ddpm).", DefaultValueFactory = _ => 200 };
        var sampler = new Option<string>("--sampler")
        {
            Description = "sde (Euler–Maruyama) | ode-euler | ode-heun (2 NFE/step) | ddim (η = 0) | ddpm (ancestral, stochastic) | dpm2m (DPM-Solver++(2M)).",
            DefaultValueFactory = _ => "sde",
        };
        sampler.AcceptOnlyFromAmong(SamplerRegistry.Tokens.ToArray());
        var gridKind = new Option<string>("--grid")
        {
            Description = "uniform: uniform in t to min(0.2, T/2), then 20 log-spaced steps | log-snr: uniform in log-SNR | " +
                          "ddpm: the DDPM linear table (K = 1000) at --steps evenly spaced steps, T ≈ 5.06, t_min ≈ 5e-5 (--t-max/--t-min do not apply).",
            DefaultValueFactory = _ => "uniform",
        };
        gridKind.AcceptOnlyFromAmong("uniform", "log-snr", "ddpm");
        var model = DenoiserChoice.ModelOption("to sample with instead of the exact empirical score; the data options default to the model's.");
        var batch = new Option<int>("--batch") { Description = "Samples per batch (results do not depend on it).", DefaultValueFactory = _ => 256 };

        var command = new Command("sample", "Generate samples from a dataset with its exact empirical score and check them for copies of training points.");
        common.AddTo(command);
        var dynamics = new DynamicsOptions(gaussianStarts: true);
        dynamics.AddTo(command);
        var eta = new Option<double>("--eta") { Description = "DDIM's η in [0, 1] (with --sampler ddim): 0 deterministic, 1 the DDPM posterior noise per step.", DefaultValueFactory = _ => 0.0 };
        eta.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is >= 0 and <= 1)) r.AddError("--eta must lie in [0, 1]."); });
        foreach (var o in new Option[] { samples, steps, sampler, gridKind, batch, model, eta }) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            if (r.GetValue(eta) > 0 && (r.GetValue(sampler) ?? "sde") != "ddim") r.AddError("--eta applies to --sampler ddim only.");
        });
        CommonOptions.AtLeast(samples, 1);
        CommonOptions.AtLeast(steps, 1);
        CommonOptions.AtLeast(batch, 1);

        OptionFlags.SetAction(command, p =>
        {
            var output = p.InvocationConfiguration.Output;
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
            var options = new SampleOptions(
                Samples: p.GetValue(samples),
                Sampler: SamplerRegistry.KindOf(p.GetValue(sampler) ?? "sde"),
                TMax: p.GetValue(dynamics.TMax),
                TMin: p.GetValue(dynamics.TMin),
                Steps: p.GetValue(steps),
                Start: dynamics.StartOptionsOf(p),
                Batch: p.GetValue(batch),
                Precision: dynamics.PrecisionOf(p), PruneTolerance: dynamics.PruneToleranceOf(p),
                Seed: p.GetValue(common.Seed),
                GridKind: p.GetValue(gridKind) switch { "log-snr" => SamplingGrid.LogSnr, "ddpm" => SamplingGrid.DdpmLinear, _ => SamplingGrid.UniformWithLogTail },
                DdimEta: p.GetValue(eta));
            options.Validate();
            string outDir = common.OutputFolder(p, "sample");
            return Execute(request, options, outDir, CommonOptions.Arguments(p), output, modelDir);
        });
        return command;
    }

    /// <summary>Runs the whole command; exceptions propagate (the caller maps them to exit codes).</summary>
    public static int Execute(DataRequest request, SampleOptions options, string outDir, string[] args, TextWriter output, string? modelDir = null)
    {
        var clock = Stopwatch.StartNew();
        var data = request.Load();
        double loadSeconds = clock.Elapsed.TotalSeconds;
        using var run = RunOutput.Create(outDir);
        output.WriteLine(SampleWriter.Header(data, options));
        long total = (long)Math.Ceiling(options.Samples / (double)options.Batch) * options.SamplerGrid().Steps;
        using var model = DenoiserChoice.Trained(modelDir, data);
        var result = ProgressDisplay.Run("sampling", total, progress => SampleExperiment.Run(data, options, progress, model: model));
        var manifest = CommandRun.Manifest("sample", args, new { data = request, sampling = options }, options.Seed, data, new() { ["load"] = loadSeconds, ["gaussianFit"] = result.GaussianFitSeconds, ["sampling"] = result.SamplingSeconds });
        return RunSummaryPrinter.Print(output, run.Finish(new SampleWriter(), new SampleReport(result, data, options, modelDir), manifest, clock));
    }
}
