using DiffusionDynamics.Analysis;
using DiffusionDynamics.Theory;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="TrajectoriesResult"/> ("outline first, details later", arXiv 2303.02490); each draws from the result alone.</summary>
public static class TrajectoriesFigures
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption, has SVG) for the report.</summary>
    public static IReadOnlyList<(string File, string Caption, bool HasSvg)> WriteAll(TrajectoriesResult result, string directory)
    {
        var figures = new List<(string, string, bool)>
        {
            (Emergence(result, directory), "Emergence time of mode k against its eigenvalue λ_k (OU time, log λ axis): measured by the variance rule " +
                "(Var_traj c_k(t) halfway to its final value, ± bootstrap SE) and by the per-trajectory rule (mean ± SE); lines: the Gaussian theory " +
                "½ ln(1 + λ_k) and the closed form of the per-trajectory rule under the PF-ODE.", true),
            (ModeCurves(result, directory), "Denoised coordinate c_k(t) = u_kᵀ(D(x(t), t) − m) relative to its final value (least-squares average over trajectories) " +
                "for the top modes; dashed: Gaussian theory. High-variance modes settle first (outline first, details later).", true),
            (PlaneResidual(result, directory), "Relative distance of x(t) from the plane span{x(T), x̂₀}, mean ± SE over trajectories; dashed: Gaussian theory " +
                "with the data's spectrum (PF-ODE, large-d limit).", true),
        };
        if (result.Perturbation.Curve.Count > 0)
        {
            figures.Add((PerturbationChange(result, directory), $"Change |x̂₀′ − x̂₀| of the final sample after a perturbation of norm ε = {result.Perturbation.Epsilon:G3} " +
                "at t_p (mean ± SE); dashed: RMS change for the exact Gaussian score of the data (linear response).", true));
            figures.Add((PerturbationRates(result, directory), "Share of trajectories whose final class / nearest training point changes after the perturbation at t_p (± binomial SE).", true));
        }
        if (result.Strip is { } strip && result.Data.ItemShape.Length == 3)
        {
            const string file = "denoised-strip.png";
            ImageGrid.WritePng(Path.Combine(directory, file), strip.Images, result.Data.ItemShape, columns: strip.Times.Length,
                scale: Math.Max(2, 56 / result.Data.ItemShape[1]), padding: 3);
            string times = string.Join(", ", strip.Times.Select((t, i) => i == strip.Times.Length - 1 ? "x̂₀" : t.ToString("G2", System.Globalization.CultureInfo.InvariantCulture)));
            figures.Add((file, $"D(x(t), t) along {strip.Trajectories} trajectories (rows); columns left to right at t = {times}: the outline appears first, details later.", false));
        }
        return figures;
    }

    /// <summary>Emergence time vs λ_k with the theory curves.</summary>
    public static string Emergence(TrajectoriesResult r, string directory, string name = "emergence")
    {
        var modes = r.Emergence.Modes;
        var plot = Figure.Create("Emergence time of each mode", "eigenvalue λ_k of the data covariance (log scale)", "emergence time (OU t)");
        double lo = modes.Min(m => m.Lambda), hi = modes.Max(m => m.Lambda);
        double a = Math.Log10(lo) - 0.15, b = Math.Log10(hi) + 0.15;
        var xs = Enumerable.Range(0, 101).Select(i => a + (b - a) * i / 100).ToArray();
        var theory = plot.Add.ScatterLine(xs, xs.Select(x => ModeEmergenceTheory.HeuristicTime(Math.Pow(10, x))).ToArray());
        theory.LegendText = "theory ½ ln(1 + λ_k)";
        theory.Color = Colors.Black;
        theory.LinePattern = LinePattern.Dashed;
        theory.LineWidth = 2;
        if (modes.Any(m => m.TheoryTrajectoryRule is not null))
        {
            double tStart = r.Run.TMax, tEnd = r.Emergence.Times[^1];
            var rule = plot.Add.ScatterLine(xs, xs.Select(x => ModeEmergenceTheory.TrajectoryRuleTime(Math.Pow(10, x), tStart, tEnd)).ToArray());
            rule.LegendText = "Gaussian closed form, per-trajectory rule (≈ ½ ln(1 + 3λ_k))";
            rule.Color = Colors.Gray;
            rule.LinePattern = LinePattern.Dotted;
            rule.LineWidth = 2;
        }
        var withV = modes.Where(m => m.Variance is not null).ToArray();
        if (withV.Length > 0)
        {
            var bars = plot.Add.ErrorBar(withV.Select(m => Math.Log10(m.Lambda)).ToArray(), withV.Select(m => m.Variance!.Value).ToArray(),
                withV.Select(m => m.VarianceStderr ?? 0).ToArray());
            bars.Color = Palette.GetColor(3);
            var pts = plot.Add.ScatterPoints(withV.Select(m => Math.Log10(m.Lambda)).ToArray(), withV.Select(m => m.Variance!.Value).ToArray());
            pts.Color = Palette.GetColor(3);
            pts.MarkerSize = 8;
            pts.LegendText = "measured, variance rule ± SE";
        }
        var withT = modes.Where(m => m.TrajectoryMean is not null).ToArray();
        if (withT.Length > 0)
        {
            var bars = plot.Add.ErrorBar(withT.Select(m => Math.Log10(m.Lambda)).ToArray(), withT.Select(m => m.TrajectoryMean!.Value).ToArray(),
                withT.Select(m => m.TrajectoryStderr ?? 0).ToArray());
            bars.Color = Palette.GetColor(0);
            var pts = plot.Add.ScatterPoints(withT.Select(m => Math.Log10(m.Lambda)).ToArray(), withT.Select(m => m.TrajectoryMean!.Value).ToArray());
            pts.Color = Palette.GetColor(0);
            pts.MarkerShape = MarkerShape.OpenSquare;
            pts.MarkerSize = 8;
            pts.LegendText = "measured, per-trajectory rule (mean ± SE)";
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Alignment.LowerRight);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>c_k(t)/c_k(t_end) for up to four modes (the largest, and spread over the rest), with the theory dashed.</summary>
    public static string ModeCurves(TrajectoriesResult r, string directory, string name = "mode-curves")
    {
        var curves = r.Emergence.Curves;
        var pick = curves.Count <= 4 ? curves.ToList()
            : new[] { 0, 1, curves.Count / 2, curves.Count - 1 }.Distinct().Select(i => curves[i]).ToList();
        var plot = Figure.Create("Outline first: denoised mode coordinates", "t (OU, log scale)", "c_k(t) / c_k(t_end)");
        var times = r.Emergence.Times;
        var xs = times.Select(Math.Log10).ToArray();
        for (int i = 0; i < pick.Count; i++)
        {
            var line = plot.Add.ScatterLine(xs, pick[i].Ratio);
            line.Color = Palette.GetColor(i);
            line.LineWidth = 2;
            line.LegendText = $"mode {pick[i].K + 1}, λ = {pick[i].Lambda:G3}";
        }
        for (int i = 0; i < pick.Count; i++)
        {
            var theory = plot.Add.ScatterLine(xs, pick[i].TheoryRatio);
            theory.Color = Palette.GetColor(i);
            theory.LinePattern = LinePattern.Dashed;
            theory.LegendText = i == 0 ? "Gaussian theory (dashed)" : "";
            var mark = plot.Add.VerticalLine(Math.Log10(ModeEmergenceTheory.HeuristicTime(pick[i].Lambda)));
            mark.Color = Palette.GetColor(i).WithAlpha(0.6);
            mark.LinePattern = LinePattern.Dotted;
            mark.LegendText = i == 0 ? "t = ½ ln(1 + λ_k) (dotted)" : "";
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimits(Math.Max(xs.Min(), -2.0), xs.Max() + 0.05, -0.1, 1.15);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>Mean plane residual ρ(t) with SE band and the theory.</summary>
    public static string PlaneResidual(TrajectoriesResult r, string directory, string name = "plane-residual")
    {
        var c = r.PlaneResidual.Curve;
        var pca = r.PlaneResidual.Pca;
        var plot = Figure.Create("Distance of x(t) from the plane of x(T) and x̂₀", "t (OU, log scale)", "|x(t) − P x(t)| / |x(t)|");
        var xs = c.Select(p => Math.Log10(p.T)).ToArray();
        var upper = c.Select(p => p.Mean + p.Stderr).ToArray();
        var lower = c.Select(p => p.Mean - p.Stderr).ToArray();
        var band = plot.Add.FillY(xs, upper, lower);
        band.FillColor = Palette.GetColor(0).WithAlpha(0.25);
        band.LineWidth = 0;
        var line = plot.Add.ScatterLine(xs, c.Select(p => p.Mean).ToArray());
        line.Color = Palette.GetColor(0);
        line.LineWidth = 2;
        line.LegendText = $"measured mean ± SE ({r.PlaneResidual.Trajectories} trajectories; top 2 PCs hold {pca.Top2:P1} of a trajectory's variance)";
        if (c.All(p => p.Theory is not null))
        {
            var theory = plot.Add.ScatterLine(xs, c.Select(p => p.Theory!.Value).ToArray());
            theory.Color = Colors.Black;
            theory.LinePattern = LinePattern.Dashed;
            theory.LegendText = "Gaussian theory (data's spectrum)";
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(0, Math.Max(0.05, 1.35 * c.Max(p => Math.Max(p.Mean + p.Stderr, p.Theory ?? 0)))); // headroom for the legend
        plot.ShowLegend(Alignment.UpperLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>|x̂₀′ − x̂₀| against t_p, with the Gaussian linear response.</summary>
    public static string PerturbationChange(TrajectoriesResult r, string directory, string name = "perturbation-change")
    {
        var c = r.Perturbation.Curve.OrderBy(p => p.T).ToArray();
        var plot = Figure.Create($"Effect of a perturbation of norm ε = {r.Perturbation.Epsilon:G3}", "perturbation time t_p (OU, log scale)", "|x̂₀′ − x̂₀|");
        var xs = c.Select(p => Math.Log10(p.T)).ToArray();
        MarkedLine(plot, xs, c.Select(p => p.MeanChange).ToArray(), c.Select(p => p.Stderr).ToArray(), "measured mean ± SE", 0);
        if (c.All(p => p.TheoryGaussianRms is not null))
        {
            var theory = plot.Add.ScatterLine(xs, c.Select(p => p.TheoryGaussianRms!.Value).ToArray());
            theory.Color = Colors.Black;
            theory.LinePattern = LinePattern.Dashed;
            theory.LegendText = "Gaussian score, linear response (RMS)";
        }
        var eps = plot.Add.HorizontalLine(r.Perturbation.Epsilon);
        eps.Color = Colors.Gray;
        eps.LinePattern = LinePattern.Dotted;
        eps.LegendText = "ε";
        Figure.LogAxis(plot.Axes.Bottom);
        double top = 1.1 * c.Max(p => Math.Max(p.MeanChange + p.Stderr, Math.Max(p.TheoryGaussianRms ?? 0, r.Perturbation.Epsilon)));
        plot.Axes.SetLimitsY(-0.04 * top, top);
        plot.ShowLegend(Alignment.UpperLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>Class-change and nearest-point-change rates against t_p.</summary>
    public static string PerturbationRates(TrajectoriesResult r, string directory, string name = "perturbation-rates")
    {
        var c = r.Perturbation.Curve.OrderBy(p => p.T).ToArray();
        var plot = Figure.Create("Does the outcome change?", "perturbation time t_p (OU, log scale)", "share of trajectories");
        var xs = c.Select(p => Math.Log10(p.T)).ToArray();
        if (c.All(p => p.ClassChangeRate is not null))
            MarkedLine(plot, xs, c.Select(p => p.ClassChangeRate!.Value).ToArray(), c.Select(p => p.ClassStderr!.Value).ToArray(), "class changed", 0);
        MarkedLine(plot, xs, c.Select(p => p.NearestChangeRate).ToArray(), c.Select(p => p.NearestStderr).ToArray(), "nearest training point changed", 1);
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(-0.02, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);
        return Figure.Save(plot, directory, name);
    }

    // A line with markers and ±error bars in one palette colour.
    private static void MarkedLine(Plot plot, double[] xs, double[] ys, double[] errors, string label, int colour)
    {
        var bars = plot.Add.ErrorBar(xs, ys, errors);
        bars.Color = Palette.GetColor(colour);
        var line = plot.Add.Scatter(xs, ys);
        line.Color = Palette.GetColor(colour);
        line.MarkerSize = 7;
        line.LineWidth = 2;
        line.LegendText = label;
    }
}
