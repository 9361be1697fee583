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

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn regimes</c>: the three regimes of generation on a dataset (Biroli et al. 2024): speciation and collapse,
/// in theory and measured on the backward dynamics of the exact empirical score, with figures and a report.
/// </summary>
public static class RegimesCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Build()
    {
        var common = new CommonOptions();
        var steps = new Option<int>("--steps") { Description = "Uniform SDE steps from T to t_min (branch times and a log tail near t_min are added).", DefaultValueFactory = _ => 200 };
        var pairs = new Option<int>("--pairs") { Description = "Clone pairs per branch time.", DefaultValueFactory = _ => 128 };
        var branches = new Option<int>("--branches") { Description = "Number of branch times (geometric spacing).", DefaultValueFactory = _ => 14 };
        var branchMin = new Option<double?>("--branch-min") { Description = "Smallest branch time (default max(0.01, 5 t_min))." };
        var branchMax = new Option<double?>("--branch-max") { Description = "Largest branch time (default min(0.9 T, max(2.5 t_S, 2)))." };
        var entropySamples = new Option<int>("--entropy-samples") { Description = "Monte-Carlo samples per time for the excess entropy f(t).", DefaultValueFactory = _ => 2048 };
        var entropyTimes = new Option<int>("--entropy-times") { Description = "Times of f(t) besides the branch times (log-spaced over the branch range), where its zero is located.", DefaultValueFactory = _ => 32 };
        var model = new Option<string?>("--model") { Description = "A trained model folder (from diffdyn train): run the trajectories with it, beside the exact empirical score of its training set." };
        var classifier = new Option<string>("--classifier") { Description = "logistic | cnn: how labelled data decide the class of a sample (cnn: image data).", DefaultValueFactory = _ => "logistic" };
        classifier.AcceptOnlyFromAmong("logistic", "cnn");
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the error of the measured t_S.", DefaultValueFactory = _ => 200 };

        var command = new Command("regimes", "Measure speciation and collapse — the three regimes of generation — on a dataset, beside their closed forms.");
        common.AddTo(command);
        var dynamics = new DynamicsOptions();
        dynamics.AddTo(command);
        foreach (var o in new Option[] { steps, pairs, branches, branchMin, branchMax, entropySamples, entropyTimes, bootstrap, model, classifier })
            command.Options.Add(o);
        CommonOptions.AtLeast(steps, 1); CommonOptions.AtLeast(pairs, 2); CommonOptions.AtLeast(branches, 2); CommonOptions.AtLeast(entropySamples, 2); CommonOptions.AtLeast(entropyTimes, 0); CommonOptions.AtLeast(bootstrap, 10);

        command.SetAction(p =>
        {
            var request = common.DataRequest(p);
            string? modelDir = p.GetValue(model);
            bool dataGiven = new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });
            if (modelDir is not null && !dataGiven) request = TrainedModel.DataRequestOf(modelDir);
            var options = new RegimesOptions(
                Pairs: p.GetValue(pairs), Steps: p.GetValue(steps), BranchCount: p.GetValue(branches),
                BranchMin: p.GetValue(branchMin), BranchMax: p.GetValue(branchMax),
                TMax: p.GetValue(dynamics.TMax), TMin: p.GetValue(dynamics.TMin),
                Start: dynamics.StartRule(p),
                EntropySamples: p.GetValue(entropySamples), EntropyTimes: p.GetValue(entropyTimes), Bootstrap: p.GetValue(bootstrap), Seed: p.GetValue(common.Seed),
                Precision: dynamics.PrecisionOf(p),
                Classifier: p.GetValue(classifier) == "cnn" ? ClassifierKind.Cnn : ClassifierKind.Logistic);
            options.Validate();
            return Execute(request, options, common.OutputFolder(p, "regimes"), modelDir,
                CommonOptions.Arguments(p), p.InvocationConfiguration.Output);
        });
        return command;
    }


    /// <summary>Runs the analysis and writes the results folder; exceptions propagate to <see cref="CliApp"/>.</summary>
    public static int Execute(DataRequest request, RegimesOptions options, string outDir, string? modelDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (data, truth) = request.LoadWithTruth();
        using var trained = modelDir is null ? null : TrainedModel.Load(modelDir, data);
        using var run = RunDirectory.Create(outDir);
        output.WriteLine($"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {options.Pairs} clone pairs at {options.BranchCount} branch times, {options.Steps} SDE steps from T = {options.TMax.ToString(Inv)}" +
                         (trained is null ? "" : $"; trained model {modelDir}"));
        var result = ProgressDisplay.RunStages(output, report =>
            RegimesAnalysis.Run(data, options, truth as TwoClusterData, new StageProgress(report, trained is null ? "" : "model: "), model: trained));
        var exact = trained is null ? null : ProgressDisplay.RunStages(output, report =>
            RegimesAnalysis.Run(data, options, truth as TwoClusterData, new StageProgress(report, "exact score: ")));

        File.WriteAllText(run.File("regimes.json"), JsonSerializer.Serialize(result, RunManifest.JsonOptions));
        if (exact is not null) File.WriteAllText(run.File("regimes-exact.json"), JsonSerializer.Serialize(exact, RunManifest.JsonOptions));
        WriteCsv(result, run.File("regimes.csv"));
        var figures = RegimesFigures.WriteAll(result, data, run.Staging);
        var rows = SummaryRows(result);
        if (exact is not null)
        {
            var exactRows = SummaryRows(exact);
            // Rows that differ show "model | exact"; data, theory and the class rule are the same for both.
            rows = rows.Select(r =>
            {
                string other = exactRows.FirstOrDefault(e => e.Item1 == r.Item1).Item2 ?? "—";
                return other == r.Item2 ? r : (r.Item1, r.Item2 + "  |  exact: " + other);
            }).ToList();
            rows.Insert(0, ("score", $"trained model ({modelDir})  |  exact: exact empirical score of the same training set"));
        }
        new RunManifest
        {
            Command = "regimes",
            Arguments = args,
            Options = new { data = request, regimes = options, model = modelDir },
            Seed = options.Seed,
            DataPreprocessing = data.Preprocessing,
            TimingsSeconds = new() { ["cloning"] = result.Run.CloningSeconds, ["entropy"] = result.Run.EntropySeconds, ["analysis"] = result.Run.TotalSeconds, ["total"] = clock.Elapsed.TotalSeconds },
        }.Write(run.File("manifest.json"));
        WriteReport(result, rows, figures, args, run.File("index.html"));
        run.Commit();

        SummaryTable.Print(output, "diffdyn regimes (times in OU t)", rows);
        output.WriteLine($"results: {run.Target}{Path.DirectorySeparatorChar}index.html");
        return 0;
    }

    private static string F(double? v, string format = "F3") => SummaryTable.Number(v, format);

    /// <summary>The summary table (shared by the terminal and the report).</summary>
    public static List<(string, string)> SummaryRows(RegimesResult r)
    {
        var s = r.Speciation;
        var c = r.Collapse;
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("Λ (top eigenvalue of the covariance)", F(r.Data.LambdaMax, "G5")),
            ("t_S theory = ½ ln Λ", F(s.Theory) + (s.TheoryDefined ? "" : " (Λ ≤ 1: undefined)")),
            ("t_S measured (cloning)", s.Measured is null ? "—" : $"{F(s.Measured)} ± {F(s.Stderr)}"),
            ("classes", s.ClassRule),
            ("φ∞ / crossing level φ̃", $"{F(s.PhiInfinity)} / {F(s.NormalizedLevel)} (two-cluster φ(t_S) = {F(s.ReferencePhi, "F4")})"),
            ("t_C theory, Gaussian data (σ² = tr C/d)", F(c.TheoryGaussian)),
        };
        if (c.TheoryAnisotropic is not null) rows.Add(("t_C theory, Gaussian with the data's spectrum", F(c.TheoryAnisotropic)));
        if (c.TheoryTwoCluster is not null) rows.Add(("t_C theory, two-cluster model", F(c.TheoryTwoCluster)));
        rows.Add(("t_C from the excess entropy (f = 0)", c.EntropyCrossing is null ? "— (no sign change)" : $"{F(c.EntropyCrossing)} ± {F(c.EntropyCrossingStderr)}"));
        rows.Add(("t̂_C last change of nearest point", $"{F(c.LastChangeMean)} (sd {F(c.LastChangeStd)})"));
        rows.Add(("memorized share (d₁/d₂ < 1/3)", c.MemorizedFraction.ToString("P1", Inv)));
        if (s.Note is not null) rows.Add(("note", s.Note));
        if (c.Note is not null) rows.Add(("note (collapse)", c.Note));
        rows.Add(("time", $"{r.Run.TotalSeconds:F1} s"));
        return rows;
    }

    private static void WriteCsv(RegimesResult r, string path)
    {
        var phi = r.Speciation.Curve.ToDictionary(p => p.T);
        Csv.WriteTable(path, ["t", "phi", "phiStderr", "phiNormalized", "phiTheory", "phiC", "phiCStderr", "f", "fStderr", "fOverAlpha"],
            r.Collapse.Curve.Select(c =>
            {
                phi.TryGetValue(c.T, out var s);
                return new[] { c.T, s?.Phi ?? double.NaN, s?.Stderr ?? double.NaN, s?.PhiNormalized ?? double.NaN, s?.Theory ?? double.NaN,
                    c.PhiC, c.Stderr, c.F, c.FStderr, c.FOverAlpha };
            }));
    }

    private static void WriteReport(RegimesResult r, List<(string, string)> rows, IReadOnlyList<(string File, string Caption)> figures, string[] args, string path)
    {
        var report = new HtmlReport("diffdyn regimes — speciation and collapse")
            .Code("diffdyn regimes " + string.Join(' ', args))
            .Paragraph("Regime I (t > t_S): noise, no class chosen. Regime II (t_C < t < t_S): features form, the dynamics generalizes. " +
                       "Regime III (t < t_C): trajectories are captured by single training points (Biroli, Bonnaire, De Bortoli & Mézard 2024, arXiv 2402.18491). " +
                       "All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z. The score is the exact empirical score of the training set.")
            .Heading("Summary")
            .Table(["quantity", "value"], rows.Select(x => (IReadOnlyList<string>)new[] { x.Item1, x.Item2 }))
            .Paragraph($"Speciation: classes from {r.Speciation.ClassRule}; φ∞ = Σ p_c² = {F(r.Speciation.PhiInfinity)}; measured t_S is where " +
                       $"φ̃ = (φ − φ∞)/(1 − φ∞) falls through {F(r.Speciation.NormalizedLevel, "F4")}, the two-cluster model's normalized value at its t_S " +
                       $"(φ(t_S) = {F(r.Speciation.ReferencePhi, "F4")} by quadrature); error from {r.Speciation.BootstrapCrossings} bootstrap resamples of the clone pairs. " +
                       "The Gaussian-data t_C is the prediction for Gaussian data with this n and d, not a claim about these data.");
        report.Heading("Figures");
        foreach (var (file, caption) in figures) report.Figure(file, caption, hasSvg: file != "samples-vs-nearest.png");
        report.Heading("Files").Links([
            ("regimes.json", "every number of this page (OU times)"),
            ("regimes.csv", "the curves: φ, φ̃, φ_C, f, f/α per branch time"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
        report.Write(path);
    }

}
