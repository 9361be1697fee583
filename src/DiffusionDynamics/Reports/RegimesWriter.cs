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
        rows.Insert(0, ("score", $"trained model ({report.ModelDir})  |  exact: exact empirical score of the same training set"));
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
        RegimesFigures.WriteAll(report.Result, training, output.Folder).Select(f => new ReportFigure(f.File, f.Caption, f.File != "samples-vs-nearest.png")).ToList();

    /// <inheritdoc />
    public void WriteReport(RegimesReport report, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        var r = report.Result;
        html.Paragraph("Regime I (t > t_S): noise, no class chosen. Regime II (t_C < t < t_S): features form, the dynamics generalizes. " +
                       "Regime III (t < t_C): trajectories are captured by single training points (Biroli, Bonnaire, De Bortoli & Mézard 2024, arXiv 2402.18491). " +
                       "All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z. The score is the exact empirical score of the training set.")
            .Summary(rows)
            .Paragraph($"Speciation: classes from {r.Speciation.ClassRule}; φ∞ = Σ p_c² = {F(r.Speciation.PhiInfinity)}; measured t_S is where " +
                       $"φ̃ = (φ − φ∞)/(1 − φ∞) falls through {F(r.Speciation.NormalizedLevel, "F4")}, the two-cluster model's normalized value at its t_S " +
                       $"(φ(t_S) = {F(r.Speciation.ReferencePhi, "F4")} by quadrature); error from {r.Speciation.BootstrapCrossings} bootstrap resamples of the clone pairs. " +
                       "The Gaussian-data t_C is the prediction for Gaussian data with this n and d, not a claim about these data.");
        html.Figures(figures);
        html.Heading("Files").Links([
            ("regimes.json", "every number of this page (OU times)"),
            ("regimes.csv", "the curves: φ, φ̃, φ_C, f, f/α per branch time"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
    }
}
