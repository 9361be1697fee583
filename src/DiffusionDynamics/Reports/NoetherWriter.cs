using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn noether</c>: noether.json, paths.csv, the figures and the report (Vastola, arXiv 2504.09761; docs/theory.md §8.4–8.6).</summary>
public sealed class NoetherWriter : IReportWriter<NoetherResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn noether (least-action paths)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn noether — least-action paths and conserved quantities";

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(NoetherResult r)
    {
        var rows = new List<(string, string)>
        {
            ("drift / diffusion", $"{r.Drift} / {r.Diffusion}"),
            ("time", $"{r.Clock}; T = {r.Duration.ToString("G4", Inv)}, K = {r.Steps} intervals"),
        };
        foreach (var p in r.Paths)
        {
            string charges = string.Join("; ", p.Conserved.Select(c => string.Create(Inv, $"{c.Key} {c.Value.Mean:G5} (max rel. drift {c.Value.MaxRelativeDrift:G2})")));
            rows.Add(($"path {p.Label}", string.Create(Inv, $"S = {p.Action:G6}; EL residual {p.EulerLagrangeResidual:G2}{(p.Converged ? "" : " (not converged)")}") +
                (charges.Length > 0 ? "; " + charges : "")));
        }
        if (r.ClosedForm is { } cf)
            rows.Add(("closed form", string.Create(Inv, $"S = {cf.Action:G6}, max |x − x_cf| = {cf.MaxPathError:G3}") +
                (cf.Tolerance is double tol ? string.Create(Inv, $" (bound {tol:G3})") : "") + (cf.Energy is double e ? string.Create(Inv, $", E = {e:G6}") : "")));
        if (r.MonteCarlo is { } mc)
            rows.Add(("Monte-Carlo conditioned mean", string.Create(Inv, $"{mc.Kept} of {mc.Simulated} paths kept; max |mean − line| = {mc.MaxDeviationInStandardErrors:F2} SE; ") +
                (mc.WithinTolerance ? "on the straight line" : "OFF the straight line")));
        if (r.ProbabilityFlow is { } pf)
            rows.Add(("probability-flow path", string.Create(Inv, $"start angle {pf.StartAngle * 180 / Math.PI:F2}°, end angle {pf.EndAngle * 180 / Math.PI:F2}°; least-action path to its end: L = {pf.LeastActionAngularMomentum:G3}, S = {pf.LeastActionAction:G5}")));
        if (r.Cheapest is not null) rows.Add(("cheapest end point", r.Cheapest));
        rows.Add(("time", $"{r.Seconds:F1} s"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(NoetherResult r, RunOutput output)
    {
        output.Json("noether.json", r);
        if (r.Paths.All(p => p.Path.Length > 0))
        {
            int d = r.Dimension;
            Csv.WriteTable(output.File("paths.csv"), new[] { "path", "s" }.Concat(Enumerable.Range(1, d).Select(c => $"x{c}")).ToArray(),
                r.Paths.SelectMany((p, i) => p.Times.Select((s, k) => new[] { (double)i, s }.Concat(p.Path[k]).ToArray())));
        }
        if (r.MonteCarlo is { } mc)
            Csv.WriteTable(output.File("monte-carlo.csv"), ["s", "mean", "stderr", "line"], mc.Times.Select((s, k) => new[] { s, mc.Mean[k], mc.StandardError[k], mc.Line[k] }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(NoetherResult r, RunOutput output) => ReportFigure.Of(NoetherFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(NoetherResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph($"What ran: drift {r.Drift}, diffusion {r.Diffusion}, d = {r.Dimension}, {r.Paths.Count} path(s) of K = {r.Steps} intervals over T = {r.Duration.ToString("G4", Inv)}; times: {r.Clock}.");
        html.Paragraph("For dx = f(x, s) ds + sqrt(2D) dW the most likely path between two fixed states minimizes the Onsager–Machlup action " +
                       "S = ∫ |ẋ − f|²/(4D) ds (Vastola 2025, arXiv 2504.09761). It is minimized here in its midpoint discretization by L-BFGS with the analytic " +
                       "gradient. Symmetries of the drift give conserved quantities along the path (Noether): the energy (|ẋ|² − |f|²)/(4D) for a " +
                       "time-homogeneous drift, the momentum p = (ẋ − f)/(2D) for a translation-invariant one, the angular momentum x × p for a rotation-invariant one. " +
                       "For reverse diffusion the path time s runs from the noise point at OU time t₀ toward the data (t = t₀ − s).")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("noether.json", "every number of this page: paths, actions, conserved quantities, closed forms, Monte Carlo"),
            ("paths.csv", "the path nodes (path index, s, x) when d ≤ 8"),
            ("manifest.json", "command, options, version, runtime, timings"),
        ]);
    }
}
