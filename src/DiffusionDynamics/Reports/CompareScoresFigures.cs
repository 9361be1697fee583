using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for an <see cref="CompareScoresResult"/>; each draws from the result alone.</summary>
public static class CompareScoresFigures
{
    /// <summary>EV values below this are drawn at the bottom edge of the linear figure (the log figure shows them all).</summary>
    public const double LowestShownEv = -1.0;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(CompareScoresResult result, string directory)
    {
        bool clipped = result.Approximations.SelectMany(a => a.Curve).Any(p => p.Ev < LowestShownEv);
        return
        [
            (ExplainedVarianceFigure(result, directory),
                $"Explained variance EV(t) = 1 − E|s₁ − s₂|²/E|s₁|² of the reference score s₁ ({result.Reference}) by each approximation s₂, " +
                $"{result.Samples} draws per time from {result.Data.DrawnFrom}, ±1 SE (the same draws for every approximation)." +
                (clipped ? $" The y axis stops at {LowestShownEv}: lower values are in the next figure and the JSON." : "")),
            (UnexplainedFigure(result, directory),
                "Unexplained share 1 − EV(t) on log–log axes: how fast each approximation becomes exact as t grows" +
                (result.GaussianAsymptote is null ? "." : "; dashed: the leading large-t term θ⁶|κ₃|²_F/(2Δ⁴E|s₁|²) of the Gaussian approximation of the empirical score " +
                    "(κ₃ the data's third cumulant; for nearly symmetric data, e.g. two clusters, higher cumulants dominate until larger t).")),
        ];
    }

    /// <summary>The colour of approximation i, the same in every figure.</summary>
    private static Color ColorOf(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    /// <summary>EV(t) against log t with ±SE bars, one curve per approximation, and the 0.9 / 0.99 levels.</summary>
    public static string ExplainedVarianceFigure(CompareScoresResult r, string directory, string name = "explained-variance")
    {
        var plot = Figure.Create("Explained variance of the reference score", "t (OU, log scale)", "EV(t) = 1 − E|s₁ − s₂|² / E|s₁|²");
        double lowest = 1;
        foreach (var (a, i) in r.Approximations.Select((a, i) => (a, i)))
        {
            var xs = a.Curve.Select(p => Math.Log10(p.T)).ToArray();
            var ys = a.Curve.Select(p => Math.Max(p.Ev, LowestShownEv - 0.02)).ToArray();
            var bars = plot.Add.ErrorBar(xs, ys, a.Curve.Select(p => p.Ev < LowestShownEv ? 0 : p.Stderr).ToArray());
            bars.Color = ColorOf(i);
            var line = plot.Add.Scatter(xs, ys);
            line.Color = ColorOf(i);
            line.MarkerSize = 4;
            line.LegendText = a.Name;
            lowest = Math.Min(lowest, ys.Where(double.IsFinite).DefaultIfEmpty(1).Min());
        }
        foreach (var (level, label) in new[] { (0.99, "EV = 0.99"), (0.9, "EV = 0.9") })
        {
            var h = plot.Add.HorizontalLine(level);
            h.LinePattern = LinePattern.Dotted;
            h.Color = Colors.Gray;
            h.LegendText = label;
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(Math.Max(lowest, LowestShownEv) - 0.05, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>log₁₀(1 − EV) against log₁₀ t per approximation (points with 1 − EV ≤ 0 are left out), and the Gaussian asymptote.</summary>
    public static string UnexplainedFigure(CompareScoresResult r, string directory, string name = "unexplained-variance")
    {
        var plot = Figure.Create("Unexplained share of the reference score", "t (OU, log scale)", "1 − EV(t) (log scale)");
        var all = new List<double>();
        foreach (var (a, i) in r.Approximations.Select((a, i) => (a, i)))
        {
            var kept = a.Curve.Where(p => 1 - p.Ev > 0).ToArray();
            if (kept.Length == 0) continue;
            var ys = kept.Select(p => Math.Log10(1 - p.Ev)).ToArray();
            all.AddRange(ys);
            var line = plot.Add.Scatter(kept.Select(p => Math.Log10(p.T)).ToArray(), ys);
            line.LegendText = a.Name;
            line.Color = ColorOf(i);
            line.MarkerSize = 5;
        }
        if (r.GaussianAsymptote is { Curve.Count: > 0 } theory)
        {
            // A large-t expansion: drawn where it predicts 1 − EV < 0.1 (beyond that it is outside its range of validity).
            var pts = theory.Curve.Where(p => p.Value > 0 && p.Value < 0.1).ToArray();
            var line = plot.Add.ScatterLine(pts.Select(p => Math.Log10(p.T)).ToArray(), pts.Select(p => Math.Log10(p.Value)).ToArray());
            line.LegendText = "theory θ⁶|κ₃|² term, Gaussian vs empirical";
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
            line.MarkerSize = 0;
        }
        Figure.LogAxis(plot.Axes.Bottom);
        Figure.LogAxis(plot.Axes.Left);
        if (all.Count > 0) plot.Axes.SetLimitsY(Math.Floor(all.Min()) - 0.2, Math.Max(0.5, Math.Ceiling(all.Max()) + 0.2));
        plot.ShowLegend(Alignment.LowerLeft);
        return Figure.Save(plot, directory, name);
    }
}
