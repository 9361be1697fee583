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
    public static Command Build()
    {
        var common = new CommonOptions();
        var score = new Option<string>("--score") { Description = "empirical (exact empirical score) | gaussian (Gaussian fitted to the data) | two-cluster (analytic tanh score; two-cluster data only).", DefaultValueFactory = _ => "empirical" };
        score.AcceptOnlyFromAmong("empirical", "gaussian", "two-cluster");
        var model = DenoiserChoice.ModelOption(": analyse its score (finite-difference Jacobians on the principal directions); data options default to the model's.");
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

        OptionFlags.SetAction(command, p =>
        {
            string? modelDir = p.GetValue(model);
            var request = DenoiserChoice.Request(p, common, modelDir);
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
            var scoreChoice = scoreKind switch { "gaussian" => SymmetryScore.Gaussian, "two-cluster" => SymmetryScore.TwoCluster, _ => SymmetryScore.Empirical };
            return Execute(request, new SymmetryOptions(options, scoreChoice, prec), modelDir is null ? scoreKind : "model", common.OutputFolder(p, "symmetry"), modelDir,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    /// <summary>Runs the analysis and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    /// <param name="scoreToken">The --score token (or "model") recorded in the manifest.</param>
    public static int Execute(DataRequest request, SymmetryOptions options, string scoreToken, string outDir,
        string? modelDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        if (data.Count < 2) throw new ArgumentException($"The symmetry analysis needs n ≥ 2 data points (got n = {data.Count}).");
        using var trained = DenoiserChoice.Trained(modelDir, data);
        using var setup = SymmetryExperiment.Prepare(new SymmetryInputs(data, truth, trained, $"trained model ({modelDir})"), options);
        using var run = RunOutput.Create(outDir);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; score: {setup.ScoreName}; {options.Analysis.Drift} drift, {options.Analysis.Times} times");
        var result = ProgressDisplay.RunStages(report => SymmetryExperiment.Run(setup, data, options, new StageProgress(report)));
        var manifest = CommandRun.Manifest("symmetry", args, new { data = request, symmetry = options.Analysis, score = scoreToken, precision = setup.Precision, model = modelDir }, request.Seed, data, new() { ["centre"] = result.Run.CentreSeconds, ["branches"] = result.Run.BranchSeconds, ["analysis"] = result.Run.TotalSeconds });
        return RunSummaryPrinter.Print(output, run.Finish(new SymmetryWriter(), result, manifest, clock));
    }
}
