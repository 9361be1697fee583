using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn symmetry</c>: symmetry.json, symmetry.csv, branches.csv, the figures and the report (Raya &amp; Ambrogioni 2023, docs/theory.md §5).</summary>
public sealed class SymmetryWriter : IReportWriter<SymmetryResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn symmetry (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn symmetry — spontaneous symmetry breaking";

    private static string F(double? v, string format = "F4") => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(SymmetryResult r)
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

    /// <inheritdoc />
    public void WriteData(SymmetryResult r, RunOutput output)
    {
        output.Json("symmetry.json", r);
        int k = r.CentreCurve.Min(c => c.Eigenvalues.Length), p = r.Data.DirectionVariances.Length;
        var header = new[] { "t", "residual", "distance" }
            .Concat(Enumerable.Range(1, k).Select(i => $"eigenvalue{i}"))
            .Concat(Enumerable.Range(1, p).Select(i => $"projection{i}")).ToArray();
        Csv.WriteTable(output.File("symmetry.csv"), header, r.CentreCurve.Select(c =>
            new[] { c.T, c.Residual, c.Distance }.Concat(c.Eigenvalues.Take(k)).Concat(c.Projections.Take(p)).ToArray()));
        Csv.WriteTable(output.File("branches.csv"), ["direction", "t", "q", "stable", "slope"],
            r.Branches.Select(b => new[] { b.Direction + 1.0, b.T, b.Q, b.Stable ? 1.0 : 0.0, b.Slope }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(SymmetryResult r, RunOutput output) => ReportFigure.Of(SymmetryFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(SymmetryResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.N}, d = {r.Data.D})", r.Score, clock: r.Clock) +
                       $" Dynamics: {(r.Drift == Theory.ReverseDrift.ProbabilityFlow ? "ode (probability-flow drift)" : "sde (reverse-SDE drift)")}.");
        html.Paragraph("The backward drift f(x, t) = x + c ∇ln P_t(x) (c = 2 for the reverse SDE, 1 for the probability-flow ODE) has a central fixed point " +
                       "that is stable at large t and loses stability as t decreases; new fixed points then appear, one pair per emerging mode " +
                       "(Raya & Ambrogioni 2023, arXiv 2305.19693; the linear regime of Biroli et al. 2024, arXiv 2402.18491). All times are OU times t: " +
                       "x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z. " +
                       (r.Centre == CentreChoice.DataMean ? "The data are centred (a − ā), so the centre at time t is e^{-t} ā; " : "The centre is the origin; ") +
                       "x*(t) is tracked by Newton continuation from the largest t, and the critical time is where the largest eigenvalue of ∂f at x*(t) crosses 0 " +
                       "(refined by bisection in t). Branches: roots of u_k·f(x* + q u_k, t) in q, stable where the slope is negative.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("symmetry.json", "every number of this page (OU times): critical times, eigenvalue curves, branches, potentials"),
            ("symmetry.csv", "per time: residual, |x* − c|, top eigenvalues of ∂f, projections on u_k"),
            ("branches.csv", "fixed points: direction, t, q, stable (1/0), slope"),
            ("manifest.json", "command, options, version, runtime, timings"),
        ]);
    }
}
