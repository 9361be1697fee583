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
using static TorchSharp.torch;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn compare-scores</c>: how much of a reference score (the exact empirical score of the data, or a trained
/// model) the Gaussian, Gaussian-mixture and empirical approximations explain at each noise level, EV(t) = 1 − E|s₁ − s₂|²/E|s₁|²
/// (Wang &amp; Vastola, arXiv 2412.09726 and 2311.10892).
/// </summary>
public static class CompareScoresCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The approximations compared by default (plus <c>empirical</c> when the reference is a trained model).</summary>
    public const string DefaultApproximations = "gaussian,mixture:10,mixture:50";

    /// <summary>Kinds of approximation an <c>--approx</c> item names.</summary>
    public enum ApproximationKind
    {
        /// <summary>The Gaussian N(m, C) of the training set, full covariance.</summary>
        Gaussian,
        /// <summary>A k-means Gaussian mixture of the training set.</summary>
        Mixture,
        /// <summary>The exact empirical score of the training set.</summary>
        Empirical,
    }

    /// <summary>One <c>--approx</c> item: <c>gaussian</c> | <c>empirical</c> | <c>mixture:K[:full|:iso|:lowrank[:R]]</c>.</summary>
    public sealed record ApproximationSpec(ApproximationKind Kind, MixtureOptions? Mixture = null)
    {
        /// <summary>Canonical name, e.g. <c>mixture:50:lowrank:16</c>.</summary>
        public string Name => Kind switch
        {
            ApproximationKind.Gaussian => "gaussian",
            ApproximationKind.Empirical => "empirical",
            _ => Mixture!.Covariance switch
            {
                MixtureCovariance.Full => $"mixture:{Mixture.Components}:full",
                MixtureCovariance.Isotropic => $"mixture:{Mixture.Components}:iso",
                _ => $"mixture:{Mixture.Components}:lowrank:{Mixture.Rank}",
            },
        };

        /// <summary>For reports.</summary>
        public string Description => Kind switch
        {
            ApproximationKind.Gaussian => "Gaussian N(m, C) of the training set (full covariance)",
            ApproximationKind.Empirical => "exact empirical score of the training set",
            _ => $"Gaussian mixture (k-means), {Mixture!.Describe()}",
        };

        /// <summary>Parses a comma-separated list; throws <see cref="ArgumentException"/> naming the bad item.</summary>
        public static IReadOnlyList<ApproximationSpec> ParseList(string text, long seed, int maxIterations)
        {
            var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (items.Length == 0) throw new ArgumentException("--approx: name at least one approximation (gaussian, empirical, mixture:K[:full|:iso|:lowrank[:R]]).");
            var specs = items.Select(i => Parse(i, seed, maxIterations)).ToArray();
            var duplicate = specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new ArgumentException($"--approx: '{duplicate.Key}' is listed twice.");
            return specs;
        }

        private static ApproximationSpec Parse(string item, long seed, int maxIterations)
        {
            var parts = item.ToLowerInvariant().Split(':');
            string Bad(string why) => $"--approx: '{item}' {why} (use gaussian, empirical or mixture:K[:full|:iso|:lowrank[:R]]).";
            switch (parts[0])
            {
                case "gaussian" when parts.Length == 1: return new(ApproximationKind.Gaussian);
                case "empirical" when parts.Length == 1: return new(ApproximationKind.Empirical);
                case "mixture":
                    if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.Integer, Inv, out int k) || k < 1)
                        throw new ArgumentException(Bad("needs a number of components K ≥ 1"));
                    var options = new MixtureOptions(Components: k, MaxIterations: maxIterations, Seed: seed);
                    if (parts.Length == 2) return new(ApproximationKind.Mixture, options);
                    switch (parts[2])
                    {
                        case "full" when parts.Length == 3: return new(ApproximationKind.Mixture, options with { Covariance = MixtureCovariance.Full });
                        case "iso" when parts.Length == 3: return new(ApproximationKind.Mixture, options with { Covariance = MixtureCovariance.Isotropic });
                        case "lowrank" when parts.Length == 3: return new(ApproximationKind.Mixture, options);
                        case "lowrank" when parts.Length == 4:
                            if (!int.TryParse(parts[3], NumberStyles.Integer, Inv, out int r) || r < 1) throw new ArgumentException(Bad("needs a rank R ≥ 1"));
                            return new(ApproximationKind.Mixture, options with { Rank = r });
                        default: throw new ArgumentException(Bad("has an unknown covariance"));
                    }
                default: throw new ArgumentException(Bad("is not an approximation"));
            }
        }
    }

    /// <summary>Settings of one run besides the data.</summary>
    public sealed record CompareScoresOptions(IReadOnlyList<ApproximationSpec> Approximations, double TFrom = 0.01, double TTo = 5.0, int Times = 16,
        ExplainedVarianceOptions? Sampling = null, Precision Precision = Precision.Float32, string? HeldOut = null, string? ModelDir = null);

    public static Command Build()
    {
        var common = new CommonOptions();
        var approx = new Option<string?>("--approx") { Description = $"Approximations, comma-separated: gaussian | empirical | mixture:K[:full|:iso|:lowrank[:R]] (low rank R = 64 by default). Default {DefaultApproximations} (+ empirical with --model)." };
        var times = new Option<int>("--times") { Description = "Number of times, log-spaced from --t-from to --t-to.", DefaultValueFactory = _ => 16 };
        var tFrom = new Option<double>("--t-from") { Description = "Smallest OU time of the grid.", DefaultValueFactory = _ => 0.01 };
        var tTo = new Option<double>("--t-to") { Description = "Largest OU time of the grid.", DefaultValueFactory = _ => 5.0 };
        var samples = new Option<int>("--samples") { Description = "Draws x = a e^{-t} + sqrt(Δ_t) z per time (the same for every approximation).", DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch") { Description = "Draws per score evaluation (results do not depend on it).", DefaultValueFactory = _ => 256 };
        var heldOut = new Option<string?>("--held-out") { Description = "Draw from this point set instead of the training set (a --data spec, e.g. builtin:test; --classes and --downsample apply)." };
        var model = new Option<string?>("--model") { Description = "A trained model folder (from diffdyn train) as the reference score instead of the exact empirical score; the data options default to the model's." };
        var precision = new Option<string>("--precision") { Description = "float32 | float64 arithmetic of the empirical score.", DefaultValueFactory = _ => "float32" };
        var iterations = new Option<int>("--kmeans-iterations") { Description = "Upper bound on Lloyd iterations per mixture fit.", DefaultValueFactory = _ => 100 };
        precision.AcceptOnlyFromAmong("float32", "float64");

        var command = new Command("compare-scores", "Explained variance of a reference score (exact empirical or a trained model) by Gaussian, mixture and empirical approximations over t.");
        common.AddTo(command);
        foreach (var o in new Option[] { approx, times, tFrom, tTo, samples, batch, heldOut, model, precision, iterations }) command.Options.Add(o);
        CommonOptions.AtLeast(times, 2);
        CommonOptions.AtLeast(samples, 2);
        CommonOptions.AtLeast(batch, 1);
        CommonOptions.AtLeast(iterations, 1);
        foreach (var o in new[] { tFrom, tTo })
            o.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!double.IsFinite(v) || v <= 0) r.AddError($"{o.Name} must be finite and > 0."); });
        command.Validators.Add(r =>
        {
            if (r.GetValue(tFrom) is var a && r.GetValue(tTo) is var b && double.IsFinite(a) && double.IsFinite(b) && a > 0 && !(a < b))
                r.AddError("--t-from must be smaller than --t-to.");
        });

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            string? modelDir = p.GetValue(model);
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDir is not null && !dataGiven) request = TrainedModel.DataRequestOf(modelDir);
            long seed = p.GetValue(common.Seed);
            string list = p.GetValue(approx) ?? (modelDir is null ? DefaultApproximations : DefaultApproximations + ",empirical");
            var options = new CompareScoresOptions(
                Approximations: ApproximationSpec.ParseList(list, seed, p.GetValue(iterations)),
                TFrom: p.GetValue(tFrom), TTo: p.GetValue(tTo), Times: p.GetValue(times),
                Sampling: new ExplainedVarianceOptions(p.GetValue(samples), p.GetValue(batch), seed),
                Precision: p.GetValue(precision) == "float64" ? Precision.Float64 : Precision.Float32,
                HeldOut: p.GetValue(heldOut), ModelDir: modelDir);
            return Execute(request, options, common.OutputFolder(p, "compare-scores"),
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Runs the comparison and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, CompareScoresOptions options, string outDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var sampling = options.Sampling ?? new ExplainedVarianceOptions();
        sampling.Validate();
        var times = ExplainedVariance.LogSpacedTimes(options.TFrom, options.TTo, options.Times);
        var data = request.Load();
        foreach (var s in options.Approximations)
            if (s.Mixture is { } m && m.Components > data.Count)
                throw new ArgumentException($"--approx: {s.Name} asks for k = {m.Components} components but the data have n = {data.Count} points.");
        var drawSet = options.HeldOut is null ? null
            : new DataRequest(options.HeldOut, Classes: request.Classes, Downsample: request.Downsample, ScaleImages: request.ScaleImages, Seed: request.Seed).Load();
        if (drawSet is not null && drawSet.Dimension != data.Dimension)
            throw new ArgumentException($"--held-out {options.HeldOut} has d = {drawSet.Dimension}, the training data have d = {data.Dimension}.");
        using var trained = options.ModelDir is null ? null : TrainedModel.Load(options.ModelDir, data);
        using var run = RunDirectory.Create(outDir);
        string referenceName = trained is null ? $"exact empirical score of the training set (n = {data.Count})" : $"trained model {options.ModelDir}";
        string drawnFrom = drawSet is null ? $"the training set (n = {data.Count})" : $"the held-out set {options.HeldOut} (n = {drawSet.Count})";
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; reference: {referenceName}; {options.Approximations.Count} approximations, " +
                         $"{times.Length} times in [{options.TFrom.ToString(Inv)}, {options.TTo.ToString(Inv)}], {sampling.Samples} draws each from {drawnFrom}");

        var empiricalOptions = new EmpiricalDenoiserOptions(options.Precision);
        var owned = new List<IDisposable>();
        try
        {
            EmpiricalDenoiser? empirical = null;
            EmpiricalDenoiser Empirical() => empirical ??= Own(new EmpiricalDenoiser(data, empiricalOptions));
            T Own<T>(T d) where T : IDisposable { owned.Add(d); return d; }
            IDenoiser reference = trained is not null ? trained : Empirical();

            var fitted = new List<(ScoreApproximation Approx, double Seconds)>();
            GaussianDenoiser? gaussian = null;
            ExplainedVarianceResult? result = null;
            double compareSeconds = 0;
            ProgressDisplay.RunStages(output, report =>
            {
                for (int i = 0; i < options.Approximations.Count; i++)
                {
                    var spec = options.Approximations[i];
                    report("fitting approximations", spec.Name, i, options.Approximations.Count);
                    var sw = Stopwatch.StartNew();
                    IDenoiser denoiser = spec.Kind switch
                    {
                        ApproximationKind.Gaussian => gaussian = Own(GaussianDenoiser.FromData(data)),
                        ApproximationKind.Empirical => Empirical(),
                        _ => Own(MixtureDenoiser.Fit(data, spec.Mixture)),
                    };
                    fitted.Add((new ScoreApproximation(spec.Name, denoiser, spec.Description), sw.Elapsed.TotalSeconds));
                }
                report("fitting approximations", "", options.Approximations.Count, options.Approximations.Count);
                using var points = (drawSet ?? data).ToTensor();
                long total = (long)times.Length * ((sampling.Samples + sampling.Batch - 1) / sampling.Batch);
                var sw2 = Stopwatch.StartNew();
                var curves = ExplainedVariance.Compute(reference, fitted.Select(f => f.Approx).ToArray(), points, times, sampling,
                    new InlineProgress<long>(done => report("explained variance", "", done, total)));
                compareSeconds = sw2.Elapsed.TotalSeconds;
                GaussianDeficitTheory? theory = null;
                if (trained is null && gaussian is not null) // the theory of the gaussian approximation of the empirical score
                {
                    using var a = data.ToTensor(ScalarType.Float64);
                    double kappa = ExplainedVariance.ThirdCumulantNormSquared(a);
                    var fine = ExplainedVariance.LogSpacedTimes(options.TFrom, options.TTo, 200).Concat(times).Distinct().Order();
                    theory = new GaussianDeficitTheory(kappa, fine.Select(t => new TheoryPoint(t,
                        ExplainedVariance.GaussianDeficitAsymptote(kappa, gaussian.Eigenvalues, data.Dimension, t))).ToArray());
                }
                result = new ExplainedVarianceResult("OU time t", new ExplainedVarianceData(data.Name, data.Count, data.Dimension, drawnFrom, (drawSet ?? data).Count),
                    referenceName, sampling.Samples, sampling.Seed,
                    curves.Select((c, j) => c with { FitSeconds = fitted[j].Seconds }).ToArray(), compareSeconds, theory);
                return 0;
            });

            File.WriteAllText(run.File("compare-scores.json"), JsonSerializer.Serialize(result!, RunManifest.JsonOptions));
            WriteCsv(result!, run.File("compare-scores.csv"));
            var figures = ScoreComparisonFigures.WriteAll(result!, run.Staging);
            var rows = SummaryRows(result!, clock.Elapsed.TotalSeconds);
            new RunManifest
            {
                Command = "compare-scores",
                Arguments = args,
                Options = new { data = request, compareScores = options with { Sampling = sampling }, approximations = options.Approximations.Select(a => a.Name) },
                Seed = sampling.Seed,
                DataPreprocessing = data.Preprocessing,
                TimingsSeconds = new Dictionary<string, double>(fitted.Select(f => KeyValuePair.Create("fit " + f.Approx.Name, f.Seconds)))
                {
                    ["explained variance"] = compareSeconds,
                    ["total"] = clock.Elapsed.TotalSeconds,
                },
            }.Write(run.File("manifest.json"));
            WriteReport(result!, rows, figures, args, run.File("index.html"));
            run.Commit();

            SummaryTable.Print(output, "diffdyn compare-scores (times in OU t)", rows);
            output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
            return 0;
        }
        finally
        {
            foreach (var d in owned) d.Dispose();
        }
    }

    private static string F(double? v, string format = "F3") => SummaryTable.Number(v, format);

    /// <summary>Grid times closest to 0.01, 0.1, 0.3, 1 and 3 (within the grid), for the summary.</summary>
    public static double[] SummaryTimes(IReadOnlyList<double> grid) =>
        new[] { 0.01, 0.1, 0.3, 1.0, 3.0 }.Where(t => t >= grid.Min() / 1.5 && t <= grid.Max() * 1.5)
            .Select(t => grid.OrderBy(g => Math.Abs(Math.Log(g / t))).First()).Distinct().ToArray();

    /// <summary>The summary table (shared by the terminal and the report).</summary>
    public static List<(string, string)> SummaryRows(ExplainedVarianceResult r, double totalSeconds)
    {
        var grid = r.Approximations[0].Curve.Select(p => p.T).ToArray();
        var shown = SummaryTimes(grid);
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("reference score s₁", r.Reference),
            ("draws", $"{r.Samples} per time from {r.Data.DrawnFrom}, {grid.Length} times {F(grid.Min(), "G3")}…{F(grid.Max(), "G3")}"),
        };
        foreach (var a in r.Approximations)
        {
            var byT = a.Curve.ToDictionary(p => p.T);
            rows.Add(($"{a.Name}: EV at t =", string.Join("  ", shown.Select(t => $"{F(t, "G3")}: {F(byT[t].Ev)}"))));
            rows.Add(($"{a.Name}: EV < 0.99 / < 0.9 below t =", $"{F(a.TimeBelow99)} / {F(a.TimeBelow90)}"));
        }
        rows.Add(("time", $"{totalSeconds:F1} s (fits {r.Approximations.Sum(a => a.FitSeconds):F1} s, comparison {r.Seconds:F1} s)"));
        return rows;
    }

    private static void WriteCsv(ExplainedVarianceResult r, string path)
    {
        var header = new List<string> { "t", "referenceMeanSquare" };
        foreach (var a in r.Approximations) header.AddRange([$"ev[{a.Name}]", $"stderr[{a.Name}]"]);
        if (r.GaussianAsymptote is not null) header.Add("gaussianDeficitTheory");
        var grid = r.Approximations[0].Curve;
        Csv.WriteTable(path, [.. header], grid.Select((p, i) =>
        {
            var row = new List<double> { p.T, p.ReferenceMeanSquare };
            foreach (var a in r.Approximations) row.AddRange([a.Curve[i].Ev, a.Curve[i].Stderr]);
            if (r.GaussianAsymptote is { } g) row.Add(g.Curve.FirstOrDefault(q => q.T == p.T)?.Value ?? double.NaN); // the theory grid contains the measured times
            return row.ToArray();
        }));
    }

    private static void WriteReport(ExplainedVarianceResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption)> figures, string[] args, string path)
    {
        var report = new HtmlReport("diffdyn compare-scores — explained variance of the score")
            .Code("diffdyn compare-scores " + string.Join(' ', args))
            .Paragraph("EV(t) = 1 − E|s₁ − s₂|² / E|s₁|² measures how much of the reference score s₁ an approximation s₂ explains on the noised " +
                       "data x = a e^{-t} + sqrt(1 − e^{-2t}) z (OU time t). Wang & Vastola (arXiv 2412.09726, 2311.10892): the learned score is " +
                       "dominated by its Gaussian (linear) approximation at moderate to high noise; at small noise a Gaussian mixture (coarse-grained) " +
                       "score describes it better than the exact empirical score does. Every approximation is scored on the same draws.")
            .Summary(rows);
        report.Table(["approximation", "what it is", "fit time"], r.Approximations.Select(a => (IReadOnlyList<string>)new[] { a.Name, a.Description, $"{a.FitSeconds:F2} s" }));
        report.Figures(figures);
        report.Heading("Files").Links([
            ("compare-scores.json", "every number of this page: per approximation the curve {t, ev, stderr} (OU times)"),
            ("compare-scores.csv", "one row per time: EV and its SE per approximation"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
        report.Write(path);
    }
}
