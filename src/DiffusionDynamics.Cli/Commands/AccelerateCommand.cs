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

    private static IReadOnlyDictionary<string, SamplerKind> SamplerNames => SampleCommand.SamplerNames;

    private static readonly Dictionary<string, AccelerationStart> AccelerationNames = new()
    {
        ["teleport"] = AccelerationStart.Teleport,
        ["late-start"] = AccelerationStart.GaussianLateStart,
    };

    public static Command Build()
    {
        var common = new CommonOptions();
        var dynamics = new DynamicsOptions();
        var samplers = new Option<string>("--samplers") { Description = $"Samplers, comma-separated: {string.Join(" | ", SamplerNames.Keys)}.", DefaultValueFactory = _ => "sde,ddim,dpm2m" };
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
        var model = new Option<string?>("--model") { Description = "A trained model folder (from diffdyn train) to sample with; the data options default to the model's." };
        var reference = new Option<string?>("--reference") { Description = "Held-out reference data (a --data spec); default builtin:test for builtin, fresh draws for synthetic data." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the FD standard error (0 or ≥ 2).", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch") { Description = "Samples per batch (results do not depend on it).", DefaultValueFactory = _ => 256 };

        var command = new Command("accelerate", "Sample quality (Fréchet distance to held-out data) against denoiser evaluations, with and without Gaussian teleportation / late start, and the steps they save.");
        common.AddTo(command);
        dynamics.AddTo(command);
        foreach (var o in new Option[] { samplers, nfe, accelerations, tSkip, skipRule, evThreshold, sampleCount, features, grid, score, model, reference, bootstrap, batch })
            command.Options.Add(o);
        samplers.Validators.Add(r => { try { ParseSamplers(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        nfe.Validators.Add(r => { try { ParseNfe(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        accelerations.Validators.Add(r => { try { ParseAccelerations(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        features.Validators.Add(r => { try { FeatureSpaceOptions.Parse(r.GetValueOrDefault<string>()); } catch (ArgumentException e) { r.AddError(e.Message); } });
        tSkip.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is double v && (!double.IsFinite(v) || v <= 0)) r.AddError("--t-skip must be finite and > 0."); });
        evThreshold.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v > 0 && v < 1)) r.AddError("--ev-threshold must lie in (0, 1)."); });
        CommonOptions.AtLeast(sampleCount, 2);
        bootstrap.Validators.Add(r => { int v = r.GetValueOrDefault<int>(); if (v < 0 || v == 1) r.AddError("--bootstrap must be 0 or ≥ 2."); });
        CommonOptions.AtLeast(batch, 1);

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            string? modelDir = p.GetValue(model);
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDir is not null && !dataGiven) request = TrainedModel.DataRequestOf(modelDir);
            if (modelDir is not null && p.GetValue(score) == "analytic") throw new ArgumentException("--model and --score analytic exclude each other.");
            var options = new AccelerationOptions
            {
                Samplers = ParseSamplers(p.GetValue(samplers)!),
                Accelerations = ParseAccelerations(p.GetValue(accelerations)!),
                Nfe = ParseNfe(p.GetValue(nfe)!),
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
                Seed = p.GetValue(common.Seed),
            };
            options.Validate();
            return Execute(request, options, common.OutputFolder(p, "accelerate"), p.GetValue(reference), p.GetValue(score) == "analytic", modelDir,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Runs the sweep and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, AccelerationOptions options, string outDir, string? referenceSpec, bool analytic,
        string? modelDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        var reference = AccelerationReference.Resolve(request, referenceSpec, Math.Max(1000, options.Samples));
        if (reference.Dimension != data.Dimension)
            throw new ArgumentException($"The reference set ({reference.Name}) has d = {reference.Dimension}, the data d = {data.Dimension}.");
        if (options.Features.Kind == FeatureSpaceKind.Cnn && (!data.IsImage || data.Labels is null))
            throw new ArgumentException($"--features cnn needs labelled image data; {data.Name} is {(data.IsImage ? "unlabelled" : "not image data")} (use pca:K or identity).");
        using var trained = modelDir is null ? null : TrainedModel.Load(modelDir, data);
        using var exact = analytic ? AnalyticScore(truth, data) : null;
        IDenoiser? score = trained ?? exact as IDenoiser;
        string scoreName = trained is not null ? $"trained model {modelDir}" : analytic ? $"exact analytic score of the {TruthName(truth)} population" : "exact empirical score";
        using var run = RunDirectory.Create(outDir);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; reference {reference.Name} (n = {reference.Count}); {scoreName}; " +
                         $"samplers {string.Join(", ", options.Samplers)}; NFE {string.Join(", ", options.Nfe)}; {options.Samples} samples each");
        var result = ProgressDisplay.RunStages(output, report =>
            AccelerationSweep.Run(data, reference, options, score, scoreName, new StageProgress(report)));

        File.WriteAllText(run.File("accelerate.json"), JsonSerializer.Serialize(result, RunManifest.JsonOptions));
        WriteCsv(result, run.File("accelerate.csv"));
        var figures = AccelerationFigures.WriteAll(result, run.Staging);
        var rows = SummaryRows(result);
        new RunManifest
        {
            Command = "accelerate",
            Arguments = args,
            Options = new { data = request, reference = referenceSpec ?? "auto", score = scoreName, accelerate = options },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new()
            {
                ["tSkip"] = result.Run.SkipSeconds, ["features"] = result.Run.FeatureSeconds, ["sampling"] = result.Run.SamplingSeconds,
                ["analysis"] = result.Run.TotalSeconds, ["total"] = clock.Elapsed.TotalSeconds,
            },
        }.Write(run.File("manifest.json"));
        WriteReport(result, rows, figures, args, run.File("index.html"));
        run.Commit();

        SummaryTable.Print(output, "diffdyn accelerate (times in OU t)", rows);
        output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
        return 0;
    }

    /// <summary>The summary table (terminal and report).</summary>
    public static List<(string, string)> SummaryRows(AccelerationResult r)
    {
        var f = r.Floor;
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("reference (held out)", $"{r.Data.Reference} (n = {r.Data.ReferenceN})"),
            ("denoiser", r.Denoiser),
            ("features", $"{r.Features} (k = {r.FeatureDimension})"),
            ("grid", $"{r.Run.Grid}, T = {F(r.Run.TMax, "G4")} → t_min = {F(r.Run.TMin, "G4")}, start {r.Run.BaseStart}"),
            ("t_skip", $"{F(r.TSkip.Value)} ({r.TSkip.Rule}; {100 * r.TSkip.LogSnrFraction:F0} % of the log-SNR range)"),
            ("FD floor (perfect sampler)", $"{F(f.Fd, "G4")} ± {F(f.Sd, "G3")} (sd, {f.Subsets} training subsets of {f.SubsetSize}); Gaussian theory {F(f.GaussianTheory, "G4")}"),
        };
        foreach (var sampler in r.Runs.Select(x => x.Sampler).Distinct())
            foreach (var start in r.Runs.Select(x => x.Start).Distinct())
            {
                var cells = r.Runs.Where(x => x.Sampler == sampler && x.Start == start).OrderBy(x => x.Nfe)
                    .Select(x => $"{x.Nfe}: {F(x.Fd, "G3")}±{F(x.FdStderr, "G2")}");
                rows.Add(($"FD {AccelerationFigures.SamplerName(sampler)}, {AccelerationFigures.StartName(start)}", string.Join("  ", cells)));
            }
        foreach (var s in r.StepsSaved)
        {
            string points = string.Join(", ", s.Points.Select(p => p.Saved is double v ? $"{p.BaselineNfe}: {Bound(p.Kind)}{100 * v:F0}%" : $"{p.BaselineNfe}: at floor"));
            rows.Add(($"steps saved {AccelerationFigures.SamplerName(s.Sampler)}, {AccelerationFigures.StartName(s.Start)}",
                $"median {(s.Median is double m ? $"{100 * m:F0} %" : "— (no crossing)")} ({points})"));
        }
        double memorized = r.Runs.Where(x => x.Start == AccelerationStart.Baseline).Select(x => x.MemorizedFraction).DefaultIfEmpty(double.NaN).Max();
        rows.Add(("memorized share, baseline (max over runs)", double.IsFinite(memorized) ? memorized.ToString("P1", Inv) : "—"));
        var errors = r.Runs.Select(x => x.FdStderr).Where(double.IsFinite).Order().ToArray();
        rows.Add(("median FD standard error (bootstrap)", errors.Length == 0 ? "—" : F(errors[errors.Length / 2], "G3")));
        rows.Add(("time", $"{r.Run.TotalSeconds:F1} s (sampling {r.Run.SamplingSeconds:F1} s)"));
        return rows;
    }

    private static string Bound(SavedKind kind) => kind switch { SavedKind.AtLeast => "≥", SavedKind.LessThan => "<", _ => "" };

    private static string F(double v, string format = "F3") => SummaryTable.Number(v, format);

    private static void WriteCsv(AccelerationResult r, string path)
    {
        var sb = new StringBuilder("sampler,start,nominalNfe,nfe,steps,startTime,fd,fdStderr,memorizedFraction,wallSeconds\n");
        foreach (var x in r.Runs)
            sb.Append(string.Join(',', x.Sampler, x.Start, x.NominalNfe.ToString(Inv), x.Nfe.ToString(Inv), x.Steps.ToString(Inv),
                x.StartTime.ToString("R", Inv), x.Fd.ToString("R", Inv), x.FdStderr.ToString("R", Inv), x.MemorizedFraction.ToString("R", Inv),
                x.WallSeconds.ToString("R", Inv))).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }

    private static void WriteReport(AccelerationResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption, bool HasSvg)> figures,
        string[] args, string path)
    {
        var report = new HtmlReport("diffdyn accelerate — sample quality at a fixed budget")
            .Code("diffdyn accelerate " + string.Join(' ', args))
            .Paragraph("Each sampler runs with N denoiser evaluations per sample from T (baseline), or from t_skip after the closed-form Gaussian " +
                       "probability-flow jump (analytical teleportation, Wang & Vastola arXiv 2311.10892 / 2412.09726) or a fresh draw from the Gaussian " +
                       "marginal (Gaussian late start, Raya & Ambrogioni arXiv 2305.19693); the Gaussian is the training data's mean and covariance, and the " +
                       "jump costs no evaluation. Quality is the Fréchet distance FD = |μ₁ − μ₂|² + tr(C₁ + C₂ − 2(C₁^½ C₂ C₁^½)^½) between the samples " +
                       "and held-out reference data in the stated feature space (the project's own features, not Inception: not comparable to published FIDs). " +
                       "Steps saved: for each baseline budget N, the budget N′ at which the shortcut reaches the same FD (monotone fit, interpolated in ln N), " +
                       "saved = 1 − N′/N. All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.")
            .Heading("Summary")
            .Table(["quantity", "value"], rows.Select(x => (IReadOnlyList<string>)new[] { x.Item1, x.Item2 }))
            .Paragraph($"The FD floor is the mean FD of {r.Floor.Subsets} {(r.Floor.Disjoint ? "disjoint" : "overlapping (n < 2S: the spread is underestimated)")} training subsets of {r.Floor.SubsetSize} points to the reference set: what a perfect " +
                       "sampler reaches at this sample size (FDs within about one floor sd of it are indistinguishable from perfect). The FD errors are bootstrap " +
                       "standard errors over the generated samples with the reference fixed; the reference is shared by every run.");
        report.Heading("Figures");
        foreach (var (file, caption, hasSvg) in figures) report.Figure(file, caption, hasSvg);
        report.Heading("Files").Links([
            ("accelerate.json", "every number of this page"),
            ("accelerate.csv", "one row per sampler × start × NFE: fd, fdStderr, memorizedFraction, wallSeconds"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
        report.Write(path);
    }

    /// <summary>The exact population score where the generator has one (two-cluster, Gaussian).</summary>
    private static IDisposable AnalyticScore(SyntheticData? truth, Dataset data)
    {
        using var scope = torch.NewDisposeScope();
        return truth switch
        {
            TwoClusterData tc => new TwoClusterDenoiser(torch.tensor(tc.M), tc.Spec.Sigma),
            GaussianData g => new GaussianDenoiser(torch.zeros(data.Dimension, dtype: torch.ScalarType.Float64),
                torch.tensor(g.Covariance(), [(long)data.Dimension, data.Dimension])),
            _ => throw new ArgumentException($"--score analytic needs two-cluster or gaussian data (no closed-form score for {data.Name})."),
        };
    }

    private static string TruthName(SyntheticData? truth) => truth switch { TwoClusterData => "two-cluster", GaussianData => "Gaussian", _ => "synthetic" };

    internal static IReadOnlyList<SamplerKind> ParseSamplers(string? text)
    {
        var names = Split(text, "--samplers");
        return names.Select(n => SamplerNames.TryGetValue(n, out var k) ? k
            : throw new ArgumentException($"--samplers: unknown sampler '{n}' (choose from {string.Join(", ", SamplerNames.Keys)}).")).Distinct().ToArray();
    }

    internal static IReadOnlyList<AccelerationStart> ParseAccelerations(string? text)
    {
        if (text?.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) == true) return [];
        return Split(text, "--accelerations").Select(n => AccelerationNames.TryGetValue(n, out var k) ? k
            : throw new ArgumentException($"--accelerations: unknown rule '{n}' (choose from teleport, late-start, or none).")).Distinct().ToArray();
    }

    internal static IReadOnlyList<int> ParseNfe(string? text)
    {
        var values = Split(text, "--nfe").Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out int v) && v >= 3 ? v
            : throw new ArgumentException($"--nfe: '{s}' is not an integer ≥ 3.")).Distinct().Order().ToArray();
        if (values.Length < 2) throw new ArgumentException("--nfe needs at least two distinct budgets (e.g. 10,20,50,100).");
        return values;
    }

    private static string[] Split(string? text, string option)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).ToArray();
        if (parts.Length == 0) throw new ArgumentException($"{option} is empty.");
        return parts;
    }
}
