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
        foreach (var o in new Option[] { sizes, points, count, times, tMin, tMax, gap, solver, denseLimit, topK, samplerSteps, model }) command.Options.Add(o);
        CommonOptions.AtLeast(count, 1); CommonOptions.AtLeast(times, 2); CommonOptions.AtLeast(denseLimit, 1); CommonOptions.AtLeast(topK, 1); CommonOptions.AtLeast(samplerSteps, 1);
        tMin.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--t-min must be > 0."); });
        tMax.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is > 0 and <= 20)) r.AddError("--t-max must be in (0, 20]."); });
        gap.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is > 0 and < 1)) r.AddError("--gap must be in (0, 1)."); });
        sizes.Validators.Add(r =>
        {
            try { ParseSizes(r.GetValueOrDefault<string?>()); }
            catch (ArgumentException e) { r.AddError(e.Message); }
        });
        command.Validators.Add(r =>
        {
            if (r.GetValue(tMin) is var a && r.GetValue(tMax) is var b && a > 0 && b > 0 && !(a < b)) r.AddError("--t-min must be smaller than --t-max.");
            if (r.GetValue(model) is not null && r.GetValue(sizes) is not null) r.AddError("--sizes does not apply to --model (each network has its own training set; pass one folder per size).");
        });

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            var modelDirs = ModelFolders(p.GetValue(model));
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDirs is { Count: > 1 } && dataGiven)
                throw new ArgumentException("With several --model folders each network is analysed on its own training set; drop the data options.");
            if (modelDirs is [var only] && !dataGiven) request = TrainedModel.DataRequestOf(only);
            var options = new JacobianSpectrumSweepOptions(
                Points: p.GetValue(count),
                PointKind: p.GetValue(points) switch { "generated" => SpectrumPoints.Generated, "origin" => SpectrumPoints.Origin, _ => SpectrumPoints.Data },
                TMin: p.GetValue(tMin), TMax: p.GetValue(tMax), Times: p.GetValue(times), SamplerSteps: p.GetValue(samplerSteps),
                Seed: p.GetValue(common.Seed),
                Spectrum: new JacobianSpectrumOptions(GapThreshold: p.GetValue(gap),
                    Solver: p.GetValue(solver) switch { "dense" => JacobianSolver.Dense, "subspace" => JacobianSolver.Subspace, _ => JacobianSolver.Auto },
                    DenseLimit: p.GetValue(denseLimit), TopK: p.GetValue(topK), Seed: p.GetValue(common.Seed)));
            options.Validate();
            return Execute(request, ParseSizes(p.GetValue(sizes)), options, common.OutputFolder(p, "spectrum"), modelDirs,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    /// <summary>"100,1000" → [100, 1000] (distinct, ascending); null/empty → null. Each N ≥ 2.</summary>
    public static int[]? ParseSizes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out int v) && v >= 2 ? v : throw new ArgumentException($"--sizes: '{s}' is not an integer ≥ 2."))
            .Distinct().Order().ToArray();
        if (list.Length == 0) throw new ArgumentException("--sizes: no size given.");
        return list;
    }

    /// <summary>
    /// "a,b" → the model folders; a folder without a model of its own but with n-* model folders (a <c>diffdyn memorization</c>
    /// sweep) expands to those, ordered by n. Null/empty → null.
    /// </summary>
    public static IReadOnlyList<string>? ModelFolders(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var list = new List<string>();
        foreach (var dir in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"--model: folder {dir} does not exist.");
            bool isModel = File.Exists(Path.Combine(dir, TrainCommand.DataRequestFile));
            var members = isModel ? [] : Directory.GetDirectories(dir, "n-*")
                .Where(m => File.Exists(Path.Combine(m, TrainCommand.DataRequestFile)))
                .Select(m => (Dir: m, N: int.TryParse(Path.GetFileName(m)[2..], NumberStyles.Integer, Inv, out int n) ? n : int.MaxValue))
                .OrderBy(m => m.N).Select(m => m.Dir).ToList();
            if (isModel || members.Count == 0) list.Add(dir); // a model folder, or an error from TrainedModel naming what is missing
            else list.AddRange(members);
        }
        if (list.Count == 0) throw new ArgumentException("--model: no folder given.");
        return list;
    }

    /// <summary>
    /// Runs the sweep and writes the results folder; exceptions propagate to <see cref="CliApp"/>. With <paramref name="modelDirs"/>,
    /// one network per size: a single folder is analysed on <paramref name="request"/> (its own training set unless data options were given),
    /// several folders each on the training set stored beside it.
    /// </summary>
    public static int Execute(DataRequest request, int[]? sizes, JacobianSpectrumSweepOptions options, string outDir, IReadOnlyList<string>? modelDirs,
        string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var trainings = new List<(int N, Dataset Data, string? ModelDir)>();
        LinearManifoldData? manifold;
        Dataset data;
        if (modelDirs is { Count: > 1 })
        {
            var loaded = modelDirs.Select(dir => (Dir: dir, Loaded: TrainedModel.DataRequestOf(dir).LoadWithTruth())).ToList();
            foreach (var m in loaded) trainings.Add((m.Loaded.Data.Count, m.Loaded.Data, m.Dir));
            if (trainings.Select(x => x.N).Distinct().Count() != trainings.Count)
                throw new ArgumentException($"--model: the networks were trained on sizes {string.Join(", ", trainings.Select(x => x.N))}; each size must appear once.");
            trainings.Sort((a, b) => a.N.CompareTo(b.N));
            data = trainings[^1].Data;
            manifold = SharedManifold(loaded.Select(m => m.Loaded.Truth).ToList());
        }
        else
        {
            var (all, truth) = request.LoadWithTruth();
            data = all;
            manifold = truth as LinearManifoldData;
            string? single = modelDirs?[0];
            foreach (int n in sizes ?? [data.Count])
            {
                if (manifold is not null && request.Count is null && n != data.Count)
                    trainings.Add((n, (manifold.Spec with { N = n }).Generate(manifold.Seed).Data, single));
                else if (n == data.Count) trainings.Add((n, data, single));
                else if (n < data.Count) trainings.Add((n, data.Subsample(n, request.Seed), single));
                else throw new ArgumentException($"--sizes: N = {n} exceeds the {data.Count} items of the data (only linear-manifold specs are regenerated per size).");
            }
        }
        if (options.PointKind == SpectrumPoints.Data && trainings.Min(x => x.N) < options.Points)
            throw new ArgumentException($"--point-count {options.Points} exceeds the smallest training set (N = {trainings.Min(x => x.N)}).");
        var denoisers = new List<IDisposable>();
        try
        {
            var subjects = trainings.Select(tr =>
            {
                IDenoiser denoiser = tr.ModelDir is null
                    ? new EmpiricalDenoiser(tr.Data, new EmpiricalDenoiserOptions(Precision.Float64))
                    : TrainedModel.Load(tr.ModelDir, tr.Data);
                if (denoiser is IDisposable owned) denoisers.Add(owned);
                return new SpectrumSubject(tr.N, denoiser, tr.Data, tr.ModelDir is null ? "exact empirical score" : "trained network, autograd VJP");
            }).ToList();
            using var run = RunDirectory.Create(outDir);
            output.WriteLine($"data: {data.Name}, d = {data.Dimension}; sizes N = {string.Join(", ", trainings.Select(x => x.N))}; " +
                             $"{(options.PointKind == SpectrumPoints.Origin ? 1 : options.Points)} {options.PointKind.ToString().ToLowerInvariant()} points × {options.Times} times" +
                             (modelDirs is null ? "" : $"; trained model{(modelDirs.Count > 1 ? "s" : "")} {string.Join(", ", modelDirs)}"));
            var result = ProgressDisplay.RunStages(output, report =>
                JacobianSpectrumSweep.Run(subjects, options, manifold is not null && (manifold.Spec.D == data.Dimension) ? manifold : null, new StageProgress(report), DataName(data, trainings.Count)));

            File.WriteAllText(run.File("spectrum.json"), JsonSerializer.Serialize(result, RunManifest.JsonOptions));
            WriteCsv(result, run.File("spectrum.csv"));
            var figures = SpectrumFigures.WriteAll(result, run.Staging);
            var rows = SummaryRows(result);
            new RunManifest
            {
                Command = "spectrum",
                Arguments = args,
                Options = new { data = request, sizes, spectrum = options, models = modelDirs },
                Seed = options.Seed,
                DataPreprocessing = data.Preprocessing,
                TimingsSeconds = new() { ["sweep"] = result.Seconds, ["total"] = clock.Elapsed.TotalSeconds },
            }.Write(run.File("manifest.json"));
            WriteReport(result, rows, figures, args, run.File("index.html"));
            run.Commit();
            SummaryTable.Print(output, "diffdyn spectrum (times in OU t)", rows);
            output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
            return 0;
        }
        finally
        {
            foreach (var e in denoisers) e.Dispose();
        }
    }

    /// <summary>
    /// The linear-manifold truth shared by every model's training set (same stds and directions; only N differs), or null when
    /// any is not linear-manifold data or they differ — the theory then does not apply to the sweep as a whole.
    /// </summary>
    private static LinearManifoldData? SharedManifold(IReadOnlyList<SyntheticData?> truths)
    {
        if (truths.Any(t => t is not LinearManifoldData)) return null;
        var all = truths.Cast<LinearManifoldData>().ToList();
        var first = all[0];
        bool same = all.All(m => m.Spec.D == first.Spec.D && m.Spec.Stds.SequenceEqual(first.Spec.Stds)
            && (m.Basis is null ? first.Basis is null : first.Basis is not null && m.Basis.SequenceEqual(first.Basis)));
        return same ? first : null;
    }

    /// <summary>The data's name, with the sizes' note when they are regenerated or subsampled from it.</summary>
    private static string DataName(Dataset data, int sizes) => sizes > 1 ? $"{data.Name} (one training set per size)" : data.Name;

    private static string F(double? v, string format = "G3") => SummaryTable.Number(v, format);

    /// <summary>The summary table (shared by the terminal and the report).</summary>
    public static List<(string, string)> SummaryRows(JacobianSpectrumResult r)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.DataName} (d = {r.D})"),
            ("points / times", $"{r.Options.PointKind.ToString().ToLowerInvariant()} / {r.Options.Times} in [{F(r.Options.TMin)}, {F(r.Options.TMax)}]"),
            ("gap rule", $"tangent ⇔ ν = Δ_t σ_k(J_s) < τ = {F(r.Options.SpectrumOptions.GapThreshold)}"),
        };
        foreach (var s in r.Sizes)
        {
            var peak = s.Curve.MaxBy(c => c.TangentDimension)!;
            rows.Add(($"N = {s.N}: max tangent dimension", $"{peak.TangentDimension:F2} at t = {F(peak.T)}" + (peak.PredictedTangentDimension is int p ? $" (theory there: {p})" : "")));
            if (s.CollapseTime is not null)
                rows.Add(($"N = {s.N}: whole-point collapse t_C", $"{F(s.CollapseTime)} (ln N = ½ Σ ln(1 + s_i²/σ²), {(r.Stds is null ? "Gaussian with the data's spectrum" : "the manifold's stds")})"));
            if (s.Losses is null) continue;
            foreach (var l in s.Losses)
                rows.Add(($"N = {s.N}: std {F(l.Std)} ×{l.Count} loss, onset | lost", $"measured {F(l.MeasuredOnsetTime)} | {F(l.MeasuredLossTime)}  ·  theory t_loss = {F(l.TheoryLossTime)} | t_C = {F(s.CollapseTime)}"));
        }
        rows.Add(("time", $"{r.Seconds:F1} s"));
        return rows;
    }

    private static void WriteCsv(JacobianSpectrumResult r, string path)
    {
        int groups = r.Sizes.FirstOrDefault(s => s.Losses is not null)?.Losses!.Count ?? 0;
        var header = new List<string> { "N", "t", "noiseVariance", "tangentDimension", "tangentStderr", "predictedTangentDimension" };
        for (int g = 0; g < groups; g++) header.Add($"nuSubspace{g}");
        for (int k = 0; k < r.Sizes[0].Curve[0].MeanSpectrum.Length; k++) header.Add($"nu{k + 1}");
        Csv.WriteTable(path, header.ToArray(), r.Sizes.SelectMany(s => s.Curve.Select(c =>
        {
            var row = new List<double> { s.N, c.T, c.NoiseVariance, c.TangentDimension, c.TangentStderr, c.PredictedTangentDimension ?? double.NaN };
            for (int g = 0; g < groups; g++) row.Add(c.SubspaceValues?[g] ?? double.NaN);
            row.AddRange(c.MeanSpectrum);
            return row.ToArray();
        })));
    }

    private static void WriteReport(JacobianSpectrumResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption)> figures, string[] args, string path)
    {
        var report = new HtmlReport("diffdyn spectrum — Jacobian spectra and the loss of dimensions")
            .Code("diffdyn spectrum " + string.Join(' ', args))
            .Paragraph("The Jacobian of the score J_s = ∂∇ln P_t at chosen points, normalized as ν_k = Δ_t σ_k(J_s) so that pure noise gives 1 and directions along " +
                       "which the learned density still spreads give ≈ 0 (for the empirical score −Δ_t J_s = I − e^{-2t} Cov_w(a)/Δ_t, the posterior-weighted covariance). " +
                       "The tangent dimension is the count of ν_k below τ. Linear-manifold theory (Achilli et al. 2024, arXiv 2410.08727): a direction of std s is lost when the " +
                       "VE noise variance σ² = e^{2t} − 1 falls below s²/(2 ln N), i.e. for OU t < t_loss = ½ ln(1 + s²/(2 ln N)); it is resolved above the noise while σ² < s². " +
                       "At finite d the posterior also condenses on one training point at the collapse time t_C of the whole spectrum, the root of " +
                       "ln N = ½ Σ_i ln(1 + s_i²/σ²) (Biroli et al. 2024), which removes every remaining direction; the predicted tangent dimension counts the " +
                       "directions with max(t_loss, t_C) < t < ½ ln(1 + s²). Measured per subspace: the onset (the t of smallest ν, below which memorization " +
                       "pushes ν back up), compared with t_loss, and the t where ν climbs back through τ (the loss is complete), compared with t_C. " +
                       "All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.")
            .Summary(rows);
        report.Figures(figures);
        report.Heading("Files").Links([
            ("spectrum.json", "every number of this page (OU times)"),
            ("spectrum.csv", "per size and t: tangent dimension, prediction, ν per subspace, mean sorted spectrum"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
        report.Write(path);
    }

}
