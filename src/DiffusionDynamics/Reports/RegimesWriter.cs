using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>
/// A regimes run: the result, and with a trained model also the exact empirical score's result on the same training set
/// (summary rows that differ then show "model | exact").
/// </summary>
/// <param name="Result">The measured run (the trained model's when <paramref name="ModelDir"/> is set).</param>
/// <param name="Exact">The exact empirical score's run beside a trained model, else null.</param>
/// <param name="ModelDir">The trained model folder, else null.</param>
public sealed record RegimesReport(RegimesResult Result, RegimesResult? Exact = null, string? ModelDir = null);

/// <summary>Writer of <c>diffdyn regimes</c>: regimes.json (+ regimes-exact.json), regimes.csv, the figures and the report (Biroli et al. 2024, docs/theory.md §4).</summary>
/// <param name="training">The training set (image figures show samples beside their nearest training image).</param>
public sealed class RegimesWriter(Dataset training) : IReportWriter<RegimesReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn regimes (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn regimes — speciation and collapse";

    private static string F(double? v, string? format = null) => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(RegimesReport report)
    {
        var rows = SummaryRows(report.Result);
        if (report.Exact is null) return rows;
        var exactRows = SummaryRows(report.Exact);
        // Rows that differ show "model | exact"; data, theory and the class rule are the same for both.
        rows = rows.Select(r =>
        {
            string other = exactRows.FirstOrDefault(e => e.Quantity == r.Quantity).Value ?? "—";
            return other == r.Value ? r : (r.Quantity, r.Value + "  |  exact: " + other);
        }).ToList();
        rows.Insert(0, ("score", $"{RunDescription.Score(report.Result.Run.Score, report.ModelDir)}  |  exact: exact empirical score of the same training set"));
        return rows;
    }

    /// <summary>The summary rows of one result.</summary>
    public static List<(string Quantity, string Value)> SummaryRows(RegimesResult r)
    {
        var s = r.Speciation;
        var c = r.Collapse;
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})"),
            ("Λ (top eigenvalue of the covariance)", F(r.Data.LambdaMax, "G5")),
            ("t_S theory = ½ ln Λ", F(s.Theory) + (s.TheoryDefined ? "" : " (Λ ≤ 1: undefined)")),
            ("t_S measured (cloning)", s.Measured is not double tm ? "—" : s.Stderr is double tse ? ReportFormat.WithError(tm, tse) : F(tm)),
            ("classes", s.ClassRule),
            ("φ∞ / crossing level φ̃", $"{F(s.PhiInfinity)} / {F(s.NormalizedLevel)} (two-cluster φ(t_S) = {F(s.ReferencePhi, "F4")})"),
            ("t_C theory, Gaussian data (σ² = tr C/d)", F(c.TheoryGaussian)),
        };
        if (c.TheoryAnisotropic is not null) rows.Add(("t_C theory, Gaussian with the data's spectrum", F(c.TheoryAnisotropic)));
        if (c.TheoryTwoCluster is not null) rows.Add(("t_C theory, two-cluster model", F(c.TheoryTwoCluster)));
        rows.Add(("t_C from the excess entropy (f = 0)", EntropyCrossingText(c)));
        rows.Add(("t̂_C last change of nearest point", LastChangeText(c, r.Run.Pairs)));
        rows.Add(("memorized share (d₁/d₂ < 1/3)", ReportFormat.Share(c.MemorizedFraction, c.LastChangeTimes.Length)));
        if (s.Note is not null) rows.Add(("note", s.Note));
        if (c.Note is not null) rows.Add(("note (collapse)", c.Note));
        rows.Add(("time", $"{r.Run.TotalSeconds:F1} s"));
        return rows;
    }

    /// <summary>Share of samples that must end at a training point before t̂_C (the last change of the nearest point) reads as a collapse time.</summary>
    public const double CollapsedShare = 0.5;

    /// <summary>The excess-entropy zero, or why there is none: no sign change, or a zero outside the measured times.</summary>
    public static string EntropyCrossingText(CollapseResult c)
    {
        if (c.EntropyCrossing is not double e) return "— (f does not change sign: no collapse within the measured times)";
        var times = (c.EntropyCurve?.Select(p => p.T) ?? c.Curve.Select(p => p.T)).ToArray();
        if (times.Length > 0 && (e < times.Min() || e > times.Max()))
            return $"— (the zero {F(e)} lies outside the measured times [{F(times.Min())}, {F(times.Max())}])";
        return c.EntropyCrossingStderr is double se ? ReportFormat.WithError(e, se) : F(e);
    }

    /// <summary>t̂_C as mean (sd) when the samples collapsed; else "not meaningful" with the memorized share (no collapse to read off the histogram).</summary>
    public static string LastChangeText(CollapseResult c, int pairs)
    {
        if (c.MemorizedFraction < CollapsedShare)
            return $"not meaningful: {ReportFormat.Number(100 * c.MemorizedFraction, "F1")} % of the samples end at a training point (no collapse)";
        return $"{F(c.LastChangeMean)} (sd {F(c.LastChangeStd)})";
    }

    /// <inheritdoc />
    public void WriteData(RegimesReport report, RunOutput output)
    {
        output.Json("regimes.json", report.Result);
        if (report.Exact is not null) output.Json("regimes-exact.json", report.Exact);
        var r = report.Result;
        var phi = r.Speciation.Curve.ToDictionary(p => p.T);
        Csv.WriteTable(output.File("regimes.csv"), ["t", "phi", "phiStderr", "phiNormalized", "phiTheory", "phiC", "phiCStderr", "f", "fStderr", "fOverAlpha"],
            r.Collapse.Curve.Select(c =>
            {
                phi.TryGetValue(c.T, out var s);
                return new[] { c.T, s?.Phi ?? double.NaN, s?.Stderr ?? double.NaN, s?.PhiNormalized ?? double.NaN, s?.Theory ?? double.NaN,
                    c.PhiC, c.Stderr, c.F, c.FStderr, c.FOverAlpha };
            }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(RegimesReport report, RunOutput output) =>
        RegimesFigures.WriteAll(report.Result, training, output.Folder, report.Exact).Select(f => new ReportFigure(f.File, f.Caption, f.File != "samples-vs-nearest.png")).ToList();

    /// <inheritdoc />
    public void WriteReport(RegimesReport report, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        var r = report.Result;
        html.Paragraph("Regime I (t > t_S): noise, no class chosen. Regime II (t_C < t < t_S): features form, the dynamics generalizes. " +
                       "Regime III (t < t_C): trajectories are captured by single training points (Biroli, Bonnaire, De Bortoli & Mézard 2024, arXiv 2402.18491). " +
                       "All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.")
            .Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})", RunDescription.Score(r.Run.Score, report.ModelDir),
                r.Run.Sampler, r.Run.Start, $"uniform + log-tail ({r.Run.Steps} steps from T = {F(r.Run.TMax, "G4")} to t_min = {F(r.Run.TMin, "G4")})") +
                (report.Exact is null ? "" : " Beside it, the exact empirical score of the same training set ran with the same options and seeds " +
                    "(regimes-exact.json); the figures overlay both, and summary rows that differ show \"model | exact\"."))
            .Summary(rows)
            .Paragraph($"Speciation: classes from {r.Speciation.ClassRule}; φ∞ = Σ p_c² = {F(r.Speciation.PhiInfinity)}; measured t_S is where " +
                       $"φ̃ = (φ − φ∞)/(1 − φ∞) falls through {F(r.Speciation.NormalizedLevel, "F4")}, the two-cluster model's normalized value at its t_S " +
                       $"(φ(t_S) = {F(r.Speciation.ReferencePhi, "F4")} by quadrature); error from {r.Speciation.BootstrapCrossings} bootstrap resamples of the clone pairs. " +
                       (r.Speciation.RefinedTimes.Count == 0 ? "" : $"The crossing was refined at {string.Join(", ", r.Speciation.RefinedTimes.Select(t => F(t)))} " +
                           $"({r.Speciation.RefineRounds} round(s) of new parents, several clones each; docs/theory.md §4.4a), interpolated between refined points, " +
                           "the bootstrap redrawing the parents of both passes. " +
                           (r.Speciation.ExactParents ? "The refinement parents are exact draws of the forward marginal at the latest refined time (exact empirical score). " : "") +
                           (r.Speciation.ReadoutTime is double tr ? $"Its clones were classified by D(x(t), t) at t = {F(tr)}, where every coarse pair already agreed. " : "")) +
                       (r.Run.PruneTolerance > 0
                           ? $"The exact empirical score dropped at most {F(r.Run.MaxDroppedMass, "G2")} of any sample's posterior mass (certified; tolerance {F(r.Run.PruneTolerance, "G2")}, " +
                             $"pruned in {r.Run.PrunedCalls} of {r.Run.DenoiserCalls} calls; docs/theory.md §10.7). "
                           : "") +
                       "The Gaussian-data t_C is the prediction for Gaussian data with this n and d, not a claim about these data.");
        html.Figures(figures);
        html.Heading("Files").Links([
            ("regimes.json", report.Exact is null ? "every number of this page (OU times)" : "every number of the model's run (OU times)"),
            .. (report.Exact is null ? Array.Empty<(string, string)>() : [("regimes-exact.json", "the same analysis with the exact empirical score of the training set")]),
            ("regimes.csv", "the curves: φ, φ̃, φ_C, f, f/α per branch time"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
    }
}
