using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="RegimesResult"/>; each draws from the result (and, for images, the training data) alone.</summary>
public static class RegimesFigures
{
    /// <summary>Writes every figure of the result into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    /// <param name="exact">Beside a trained model's <paramref name="result"/>, the exact empirical score's run on the same data, overlaid in grey.</param>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(RegimesResult result, Dataset training, string directory, RegimesResult? exact = null)
    {
        string overlay = exact is null ? "" : " Coloured: the trained model; grey: the exact empirical score of the same training set (same options and seeds).";
        var figures = new List<(string, string)>();
        if (result.Speciation.Curve.Count > 0)
        {
            figures.Add((Speciation(result, directory, exact: exact), "Speciation by cloning: φ(t) = P(two clones branched at t end in the same class), " +
                "with binomial error bars; dashed: the level φ∞ + (1 − φ∞)·(2φ_ref − 1) set by the two-cluster model at t_S." + overlay));
            if (result.Speciation.TheoryDefined)
                figures.Add((SpeciationRelative(result, directory), "Normalized φ̃ = (φ − φ∞)/(1 − φ∞) against t/t_S, beside the two-cluster model's curve."));
        }
        string marks = " Dashed verticals: t_C for Gaussian data with σ² = tr C/d" + (result.Collapse.TheoryAnisotropic is null ? "" : " and with the data's covariance spectrum") +
                       (result.Collapse.TheoryTwoCluster is null ? "" : ", the two-cluster t_C") + ", and the measured estimates.";
        figures.Add((Collapse(result, directory, exact: exact), "Collapse by cloning: φ_C(t) = P(two clones end at the same nearest training point)." + marks + overlay));
        figures.Add((Entropy(result, directory, exact: exact), "Excess entropy f(t)/α (Monte Carlo on P_t^e, ±1 SE): positive above the collapse time, negative below (it falls without bound as t → 0)." + marks + overlay));
        figures.Add((LastChange(result, directory, exact: exact), "t̂_C: the last time the nearest training point μ*(t) of a trajectory changed" +
            (result.Collapse.MemorizedFraction < RegimesWriter.CollapsedShare ? $" — not a collapse time here: only {100 * result.Collapse.MemorizedFraction:F1} % of the samples end at a training point." : ".") + overlay));
        if (training.IsImage && result.Samples.Length > 0)
        {
            var images = new List<float[]>();
            int d = result.Data.D, count = Math.Min(24, result.Samples.Length / d);
            for (int i = 0; i < count; i++)
            {
                images.Add(result.Samples.AsSpan(i * d, d).ToArray());
                images.Add(training.Row((int)result.Nearest[i]).ToArray());
            }
            const string file = "samples-vs-nearest.png";
            ImageGrid.WritePng(Path.Combine(directory, file), images, training.ItemShape, columns: 12, scale: Math.Max(2, 56 / training.ItemShape[1]));
            figures.Add((file, "Generated samples (left of each pair) beside their nearest training image (right)."));
        }
        return figures;
    }

    /// <summary>φ(t) with error bars, the two-cluster theory where known, the level and t_S (theory and measured).</summary>
    public static string Speciation(RegimesResult r, string directory, string name = "speciation", RegimesResult? exact = null)
    {
        var s = r.Speciation;
        var plot = Figure.Create("Speciation: clones ending in the same class", "branch time t (OU, log scale)", "φ(t)");
        if (exact is { Speciation.Curve.Count: > 0 } e)
            Overlay(plot, e.Speciation.Curve.Select(c => c.T), e.Speciation.Curve.Select(c => c.Phi), e.Speciation.Curve.Select(c => c.Stderr), "exact score φ(t) ± SE");
        var xs = s.Curve.Select(c => Math.Log10(c.T)).ToArray();
        Figure.PointsWithErrors(plot, xs, s.Curve.Select(c => c.Phi).ToArray(), s.Curve.Select(c => c.Stderr).ToArray(), exact is null ? "measured φ(t) ± SE" : "model φ(t) ± SE", connect: exact is not null);
        if (s.TheoryCurve is { Count: > 0 } theory)
        {
            var line = plot.Add.ScatterLine(theory.Select(p => Math.Log10(p.T)).ToArray(), theory.Select(p => p.Value).ToArray());
            line.LegendText = "two-cluster quadrature";
            line.MarkerSize = 0;
        }
        double level = s.PhiInfinity + (1 - s.PhiInfinity) * s.NormalizedLevel;
        var h = plot.Add.HorizontalLine(level);
        h.LinePattern = LinePattern.Dashed;
        h.LegendText = $"level {ReportFormat.Number(level)}";
        MarkTime(plot, s.Theory, $"t_S = ½ ln Λ = {ReportFormat.Number(s.Theory)}", Colors.Black, s.TheoryDefined);
        if (s.Measured is double m) MarkTime(plot, m, "measured t_S = " + (s.Stderr is double se ? ReportFormat.WithError(m, se) : ReportFormat.Number(m)), Colors.Red, true);
        LogX(plot);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>φ̃ against t/t_S with the normalized two-cluster curve (the data's own when two-cluster, else the large-d limit).</summary>
    public static string SpeciationRelative(RegimesResult r, string directory, string name = "speciation-relative")
    {
        var s = r.Speciation;
        var plot = Figure.Create("Speciation on the scale of t_S", "t / t_S", "φ̃ = (φ − φ∞)/(1 − φ∞)");
        var xs = s.Curve.Select(c => c.TOverTs ?? double.NaN).ToArray();
        var err = s.Curve.Select(c => c.Stderr / (1 - s.PhiInfinity)).ToArray();
        Figure.PointsWithErrors(plot, xs, s.Curve.Select(c => c.PhiNormalized).ToArray(), err, "measured");
        // Large-d two-cluster reference (|m|² = d → ∞, σ = 1), from the result.
        var line = plot.Add.ScatterLine(s.RelativeTheoryCurve.Select(p => p.T).ToArray(), s.RelativeTheoryCurve.Select(p => p.Value).ToArray());
        line.LegendText = "two-cluster model, large d";
        var level = plot.Add.HorizontalLine(s.NormalizedLevel);
        level.LinePattern = LinePattern.Dashed;
        var v = plot.Add.VerticalLine(1.0);
        v.LinePattern = LinePattern.Dotted;
        plot.ShowLegend(Alignment.LowerLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>φ_C(t) with error bars and the collapse-time estimates.</summary>
    public static string Collapse(RegimesResult r, string directory, string name = "collapse", RegimesResult? exact = null)
    {
        var c = r.Collapse;
        var plot = Figure.Create("Collapse: clones ending at the same training point", "branch time t (OU, log scale)", "φ_C(t)");
        if (exact is not null)
            Overlay(plot, exact.Collapse.Curve.Select(p => p.T), exact.Collapse.Curve.Select(p => p.PhiC), exact.Collapse.Curve.Select(p => p.Stderr), "exact score φ_C(t) ± SE");
        var xs = c.Curve.Select(p => Math.Log10(p.T)).ToArray();
        Figure.PointsWithErrors(plot, xs, c.Curve.Select(p => p.PhiC).ToArray(), c.Curve.Select(p => p.Stderr).ToArray(), exact is null ? "measured φ_C(t) ± SE" : "model φ_C(t) ± SE", connect: exact is not null);
        MarkCollapseTimes(plot, c);
        LogX(plot);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>f(t)/α with error bars, zero line and crossings.</summary>
    public static string Entropy(RegimesResult r, string directory, string name = "excess-entropy", RegimesResult? exact = null)
    {
        var c = r.Collapse;
        var plot = Figure.Create("Excess entropy", "t (OU, log scale)", "f(t) / α");
        if (exact is not null)
        {
            var ep = exact.Collapse.EntropyCurve ?? exact.Collapse.Curve.Select(p => new ExcessEntropyPoint(p.T, p.F, p.FStderr, p.FOverAlpha)).ToList();
            Overlay(plot, ep.Select(p => p.T), ep.Select(p => p.FOverAlpha), ep.Select(p => p.StdErr / exact.Collapse.Alpha), "exact score f(t)/α ± SE");
        }
        var points = c.EntropyCurve ?? c.Curve.Select(p => new ExcessEntropyPoint(p.T, p.F, p.FStderr, p.FOverAlpha)).ToList();
        var xs = points.Select(p => Math.Log10(p.T)).ToArray();
        var ys = points.Select(p => p.FOverAlpha).ToArray();
        Figure.PointsWithErrors(plot, xs, ys, points.Select(p => p.StdErr / c.Alpha).ToArray(), "Monte Carlo f(t)/α ± SE", connect: true);
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Gray;
        MarkCollapseTimes(plot, c);
        LogX(plot);
        // f/α → −∞ as t → 0 (the leave-one-out density vanishes at the draws): the axis holds every measured point (Figure.Finish).
        plot.ShowLegend(Alignment.LowerRight);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>Histogram of t̂_C over trajectories.</summary>
    public static string LastChange(RegimesResult r, string directory, string name = "last-change", RegimesResult? exact = null)
    {
        var c = r.Collapse;
        var values = c.LastChangeTimes;
        var plot = Figure.Create($"Last change of the nearest training point ({values.Length} trajectories)", "last change of μ*(t) (OU time)", "trajectories");
        var all = exact is null ? values : values.Concat(exact.Collapse.LastChangeTimes).ToArray();
        if (exact is not null)
        {
            Figure.Histogram(plot, exact.Collapse.LastChangeTimes, 20, all.Min(), all.Max());
            foreach (var bars in plot.GetPlottables<ScottPlot.Plottables.BarPlot>()) foreach (var bar in bars.Bars) bar.FillColor = Colors.Gray.WithAlpha(0.5);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "exact score", FillColor = Colors.Gray.WithAlpha(0.5) });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "model", FillColor = Colors.C0.WithAlpha(0.7) });
        }
        Figure.Histogram(plot, values, 20, all.Min(), all.Max());
        if (exact is not null)
            foreach (var bar in plot.GetPlottables<ScottPlot.Plottables.BarPlot>().Last().Bars) bar.FillColor = Colors.C0.WithAlpha(0.7);
        var mean = plot.Add.VerticalLine(c.LastChangeMean);
        mean.LegendText = c.MemorizedFraction < RegimesWriter.CollapsedShare
            ? $"mean {ReportFormat.Number(c.LastChangeMean)} (not a collapse time: no collapse)"
            : $"mean {ReportFormat.Number(c.LastChangeMean)} ± {ReportFormat.Number(c.LastChangeStd)} (sd)";
        mean.Color = Colors.Red;
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name);
    }

    private static void MarkCollapseTimes(Plot plot, CollapseResult c)
    {
        MarkTime(plot, c.TheoryGaussian, $"t_C Gaussian data, isotropic = {ReportFormat.Number(c.TheoryGaussian)}", Colors.Black, double.IsFinite(c.TheoryGaussian) && c.TheoryGaussian > 0);
        if (c.TheoryAnisotropic is double ta) MarkTime(plot, ta, $"t_C Gaussian, data's spectrum = {ReportFormat.Number(ta)}", Colors.Gray, ta > 0, LinePattern.Dotted);
        if (c.TheoryTwoCluster is double tc) MarkTime(plot, tc, $"t_C two-cluster = {ReportFormat.Number(tc)}", Colors.Purple, tc > 0);
        if (c.EntropyCrossing is double e) MarkTime(plot, e, $"f = 0 at t = {ReportFormat.Number(e)}", Colors.Red, true);
        if (c.MemorizedFraction >= RegimesWriter.CollapsedShare)
            MarkTime(plot, c.LastChangeMean, $"mean last change of μ* = {ReportFormat.Number(c.LastChangeMean)}", Colors.Green, c.LastChangeMean > 0);
    }

    private static void MarkTime(Plot plot, double t, string label, Color color, bool show, LinePattern? pattern = null)
    {
        if (!show || !(t > 0)) return;
        var v = plot.Add.VerticalLine(Math.Log10(t));
        v.LegendText = label;
        v.Color = color;
        v.LinePattern = pattern ?? LinePattern.Dashed;
    }

    /// <summary>The exact score's curve under a model's: grey points with ±SE bars on a log10 t axis, joined.</summary>
    private static void Overlay(Plot plot, IEnumerable<double> ts, IEnumerable<double> ys, IEnumerable<double> errors, string label)
    {
        var xs = ts.Select(Math.Log10).ToArray();
        var bars = plot.Add.ErrorBar(xs, ys.ToArray(), errors.ToArray());
        bars.Color = Colors.Gray;
        bars.LegendText = label;
        var line = plot.Add.ScatterLine(xs, ys.ToArray());
        line.Color = Colors.Gray;
        line.MarkerSize = 4;
    }

    private static void LogX(Plot plot) => Figure.LogAxis(plot.Axes.Bottom);
}
