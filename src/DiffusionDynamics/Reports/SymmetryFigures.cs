using DiffusionDynamics.Analysis;
using DiffusionDynamics.Theory;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="SymmetryResult"/>; each draws from the result alone.</summary>
public static class SymmetryFigures
{
    private static readonly Color Stable = Colors.Blue;
    private static readonly Color Unstable = Colors.Red;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(SymmetryResult result, string directory)
    {
        string drift = DriftName(result.Drift);
        var figures = new List<(string, string)>
        {
            (Bifurcation(result, directory, 0), $"Bifurcation diagram along u₁: fixed points q of the {drift} drift on the line x*(t) + q u₁ " +
                "(q = u₁·(x − e^{−t}c)); solid blue: stable along u₁, dashed red: unstable; vertical lines: critical time measured" +
                (result.Model is null ? "." : " and closed form; black dotted: closed-form branches ±q₊(t) and 0.")),
            (Eigenvalues(result, directory), $"Largest eigenvalues of the {drift} drift's Jacobian ∂f = I + c∇∇ln P_t at the central fixed point x*(t) " +
                $"({(result.Method == JacobianMethod.Dense ? "full spectrum" : "Ritz values on the principal directions")}); the centre loses stability where the top one crosses 0."),
        };
        if (result.Potentials.Count > 0)
            figures.Add((Potential(result, directory), "Potential V(q) = −∫₀^q u₁·f dq along u₁ through x*(t) at a few times: a single well above the critical time, " +
                "a double well below" + (result.Model is null ? "." : "; dotted: closed form.")));
        for (int k = 1; k < result.Data.DirectionVariances.Length && k < 3; k++)
            figures.Add((Bifurcation(result, directory, k), $"Bifurcation diagram along u{Sub(k + 1)} (λ = {result.Data.DirectionVariances[k]:G4})."));
        return figures;
    }

    /// <summary>q(t) of the fixed points along u_k: stable solid, unstable dashed, critical times marked.</summary>
    public static string Bifurcation(SymmetryResult r, string directory, int direction, string? name = null)
    {
        name ??= direction == 0 ? "bifurcation" : $"bifurcation-u{direction + 1}";
        string u = "u" + Sub(direction + 1);
        var plot = Figure.Create($"Fixed points of the {DriftName(r.Drift)} drift along {u}", "OU time t", $"q = {u}·(x − e⁻ᵗc)");
        var points = r.Branches.Where(b => b.Direction == direction).ToList();
        bool stableLabelled = false, unstableLabelled = false;
        foreach (var (stable, ts, qs) in Segments(points, r.Times))
        {
            var line = plot.Add.ScatterLine(ts, qs);
            line.Color = stable ? Stable : Unstable;
            line.LineWidth = 2;
            line.LinePattern = stable ? LinePattern.Solid : LinePattern.Dashed;
            if (ts.Length == 1) { line.MarkerSize = 5; line.MarkerShape = MarkerShape.FilledCircle; }
            if (stable && !stableLabelled) { line.LegendText = $"stable along {u}"; stableLabelled = true; }
            if (!stable && !unstableLabelled) { line.LegendText = $"unstable along {u}"; unstableLabelled = true; }
        }
        if (direction == 0 && r.Model is { } model)
        {
            var tGrid = Enumerable.Range(0, 300).Select(i => r.Times[^1] + (r.Times[0] - r.Times[^1]) * i / 299.0).ToArray();
            var plus = tGrid.Select(t => SymmetryBreaking.PositiveFixedPoint(r.Drift, t, model.MeanNormSq, model.Sigma)).ToArray();
            var keep = Enumerable.Range(0, tGrid.Length).Where(i => double.IsFinite(plus[i])).ToArray();
            if (keep.Length > 1)
            {
                foreach (int sign in new[] { 1, -1 })
                {
                    var theory = plot.Add.ScatterLine(keep.Select(i => tGrid[i]).ToArray(), keep.Select(i => sign * plus[i]).ToArray());
                    theory.Color = Colors.Black;
                    theory.LinePattern = LinePattern.Dotted;
                    theory.LineWidth = 1.5f;
                    if (sign == 1) theory.LegendText = $"closed form ±q₊(t) ({model.Label})";
                }
            }
        }
        MarkCriticalTimes(plot, r);
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 960);
    }

    /// <summary>The top eigenvalues of ∂f at x*(t) against t, the zero line, the critical times, and the closed form where known.</summary>
    public static string Eigenvalues(SymmetryResult r, string directory, string name = "eigenvalues")
    {
        var plot = Figure.Create($"Stability of the centre: eigenvalues of the {DriftName(r.Drift)} drift's Jacobian", "OU time t", "eigenvalue of ∂f at x*(t) (asinh scale)");
        var ts = r.CentreCurve.Select(c => c.T).ToArray();
        int shown = Math.Min(5, r.CentreCurve.Min(c => c.Eigenvalues.Length));
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < shown; k++)
        {
            var line = plot.Add.ScatterLine(ts, r.CentreCurve.Select(c => Math.Asinh(c.Eigenvalues[k])).ToArray());
            line.Color = palette.GetColor(k);
            line.LineWidth = k == 0 ? 2.5f : 1.5f;
            line.LegendText = k == 0 ? "largest eigenvalue" : $"eigenvalue {k + 1}";
        }
        if (r.CentreCurve.Any(c => Math.Abs(c.LargestAtCentre - c.Eigenvalues[0]) > 1e-6 * (1 + Math.Abs(c.Eigenvalues[0]))))
        {
            var atCentre = plot.Add.ScatterLine(ts, r.CentreCurve.Select(c => Math.Asinh(c.LargestAtCentre)).ToArray());
            atCentre.Color = Colors.Gray;
            atCentre.LinePattern = LinePattern.Dashed;
            atCentre.LineWidth = 2;
            atCentre.LegendText = "largest eigenvalue at the centre e⁻ᵗā";
        }
        var tGrid = Enumerable.Range(0, 300).Select(i => ts[^1] + (ts[0] - ts[^1]) * i / 299.0).ToArray();
        double[] theory = r.Model is { } m
            ? tGrid.Select(t => SymmetryBreaking.CentreSlope(r.Drift, t, m.MeanNormSq, m.Sigma)).ToArray()
            : tGrid.Select(t => SymmetryBreaking.GaussianDriftEigenvalues(r.Drift, t, [r.Data.LambdaMax])[0]).ToArray();
        var th = plot.Add.ScatterLine(tGrid, theory.Select(Math.Asinh).ToArray());
        th.Color = Colors.Black;
        th.LinePattern = LinePattern.Dotted;
        th.LineWidth = 1.5f;
        th.LegendText = r.Model is { } mm ? $"closed form f′(0) ({mm.Label})" : $"Gaussian, Λ = {r.Data.LambdaMax:G4}: 1 − c/(e⁻²ᵗΛ + Δₜ)";
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Gray;
        MarkCriticalTimes(plot, r);
        // Eigenvalues grow like e^{−2t}/Δ_t² as t → 0: an asinh axis (linear near 0, logarithmic beyond ±1) shows the crossing
        // region and the blow-up in one frame, every point inside it.
        var all = r.CentreCurve.SelectMany(c => c.Eigenvalues.Take(shown).Append(c.LargestAtCentre)).Concat(theory).Where(double.IsFinite).ToArray();
        Figure.AsinhAxis(plot.Axes.Left, all.Min(), all.Max());
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 1020);
    }

    /// <summary>V(q) along u₁ at the recorded times, with the closed-form potential where known.</summary>
    public static string Potential(SymmetryResult r, string directory, string name = "potential")
    {
        var plot = Figure.Create($"Potential of the {DriftName(r.Drift)} drift along u₁ (f = −∂V/∂q)", "q = u₁·(x − e⁻ᵗc)", "V(q) − V(0)");
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var p in r.Potentials.OrderByDescending(p => p.T))
        {
            var line = plot.Add.ScatterLine(p.Q, p.Potential);
            line.Color = palette.GetColor(i++);
            line.LineWidth = 2;
            line.LegendText = $"t = {p.T:F3}" + (r.CriticalTime is double tc ? (p.T > tc ? " (> t_c)" : " (< t_c)") : "");
            if (r.Model is { } m)
            {
                var th = plot.Add.ScatterLine(p.Q, p.Q.Select(q => SymmetryBreaking.Potential(r.Drift, p.T, q, m.MeanNormSq, m.Sigma)).ToArray());
                th.Color = Colors.Black;
                th.LinePattern = LinePattern.Dotted;
                th.LineWidth = 1.5f;
                if (i == 1) th.LegendText = $"closed form ({m.Label})";
            }
        }
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 900);
    }

    /// <summary>
    /// Joins the fixed points of consecutive grid times into line segments: at each t the stable and the unstable roots are
    /// ranked by q; a segment continues while (stability, number of such roots, rank) stays the same.
    /// </summary>
    private static IEnumerable<(bool Stable, double[] T, double[] Q)> Segments(List<BranchPoint> points, double[] times)
    {
        var byTime = points.GroupBy(p => p.T).ToDictionary(g => g.Key, g => g.ToList());
        var open = new Dictionary<(bool, int, int), (List<double> T, List<double> Q)>();
        var done = new List<(bool, double[], double[])>();
        foreach (double t in times)
        {
            var keys = new HashSet<(bool, int, int)>();
            if (byTime.TryGetValue(t, out var roots))
            {
                foreach (bool stable in new[] { true, false })
                {
                    var group = roots.Where(p => p.Stable == stable).OrderBy(p => p.Q).ToList();
                    for (int i = 0; i < group.Count; i++)
                    {
                        var key = (stable, group.Count, i);
                        keys.Add(key);
                        if (!open.TryGetValue(key, out var seg)) open[key] = seg = (new List<double>(), new List<double>());
                        seg.T.Add(t);
                        seg.Q.Add(group[i].Q);
                    }
                }
            }
            foreach (var key in open.Keys.Where(k => !keys.Contains(k)).ToList())
            {
                done.Add((key.Item1, open[key].T.ToArray(), open[key].Q.ToArray()));
                open.Remove(key);
            }
        }
        foreach (var (key, seg) in open) done.Add((key.Item1, seg.T.ToArray(), seg.Q.ToArray()));
        return done;
    }

    private static void MarkCriticalTimes(Plot plot, SymmetryResult r)
    {
        if (r.CriticalTime is double tc)
        {
            var v = plot.Add.VerticalLine(tc);
            v.Color = Colors.Green;
            v.LinePattern = LinePattern.Dashed;
            v.LegendText = $"critical time t_c = {tc:F4} (measured)";
        }
        if (r.CriticalTimeClosedForm is double tt)
        {
            var v = plot.Add.VerticalLine(tt);
            v.Color = Colors.Black;
            v.LinePattern = LinePattern.Dotted;
            v.LegendText = $"t_c closed form = {tt:F4}";
        }
        if (r.SpeciationTime is double ts && ts <= r.Times[0] && ts >= r.Times[^1])
        {
            var v = plot.Add.VerticalLine(ts);
            v.Color = Colors.Purple;
            v.LinePattern = LinePattern.DenselyDashed;
            v.LegendText = $"t_S = ½ ln Λ = {ts:F3}";
        }
    }

    private static string Sub(int k) => string.Concat(k.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(ch => "₀₁₂₃₄₅₆₇₈₉"[ch - '0']));

    private static string DriftName(ReverseDrift drift) => drift == ReverseDrift.Sde ? "SDE" : "PF-ODE";
}
