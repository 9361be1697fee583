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
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>CLI names of the samplers.</summary>
    public static IReadOnlyDictionary<string, SamplerKind> SamplerNames { get; } = new Dictionary<string, SamplerKind>
    {
        ["sde"] = SamplerKind.EulerMaruyama,
        ["ode-euler"] = SamplerKind.OdeEuler,
        ["ode-heun"] = SamplerKind.OdeHeun,
        ["ddim"] = SamplerKind.Ddim,
        ["ddpm"] = SamplerKind.DdpmAncestral,
        ["dpm2m"] = SamplerKind.DpmSolver2M,
    };

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
        sampler.AcceptOnlyFromAmong(SamplerNames.Keys.ToArray());
        var gridKind = new Option<string>("--grid")
        {
            Description = "uniform: uniform in t to min(0.2, T/2), then 20 log-spaced steps | log-snr: uniform in log-SNR | " +
                          "ddpm: the DDPM linear table (K = 1000) at --steps evenly spaced steps, T ≈ 5.06, t_min ≈ 5e-5 (--t-max/--t-min do not apply).",
            DefaultValueFactory = _ => "uniform",
        };
        gridKind.AcceptOnlyFromAmong("uniform", "log-snr", "ddpm");
        var model = new Option<string?>("--model") { Description = "A trained model folder (from diffdyn train) to sample with instead of the exact empirical score; the data options default to the model's." };
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

        command.SetAction(p =>
        {
            var output = p.InvocationConfiguration.Output;
            var request = common.DataRequest(p);
            string? modelDir = p.GetValue(model);
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDir is not null && !dataGiven) request = TrainedModel.DataRequestOf(modelDir);
            var options = new SamplingRunOptions(
                Samples: p.GetValue(samples),
                Sampler: SamplerNames[p.GetValue(sampler) ?? "sde"],
                TMax: p.GetValue(dynamics.TMax),
                TMin: p.GetValue(dynamics.TMin),
                Steps: p.GetValue(steps),
                Start: dynamics.StartOptionsOf(p),
                Batch: p.GetValue(batch),
                Precision: dynamics.PrecisionOf(p),
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
    public static int Execute(DataRequest request, SamplingRunOptions options, string outDir, string[] args, TextWriter output, string? modelDir = null)
    {
        var clock = Stopwatch.StartNew();
        var data = request.Load();
        double loadSeconds = clock.Elapsed.TotalSeconds;
        using var run = RunDirectory.Create(outDir);
        var samplerGrid = options.SamplerGrid();
        var start = options.StartRule;
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {options.Samples} samples, {samplerGrid.Steps} {options.Sampler} steps from t = {samplerGrid.Start.ToString("G4", Inv)} to t_min = {samplerGrid.End.ToString("G4", Inv)} (start: {StartText(start, options.FullGrid().Start)})");
        long total = (long)Math.Ceiling(options.Samples / (double)options.Batch) * samplerGrid.Steps;
        using var model = modelDir is null ? null : TrainedModel.Load(modelDir, data);
        var result = ProgressDisplay.Run(output, "sampling", total, progress => SamplingRun.Execute(data, options, progress, model: model));

        // Results on disk.
        var shape = new[] { result.Count }.Concat(data.ItemShape).ToArray();
        Npy.Write(run.File("samples.npy"), result.Samples, shape);
        var nn = result.Neighbours;
        var ratios = nn.Ratios;
        var memorized = nn.Memorized();
        Csv.WriteTable(run.File("nearest.csv"), ["sample", "nearest", "distance1", "second", "distance2", "ratio", "memorized"],
            Enumerable.Range(0, result.Count).Select(i => new double[] { i, nn.Nearest[i], nn.NearestDistance[i], nn.SecondNearest[i], nn.SecondDistance[i], ratios[i], memorized[i] ? 1 : 0 }));
        var summary = new
        {
            clock = "OU time t",
            data = new { name = data.Name, n = data.Count, d = data.Dimension, itemShape = data.ItemShape, preprocessing = data.Preprocessing },
            sampler = new
            {
                kind = options.Sampler.ToString(), grid = samplerGrid.Name, tMax = options.TMax, tMin = options.TMin, steps = options.Steps, stepsRun = samplerGrid.Steps,
                samplerStart = samplerGrid.Start, start = start.Kind.ToString(), tSkip = start.TimeSkip, nfe = result.DenoiserEvaluations,
                precision = options.Precision.ToString(), ddimEta = options.DdimEta,
            },
            samples = result.Count,
            memorizedFraction = result.MemorizedFraction,
            meanNearestDistance = nn.NearestDistance.Average(),
            medianRatio = Median(ratios),
            samplingSeconds = result.SamplingSeconds,
            gaussianFitSeconds = result.GaussianFitSeconds,
        };
        File.WriteAllText(run.File("sample.json"), JsonSerializer.Serialize(summary, RunManifest.JsonOptions));

        var figures = new List<(string File, string Caption)>();
        if (data.IsImage)
            figures.Add((SampleFigures.SamplesBesideNearest(result, data, run.Staging),
                "Generated samples (left of each pair) beside their nearest training image (right)."));
        else
            figures.Add((SampleFigures.Scatter(result, data, run.Staging), "Training points and generated samples (first two coordinates)."));
        figures.Add((SampleFigures.RatioHistogram(result, run.Staging),
            "Nearest/second-nearest training distance ratio; below 1/3 a sample counts as a copy (Biroli et al. 2024)."));

        var rows = new List<(string, string)>
        {
            ("data", data.Name),
            ("training points n", data.Count.ToString(Inv)),
            ("dimension d", data.Dimension.ToString(Inv)),
            ("score", modelDir is null ? "exact empirical score" : $"trained model {modelDir}"),
            ("sampler", $"{options.Sampler}{(options.DdimEta > 0 ? $" (η = {options.DdimEta.ToString("G3", Inv)})" : "")}, {samplerGrid.Steps} steps run, t = {samplerGrid.Start.ToString("G4", Inv)} → t_min = {samplerGrid.End.ToString("G4", Inv)} (OU)"),
            ("grid", samplerGrid.Name),
            ("start", StartText(start, options.FullGrid().Start)),
            ("denoiser evaluations per sample (NFE)", result.DenoiserEvaluations.ToString(Inv)),
            ("samples", result.Count.ToString(Inv)),
            ("memorized share (d₁/d₂ < 1/3)", result.MemorizedFraction.ToString("P1", Inv)),
            ("median d₁/d₂", Median(ratios).ToString("F3", Inv)),
            ("sampling time", $"{result.SamplingSeconds:F1} s" + (start.UsesGaussian ? $" (+ {result.GaussianFitSeconds:F1} s fitting the data's Gaussian once)" : "")),
        };
        var manifest = new RunManifest
        {
            Command = "sample",
            Arguments = args,
            Options = new { data = request, sampling = options },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["load"] = loadSeconds, ["gaussianFit"] = result.GaussianFitSeconds, ["sampling"] = result.SamplingSeconds, ["total"] = clock.Elapsed.TotalSeconds },
        };
        manifest.Write(run.File("manifest.json"));
        var report = new HtmlReport("diffdyn sample — generation with the exact empirical score")
            .Code("diffdyn sample " + string.Join(' ', args))
            .Summary(rows);
        report.Heading("Figures");
        foreach (var (file, caption) in figures) report.Figure(file, caption, hasSvg: File.Exists(run.File(Path.ChangeExtension(file, ".svg"))));
        report.Heading("Files").Links([
            ("samples.npy", "generated samples, float32, shape [S, item shape]"),
            ("nearest.csv", "nearest and second-nearest training points and distances per sample"),
            ("sample.json", "summary numbers"),
            ("manifest.json", "command, options, seed, version, runtime, timings"),
        ]);
        report.Paragraph("Times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.");
        report.Write(run.File("index.html"));
        run.Commit();

        SummaryTable.Print(output, "diffdyn sample", rows);
        output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
        return 0;
    }

    private static string StartText(Sampling.StartOptions start, double T) => start.Kind switch
    {
        Sampling.StartKind.Noise => $"x(T) ~ N(0, I) at T = {T.ToString("G4", Inv)}",
        Sampling.StartKind.ForwardMarginal => $"exact draw from P_T of the data at T = {T.ToString("G4", Inv)}",
        Sampling.StartKind.Teleport => $"teleport: N(0, I) at T = {T.ToString("G4", Inv)}, Gaussian PF-ODE jump to t_skip = {start.TimeSkip!.Value.ToString(Inv)}",
        _ => $"Gaussian late start: x(t_skip) ~ N(e^-t m, e^-2t C + Δ I) at t_skip = {start.TimeSkip!.Value.ToString(Inv)}",
    };

    private static double Median(double[] values)
    {
        var finite = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (finite.Length == 0) return double.NaN;
        return finite.Length % 2 == 1 ? finite[finite.Length / 2] : 0.5 * (finite[finite.Length / 2 - 1] + finite[finite.Length / 2]);
    }
}
