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
/// <c>diffdyn symmetry</c>: spontaneous symmetry breaking of the backward dynamics (Raya &amp; Ambrogioni, arXiv 2305.19693):
/// the central fixed point, the spectrum of the drift's Jacobian there, the critical time and the bifurcation diagram.
/// </summary>
public static class SymmetryCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Build()
    {
        var common = new CommonOptions();
        var score = new Option<string>("--score") { Description = "empirical (exact empirical score) | gaussian (Gaussian fitted to the data) | two-cluster (analytic tanh score; two-cluster data only).", DefaultValueFactory = _ => "empirical" };
        score.AcceptOnlyFromAmong("empirical", "gaussian", "two-cluster");
        var model = new Option<string?>("--model") { Description = "A trained model folder (from diffdyn train): analyse its score (finite-difference Jacobians on the principal directions); data options default to the model's." };
        var dynamics = new Option<string>("--dynamics") { Description = "sde: drift x + 2∇ln P_t | ode: probability-flow drift x + ∇ln P_t.", DefaultValueFactory = _ => "sde" };
        dynamics.AcceptOnlyFromAmong("sde", "ode");
        var tMin = new Option<double>("--t-min") { Description = "Smallest OU time of the grid.", DefaultValueFactory = _ => 0.05 };
        var tMax = new Option<double?>("--t-max") { Description = "Largest OU time of the grid (default max(1.5, 2 t_S), t_S = ½ ln Λ)." };
        var times = new Option<int>("--times") { Description = "Grid points, uniform in t.", DefaultValueFactory = _ => 40 };
        var directions = new Option<int>("--directions") { Description = "Top principal directions u_k for the branches (and the projected Jacobian).", DefaultValueFactory = _ => 3 };
        var eigenvalues = new Option<int>("--eigenvalues") { Description = "Largest eigenvalues of the drift's Jacobian kept per time.", DefaultValueFactory = _ => 8 };
        var brackets = new Option<int>("--brackets") { Description = "Grid points in q per line for bracketing the fixed points.", DefaultValueFactory = _ => 200 };
        var potentials = new Option<int>("--potentials") { Description = "Times at which the potential along u₁ is drawn (0–12).", DefaultValueFactory = _ => 4 };
        var method = new Option<string>("--method") { Description = "auto | dense (full d×d Jacobian) | projected (on the principal directions).", DefaultValueFactory = _ => "auto" };
        method.AcceptOnlyFromAmong("auto", "dense", "projected");
        var centre = new Option<string>("--centre") { Description = "auto | mean (centre the data) | origin. auto: origin for the two-cluster score, mean otherwise.", DefaultValueFactory = _ => "auto" };
        centre.AcceptOnlyFromAmong("auto", "mean", "origin");
        var precision = new Option<string>("--precision") { Description = "auto | float32 | float64 arithmetic of the empirical score. auto: float64 (exact root finding) when n·d ≤ 10⁶, else float32 (twice the speed).", DefaultValueFactory = _ => "auto" };
        precision.AcceptOnlyFromAmong("auto", "float32", "float64");

        var command = new Command("symmetry", "Symmetry breaking: when the centre of the backward drift loses stability, and the bifurcation diagram of its fixed points.");
        common.AddTo(command);
        foreach (var o in new Option[] { score, model, dynamics, tMin, tMax, times, directions, eigenvalues, brackets, potentials, method, centre, precision })
            command.Options.Add(o);
        tMin.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!double.IsFinite(v) || v <= 0) r.AddError("--t-min must be finite and > 0."); });
        tMax.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is double v && (!double.IsFinite(v) || v <= 0)) r.AddError("--t-max must be finite and > 0."); });
        CommonOptions.AtLeast(times, 3); CommonOptions.AtLeast(directions, 1); CommonOptions.AtLeast(eigenvalues, 1); CommonOptions.AtLeast(brackets, 10);
        potentials.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 12) r.AddError("--potentials must be in [0, 12]."); });

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            string? modelDir = p.GetValue(model);
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDir is not null && !dataGiven) request = TrainedModel.DataRequestOf(modelDir);
            string scoreKind = p.GetValue(score)!;
            if (modelDir is not null && p.GetResult(score) is { Implicit: false })
                throw new ArgumentException("--model and --score exclude each other: a trained model is its own score.");
            string centreText = p.GetValue(centre)!;
            var options = new SymmetryBreakingOptions(
                Drift: p.GetValue(dynamics) == "ode" ? ReverseDrift.ProbabilityFlow : ReverseDrift.Sde,
                TMin: p.GetValue(tMin), TMax: p.GetValue(tMax), Times: p.GetValue(times), Directions: p.GetValue(directions),
                Eigenvalues: p.GetValue(eigenvalues), BracketPoints: p.GetValue(brackets), PotentialTimes: p.GetValue(potentials),
                Method: p.GetValue(method) switch { "dense" => JacobianMethod.Dense, "projected" => JacobianMethod.Projected, _ => JacobianMethod.Auto },
                Centre: centreText == "origin" || (centreText == "auto" && scoreKind == "two-cluster" && modelDir is null) ? CentreChoice.Origin : CentreChoice.DataMean);
            options.Validate();
            Precision? prec = p.GetValue(precision) switch { "float32" => Precision.Float32, "float64" => Precision.Float64, _ => null };
            return Execute(request, options, modelDir is null ? scoreKind : "model", prec, common.OutputFolder(p, "symmetry"), modelDir,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    /// <summary>Runs the analysis and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    /// <param name="precision">Arithmetic of the empirical score; null: float64 when n·d ≤ 10⁶, else float32.</param>
    public static int Execute(DataRequest request, SymmetryBreakingOptions options, string scoreKind, Precision? requestedPrecision, string outDir,
        string? modelDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        if (data.Count < 2) throw new ArgumentException($"The symmetry analysis needs n ≥ 2 data points (got n = {data.Count}).");
        var model = ModelOf(truth);
        var precision = requestedPrecision ?? ((long)data.Count * data.Dimension <= 1_000_000 ? Precision.Float64 : Precision.Float32);
        if (scoreKind == "two-cluster" && truth is not TwoClusterData)
            throw new ArgumentException("--score two-cluster needs two-cluster data (--data two-cluster:d=..,n=..).");
        IDenoiser denoiser;
        string scoreName;
        switch (scoreKind)
        {
            case "model":
                denoiser = TrainedModel.Load(modelDir!, data);
                scoreName = $"trained model ({modelDir})";
                break;
            case "gaussian":
                denoiser = GaussianDenoiser.FromData(data);
                scoreName = "Gaussian fitted to the data (mean, covariance)";
                break;
            case "two-cluster":
            {
                var tc = (TwoClusterData)truth!;
                using var m = TorchSharp.torch.tensor(tc.M);
                denoiser = new TwoClusterDenoiser(m, tc.Spec.Sigma);
                scoreName = "analytic two-cluster score (tanh)";
                break;
            }
            default:
                denoiser = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(precision));
                scoreName = $"exact empirical score ({precision.ToString().ToLowerInvariant()})";
                break;
        }
        if (scoreKind == "empirical" && model is not null && truth is TwoClusterData)
            model = model with { Label = model.Label + ", n → ∞" };
        try
        {
            using var run = RunDirectory.Create(outDir);
            output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; score: {scoreName}; {options.Drift} drift, {options.Times} times");
            var result = ProgressDisplay.RunStages(output, report =>
                SymmetryBreakingAnalysis.Run(denoiser, data, options, model, scoreName, new StageProgress(report)));

            File.WriteAllText(run.File("symmetry.json"), JsonSerializer.Serialize(result, RunManifest.JsonOptions));
            WriteCsv(result, run.File("symmetry.csv"), run.File("branches.csv"));
            var figures = SymmetryFigures.WriteAll(result, run.Staging);
            var rows = SummaryRows(result);
            new RunManifest
            {
                Command = "symmetry",
                Arguments = args,
                Options = new { data = request, symmetry = options, score = scoreKind, precision, model = modelDir },
                Seed = request.Seed,
                DataPreprocessing = data.Preprocessing,
                TimingsSeconds = new() { ["centre"] = result.Run.CentreSeconds, ["branches"] = result.Run.BranchSeconds, ["analysis"] = result.Run.TotalSeconds, ["total"] = clock.Elapsed.TotalSeconds },
            }.Write(run.File("manifest.json"));
            WriteReport(result, rows, figures, args, run.File("index.html"));
            run.Commit();

            SummaryTable.Print(output, "diffdyn symmetry (times in OU t)", rows);
            output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
            return 0;
        }
        finally
        {
            (denoiser as IDisposable)?.Dispose();
        }
    }

    /// <summary>The closed-form model of synthetic data: two symmetric points ±v, or the two-cluster model.</summary>
    private static TwoClusterModel? ModelOf(SyntheticData? truth) => truth switch
    {
        PointsData { Spec.Values: [var a, var b] } when a == -b && a != 0 =>
            new TwoClusterModel(a * a, 0, $"two points ±{Math.Abs(a).ToString("G4", Inv)}"),
        TwoClusterData tc => new TwoClusterModel(tc.M.Sum(v => v * v), tc.Spec.Sigma,
            string.Create(Inv, $"two-cluster |m|² = {tc.M.Sum(v => v * v):G4}, σ = {tc.Spec.Sigma:G3}")),
        _ => null,
    };

    private static string F(double? v, string format = "F4") => SummaryTable.Number(v, format);

    /// <summary>The summary table (shared by the terminal and the report).</summary>
    public static List<(string, string)> SummaryRows(SymmetryBreakingResult r)
    {
        var lastBranches = r.Branches.Where(b => b.Direction == 0 && b.T == r.Times[^1]).ToList();
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("score / drift", $"{r.Score} / {(r.Drift == ReverseDrift.Sde ? "SDE x + 2∇ln P_t" : "PF-ODE x + ∇ln P_t")}"),
            ("Jacobian", r.Method == JacobianMethod.Dense ? "dense (full spectrum)" : $"projected on the top {r.CentreCurve[0].Eigenvalues.Length} principal directions (Ritz values)"),
            ("Λ (top eigenvalue of the covariance)", F(r.Data.LambdaMax, "G5")),
            ("critical time t_c (top eigenvalue at x*(t) crosses 0)", F(r.CriticalTime, "F5")),
            ("crossing at the centre e⁻ᵗā itself (grid-interpolated)", F(r.CriticalTimeAtCentre, "F5")),
        };
        if (r.Model is not null) rows.Add(($"t_c closed form ({r.Model.Label})", F(r.CriticalTimeClosedForm, "F5")));
        rows.Add(("t_S = ½ ln Λ (speciation)", F(r.SpeciationTime)));
        if (r.Drift == ReverseDrift.Sde) rows.Add(("Gaussian top mode ½ ln(Λ − 1)", F(r.GaussianCriticalTime)));
        rows.Add(("largest eigenvalue at t_max / t_min", $"{F(r.CentreCurve[0].Eigenvalues[0])} / {F(r.CentreCurve[^1].Eigenvalues[0])}"));
        rows.Add(($"fixed points along u₁ at t = {r.Times[^1].ToString("G3", Inv)}", $"{lastBranches.Count} ({lastBranches.Count(b => b.Stable)} stable): q = " +
                  string.Join(", ", lastBranches.OrderBy(b => b.Q).Select(b => b.Q.ToString("F3", Inv)))));
        int unconverged = r.CentreCurve.Count(c => !c.Converged);
        rows.Add(("central fixed point", unconverged == 0 ? $"converged at all {r.CentreCurve.Count} times (max residual {r.CentreCurve.Max(c => c.Residual):G2})"
            : $"{unconverged} of {r.CentreCurve.Count} times not converged"));
        if (r.Note is not null) rows.Add(("note", r.Note));
        rows.Add(("time", $"{r.Run.TotalSeconds:F1} s"));
        return rows;
    }

    private static void WriteCsv(SymmetryBreakingResult r, string centrePath, string branchesPath)
    {
        int k = r.CentreCurve.Min(c => c.Eigenvalues.Length), p = r.Data.DirectionVariances.Length;
        var header = new[] { "t", "residual", "distance" }
            .Concat(Enumerable.Range(1, k).Select(i => $"eigenvalue{i}"))
            .Concat(Enumerable.Range(1, p).Select(i => $"projection{i}")).ToArray();
        Csv.WriteTable(centrePath, header, r.CentreCurve.Select(c =>
            new[] { c.T, c.Residual, c.Distance }.Concat(c.Eigenvalues.Take(k)).Concat(c.Projections.Take(p)).ToArray()));
        Csv.WriteTable(branchesPath, ["direction", "t", "q", "stable", "slope"],
            r.Branches.Select(b => new[] { b.Direction + 1.0, b.T, b.Q, b.Stable ? 1.0 : 0.0, b.Slope }));
    }

    private static void WriteReport(SymmetryBreakingResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption)> figures, string[] args, string path)
    {
        var report = new HtmlReport("diffdyn symmetry — spontaneous symmetry breaking")
            .Code("diffdyn symmetry " + string.Join(' ', args))
            .Paragraph("The backward drift f(x, t) = x + c ∇ln P_t(x) (c = 2 for the reverse SDE, 1 for the probability-flow ODE) has a central fixed point " +
                       "that is stable at large t and loses stability as t decreases; new fixed points then appear, one pair per emerging mode " +
                       "(Raya & Ambrogioni 2023, arXiv 2305.19693; the linear regime of Biroli et al. 2024, arXiv 2402.18491). All times are OU times t: " +
                       "x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z. " +
                       (r.Centre == CentreChoice.DataMean ? "The data are centred (a − ā), so the centre at time t is e^{-t} ā; " : "The centre is the origin; ") +
                       "x*(t) is tracked by Newton continuation from the largest t, and the critical time is where the largest eigenvalue of ∂f at x*(t) crosses 0 " +
                       "(refined by bisection in t). Branches: roots of u_k·f(x* + q u_k, t) in q, stable where the slope is negative.")
            .Summary(rows);
        report.Figures(figures);
        report.Heading("Files").Links([
            ("symmetry.json", "every number of this page (OU times): critical times, eigenvalue curves, branches, potentials"),
            ("symmetry.csv", "per time: residual, |x* − c|, top eigenvalues of ∂f, projections on u_k"),
            ("branches.csv", "fixed points: direction, t, q, stable (1/0), slope"),
            ("manifest.json", "command, options, version, runtime, timings"),
        ]);
        report.Write(path);
    }

}
