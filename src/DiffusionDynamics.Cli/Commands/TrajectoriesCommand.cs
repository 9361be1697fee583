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
        var model = new Option<string?>("--model") { Description = "A trained model folder (from diffdyn train) to run the trajectories with; the data options default to the model's." };
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

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            string? modelDir = p.GetValue(model);
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDir is not null && !dataGiven) request = TrainedModel.DataRequestOf(modelDir);
            var options = new TrajectoriesOptions(
                Trajectories: p.GetValue(trajectories),
                Sampler: SamplerRegistry.KindOf(p.GetValue(sampler) ?? "ode-heun"),
                TMax: p.GetValue(dynamics.TMax), TMin: p.GetValue(dynamics.TMin), Steps: p.GetValue(steps), Modes: p.GetValue(modes),
                PerturbationTimes: ParseTimes(p.GetValue(perturbTimes)), PerturbationCount: p.GetValue(perturbations), Epsilon: p.GetValue(epsilon),
                Start: dynamics.StartRule(p), Batch: p.GetValue(batch), Precision: dynamics.PrecisionOf(p), Bootstrap: p.GetValue(bootstrap),
                StripTrajectories: p.GetValue(strip), Seed: p.GetValue(common.Seed));
            options.Validate();
            return Execute(request, options, p.GetValue(score) == "gaussian", modelDir, common.OutputFolder(p, "trajectories"),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    private static double[]? ParseTimes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.TryParse(s, NumberStyles.Float, Inv, out double v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"--perturb-times: '{s}' is not a finite number."))
            .ToArray();
    }

    /// <summary>Runs the analysis and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, TrajectoriesOptions options, bool gaussianScore, string? modelDir, string outDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        if (options.Modes > Math.Min(data.Dimension, data.Count - 1))
            throw new ArgumentException($"--modes {options.Modes} exceeds min(d, n − 1) = {Math.Min(data.Dimension, data.Count - 1)} for these data.");
        using var trained = modelDir is null ? null : TrainedModel.Load(modelDir, data);
        using var run = RunDirectory.Create(outDir);
        using var scope = NewDisposeScope();
        using var empirical = trained is null && !gaussianScore
            ? new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(options.Precision)) : null;
        using var gaussian = trained is null && gaussianScore ? GaussianDenoiser.FromData(data) : null;
        IDenoiser denoiser = (IDenoiser?)trained ?? (IDenoiser?)gaussian ?? empirical!;
        string scoreName = trained is not null ? $"trained model ({modelDir})"
            : gaussian is not null ? "exact score of the data's Gaussian N(m, C)" : "exact empirical score of the training set";

        var (classify, classRule, owned) = ClassRule(data, truth, options.Seed);
        using var _ = owned;
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {options.Trajectories} trajectories, {options.Sampler}, {options.Steps} steps " +
                         $"from T = {options.TMax.ToString(Inv)}; score: {scoreName}");
        var result = ProgressDisplay.RunStages(output, report =>
            ModeEmergenceAnalysis.Run(data, denoiser, options, classify, scoreName, new StageProgress(report)));

        File.WriteAllText(run.File("trajectories.json"), JsonSerializer.Serialize(new
        {
            result.Clock,
            result.Data,
            result.Score,
            classRule,
            result.Emergence,
            result.PlaneResidual,
            result.Perturbation,
            result.Run,
        }, RunManifest.JsonOptions));
        WriteCsvs(result, run);
        var figures = TrajectoryFigures.WriteAll(result, run.Staging);
        if (result.Strip is { } strip)
            Npy.Write(run.File("denoised-strip.npy"), new NpyArray(strip.Images.SelectMany(i => i).ToArray(),
                [strip.Trajectories, strip.Times.Length, .. result.Data.ItemShape]));
        var rows = SummaryRows(result, classRule);
        new RunManifest
        {
            Command = "trajectories",
            Arguments = args,
            Options = new { data = request, trajectories = options, score = scoreName, model = modelDir },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["analysis"] = result.Run.Seconds, ["total"] = clock.Elapsed.TotalSeconds },
        }.Write(run.File("manifest.json"));
        WriteReport(result, rows, figures, args, run.File("index.html"));
        run.Commit();

        SummaryTable.Print(output, "diffdyn trajectories (times in OU t)", rows);
        output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
        return 0;
    }

    /// <summary>How final samples get a class (<see cref="Analysis.ClassRule"/>): the sign of x·m for the two-cluster model, a logistic regression for labelled data, else none.</summary>
    private static (Func<Tensor, int[]>? Classify, string Description, IDisposable? Owned) ClassRule(Dataset data, SyntheticData? truth, long seed)
    {
        var rule = Analysis.ClassRule.Choose(data, truth as TwoClusterData, ClassifierKind.Logistic, seed);
        string description = rule.Classify is null ? "none (unlabelled data): only the nearest training point is compared" : rule.Description;
        return (rule.Classify, description, rule);
    }

    private static string F(double? v, string format = "F3") => SummaryTable.Number(v, format);

    /// <summary>The summary table (terminal and report).</summary>
    public static List<(string, string)> SummaryRows(TrajectoriesResult r, string classRule)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("score", r.Score),
            ("sampler", $"{r.Run.Sampler}, {r.Run.Steps} + 20 steps, T = {r.Run.TMax.ToString(Inv)} → t_min = {r.Run.TMin.ToString(Inv)}, {r.Run.Trajectories} trajectories"),
        };
        rows.Add(("emergence time of mode k", "theory ½ ln(1+λ_k) | variance rule ± SE | per-trajectory rule ± SE (Gaussian closed form)"));
        foreach (var m in r.Emergence.Modes)
            rows.Add(($"  mode {m.K + 1}, λ = {m.Lambda.ToString("G4", Inv)}",
                $"{F(m.Theory)} | {F(m.Variance)} ± {F(m.VarianceStderr)} | {F(m.TrajectoryMean)} ± {F(m.TrajectoryStderr)}" +
                (m.TheoryTrajectoryRule is double tr ? $" ({F(tr)})" : "")));
        var order = r.Emergence.Modes.Where(m => m.Variance is not null).Select(m => m.Variance!.Value).ToArray();
        int inversions = 0;
        for (int i = 0; i < order.Length; i++)
            for (int j = i + 1; j < order.Length; j++)
                if (order[j] > order[i]) inversions++;
        rows.Add(("emergence order (variance rule)", inversions == 0 ? "follows λ_k: high-variance modes first" : $"{inversions} inverted pair(s) of modes"));
        var peak = r.PlaneResidual.Curve.MaxBy(p => p.Mean)!;
        rows.Add(("max mean distance from plane{x(T), x̂₀}", $"{F(peak.Mean)} ± {F(peak.Stderr)} at t = {F(peak.T)}" +
                                                           (peak.Theory is double th ? $" (Gaussian theory {F(th)})" : "")));
        var pca = r.PlaneResidual.Pca;
        rows.Add(("variance share of top 1 / 2 / 3 PCs of a trajectory", $"{pca.Top1.ToString("P1", Inv)} / {pca.Top2.ToString("P1", Inv)} / {pca.Top3.ToString("P1", Inv)}"));
        if (r.Perturbation.Curve.Count > 0)
        {
            var early = r.Perturbation.Curve.MaxBy(p => p.T)!;
            var late = r.Perturbation.Curve.MinBy(p => p.T)!;
            rows.Add(($"|x̂₀′ − x̂₀| for ε = {r.Perturbation.Epsilon.ToString("G3", Inv)} at t_p = {F(early.T, "G3")} | {F(late.T, "G3")}",
                $"{F(early.MeanChange)} ± {F(early.Stderr)} | {F(late.MeanChange)} ± {F(late.Stderr)}"));
            if (early.ClassChangeRate is not null)
                rows.Add(($"class changed at t_p = {F(early.T, "G3")} | {F(late.T, "G3")}",
                    $"{early.ClassChangeRate.Value.ToString("P1", Inv)} | {late.ClassChangeRate!.Value.ToString("P1", Inv)}"));
            rows.Add(($"nearest training point changed at t_p = {F(early.T, "G3")} | {F(late.T, "G3")}",
                $"{early.NearestChangeRate.ToString("P1", Inv)} | {late.NearestChangeRate.ToString("P1", Inv)}"));
        }
        rows.Add(("classes", classRule));
        rows.Add(("time", $"{r.Run.Seconds:F1} s"));
        return rows;
    }

    private static void WriteCsvs(TrajectoriesResult r, RunDirectory run)
    {
        Csv.WriteTable(run.File("trajectories.csv"), ["k", "lambda", "theory", "theoryVarianceRule", "theoryTrajectoryRule", "varianceRule", "varianceStderr", "trajectoryMean", "trajectoryStderr"],
            r.Emergence.Modes.Select(m => new[] { m.K, m.Lambda, m.Theory, m.TheoryVarianceRule, m.TheoryTrajectoryRule ?? double.NaN,
                m.Variance ?? double.NaN, m.VarianceStderr ?? double.NaN, m.TrajectoryMean ?? double.NaN, m.TrajectoryStderr ?? double.NaN }));
        Csv.WriteTable(run.File("plane-residual.csv"), ["t", "mean", "stderr", "theory"],
            r.PlaneResidual.Curve.Select(p => new[] { p.T, p.Mean, p.Stderr, p.Theory ?? double.NaN }));
        Csv.WriteTable(run.File("perturbation.csv"), ["t", "meanChange", "stderr", "rmsChange", "theoryGaussianRms", "classChangeRate", "classStderr", "nearestChangeRate", "nearestStderr"],
            r.Perturbation.Curve.Select(p => new[] { p.T, p.MeanChange, p.Stderr, p.RmsChange, p.TheoryGaussianRms ?? double.NaN,
                p.ClassChangeRate ?? double.NaN, p.ClassStderr ?? double.NaN, p.NearestChangeRate, p.NearestStderr }));
        var header = new List<string> { "t" };
        foreach (var c in r.Emergence.Curves) header.AddRange([$"ratio{c.K}", $"theoryRatio{c.K}", $"varianceRatio{c.K}", $"theoryVarianceRatio{c.K}"]);
        Csv.WriteTable(run.File("mode-curves.csv"), header.ToArray(), r.Emergence.Times.Select((t, s) =>
            new[] { t }.Concat(r.Emergence.Curves.SelectMany(c => new[] { c.Ratio[s], c.TheoryRatio[s], c.VarianceRatio[s], c.TheoryVarianceRatio[s] })).ToArray()));
    }

    private static void WriteReport(TrajectoriesResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption, bool HasSvg)> figures, string[] args, string path)
    {
        var report = new HtmlReport("diffdyn trajectories — outline first, details later")
            .Code("diffdyn trajectories " + string.Join(' ', args))
            .Paragraph("Wang & Vastola (arXiv 2303.02490; Gaussian theory arXiv 2311.10892): generative trajectories are low-dimensional, and mode k of the " +
                       "data covariance (eigenvalue λ_k) is decided around e^{-2t} λ_k = Δ_t, i.e. t = ½ ln(1 + λ_k): high-variance features emerge first; " +
                       "early perturbations change the outcome more than late ones. All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z. " +
                       $"Score: {r.Score}. c_k(t) = u_kᵀ(D(x(t), t) − m). Per-trajectory rule: {r.Emergence.Rule}. Variance rule: {r.Emergence.VarianceRule}. " +
                       "For Gaussian data the variance rule is ½ ln(1 + λ_k) exactly (T → ∞, t_end → 0); the per-trajectory rule is ½ ln(1 + 3λ_k) under the PF-ODE.")
            .Heading("Summary")
            .Table(["quantity", "value"], rows.Select(x => (IReadOnlyList<string>)new[] { x.Item1, x.Item2 }))
            .Paragraph($"Perturbations: {r.Perturbation.Continuation}; directions uniform on the sphere, one stream per trajectory.");
        report.Heading("Figures");
        foreach (var (file, caption, hasSvg) in figures) report.Figure(file, caption, hasSvg);
        var files = new List<(string, string)>
        {
            ("trajectories.json", "every number of this page (OU times)"),
            ("trajectories.csv", "emergence times per mode: theory and both rules"),
            ("mode-curves.csv", "c_k(t)/c_k(t_end) and variance ratios per grid time, with the Gaussian theory"),
            ("plane-residual.csv", "distance from the plane of x(T) and x̂₀ per grid time"),
            ("perturbation.csv", "perturbation response per t_p"),
            ("manifest.json", "command, options, seed, version, runtime, timings"),
        };
        if (r.Strip is not null) files.Add(("denoised-strip.npy", "D(x(t), t) of the strip, float32 [trajectories, times, item shape]"));
        report.Heading("Files").Links(files);
        report.Write(path);
    }
}
