using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="SpectrumResult"/>; each draws from the result alone.</summary>
public static class SpectrumFigures
{
    /// <summary>Ranks shown in a spectrum figure (the smallest ν; all of them for d ≤ this).</summary>
    public const int RanksShown = 64;

    /// <summary>Spectra shown per figure (evenly spread over the grid of t).</summary>
    private const int SpectraShown = 7;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(SpectrumResult result, string directory)
    {
        var figures = new List<(string, string)>
        {
            (TangentDimension(result, directory), "Measured tangent dimension (count of ν_k < τ, mean ± SE over the points) against OU time t, per training-set size N; " +
                "dashed steps: the prediction #{i : max(t_loss,i, t_C) < t < t_vis,i}, t_loss = ½ ln(1 + s_i²/(2 ln N)), t_vis = ½ ln(1 + s_i²), " +
                "t_C the whole-point collapse time (ln N = ½ Σ_i ln(1 + s_i²/σ²)), dotted vertical of the size's colour (for other data: the Gaussian " +
                "with the training set's covariance spectrum)."),
        };
        if (result.Stds is not null)
            figures.Add((Subspaces(result, directory), "ν along each subspace of the linear manifold (mean over its directions and the points) against t; " +
                "dotted verticals: the per-direction loss times t_loss = ½ ln(1 + s²/(2 ln N)) of each subspace and size, same colour as the subspace; " +
                "grey verticals (line style of the size): the collapse time t_C, below which every direction is lost; below τ (dashed) the subspace is tangent; " +
                "the measured onset of loss is the minimum of each curve."));
        foreach (var size in result.Sizes)
            figures.Add((Spectra(result, size, directory), $"N = {size.N}: sorted normalized spectrum ν_k = Δ_t σ_k(J_s) (1 = pure noise) at several t, one colour per t; " +
                "sorted smallest first (at most the 64 smallest); dashed vertical of the same colour: the predicted gap position d_tan(t); horizontal dashed: the gap threshold τ."));
        return figures;
    }

    /// <summary>Tangent dimension vs t per size, with the theory steps.</summary>
    public static string TangentDimension(SpectrumResult r, string directory, string name = "tangent-dimension")
    {
        var plot = Figure.Create("Tangent dimension of the score's manifold", "OU time t (log scale)", "tangent dimension (count of ν < τ)");
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < r.Sizes.Count; i++)
        {
            var s = r.Sizes[i];
            var color = palette.GetColor(i);
            var xs = s.Curve.Select(c => Math.Log10(c.T)).ToArray();
            var bars = plot.Add.ErrorBar(xs, s.Curve.Select(c => c.TangentDimension).ToArray(), s.Curve.Select(c => c.TangentStderr).ToArray());
            bars.Color = color;
            var line = plot.Add.ScatterLine(xs, s.Curve.Select(c => c.TangentDimension).ToArray());
            line.Color = color;
            line.MarkerSize = 5;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.LegendText = $"measured, N = {s.N}";
            MarkCollapse(plot, s, xs, color.WithAlpha(0.7), LinePattern.Dotted);
            if (s.TheoryTangentCurve is { } curve)
            {
                var theory = plot.Add.ScatterLine(curve.Select(p => Math.Log10(p.T)).ToArray(), curve.Select(p => p.Value).ToArray());
                theory.Color = color;
                theory.LinePattern = LinePattern.Dashed;
                theory.LineWidth = 2;
                theory.LegendText = r.Stds is null ? $"theory (Gaussian, data's spectrum), N = {s.N}" : $"theory (linear manifold), N = {s.N}";
            }
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Edge.Right); // outside the data area: the steps of the theory fill the plot
        return Figure.Save(plot, directory, name, 960, 480);
    }

    /// <summary>ν per subspace vs t, one colour per subspace, one line style per size, with the predicted loss times.</summary>
    public static string Subspaces(SpectrumResult r, string directory, string name = "subspaces")
    {
        var plot = Figure.Create("Normalized Jacobian along each subspace", "OU time t (log scale)", "ν = −Δ_t uᵀ J_s u (1 = noise, 0 = tangent)");
        var palette = new ScottPlot.Palettes.Category10();
        var patterns = new[] { LinePattern.Solid, LinePattern.Dashed, LinePattern.DenselyDashed, LinePattern.Dotted };
        for (int i = 0; i < r.Sizes.Count; i++)
        {
            var s = r.Sizes[i];
            if (s.Losses is null) continue;
            var xs = s.Curve.Select(c => Math.Log10(c.T)).ToArray();
            for (int g = 0; g < s.Losses.Count; g++)
            {
                var color = palette.GetColor(g);
                var line = plot.Add.ScatterLine(xs, s.Curve.Select(c => c.SubspaceValues![g]).ToArray());
                line.Color = color;
                line.LinePattern = patterns[i % patterns.Length];
                line.LineWidth = 2;
                line.MarkerSize = 3;
                line.LegendText = $"std {s.Losses[g].Std:G3} ×{s.Losses[g].Count}, N = {s.N}";
                double tl = s.Losses[g].TheoryLossTime;
                if (tl >= Math.Pow(10, xs.Min()) && tl <= Math.Pow(10, xs.Max()))
                {
                    var v = plot.Add.VerticalLine(Math.Log10(tl));
                    v.Color = color.WithAlpha(0.6);
                    v.LinePattern = LinePattern.Dotted;
                    v.LineWidth = 1.5f;
                }
            }
            MarkCollapse(plot, s, xs, Colors.Black.WithAlpha(0.5), patterns[i % patterns.Length]);
        }
        var tau = plot.Add.HorizontalLine(r.Options.SpectrumOptions.GapThreshold);
        tau.Color = Colors.Gray;
        tau.LinePattern = LinePattern.Dashed;
        tau.LegendText = $"gap threshold τ = {r.Options.SpectrumOptions.GapThreshold:G3}";
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(-0.05, 1.15);
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, 1000, 540);
    }

    /// <summary>A vertical line at the size's collapse time t_C (log10 axis <paramref name="xs"/>), when it lies inside the plotted range.</summary>
    private static void MarkCollapse(Plot plot, SpectrumSizeResult s, double[] xs, ScottPlot.Color color, LinePattern pattern)
    {
        if (s.CollapseTime is not double tc || !(tc > 0) || Math.Log10(tc) < xs.Min() || Math.Log10(tc) > xs.Max()) return;
        var v = plot.Add.VerticalLine(Math.Log10(tc));
        v.Color = color;
        v.LinePattern = pattern;
        v.LineWidth = 1.5f;
        v.LegendText = $"collapse t_C, N = {s.N}";
    }

    /// <summary>Sorted spectra of one size at a few t, with the predicted gap positions.</summary>
    public static string Spectra(SpectrumResult r, SpectrumSizeResult s, string directory, string? name = null)
    {
        name ??= $"spectra-N{s.N}";
        // Smallest first: the tangent candidates (ν ≈ 0) sit at the left; beyond RanksShown values only noise-level ν ≈ 1 follow.
        int shown = Math.Min(RanksShown, s.Curve[0].MeanSpectrum.Length);
        string axis = shown < r.D ? $"rank k (smallest first; the {shown} smallest of d = {r.D})" : "rank k (smallest first)";
        var plot = Figure.Create($"Normalized spectrum of the score Jacobian, N = {s.N} ({s.Score})", axis, "ν_k = Δ_t σ_k(J_s)");
        var palette = new ScottPlot.Palettes.Category10();
        int count = Math.Min(SpectraShown, s.Curve.Count);
        for (int j = 0; j < count; j++)
        {
            var c = s.Curve[(int)Math.Round((double)j * (s.Curve.Count - 1) / Math.Max(count - 1, 1))];
            var color = palette.GetColor(j);
            var ranks = Enumerable.Range(1, shown).Select(k => (double)k).ToArray();
            var line = plot.Add.ScatterLine(ranks, c.MeanSpectrum.Reverse().Take(shown).ToArray());
            line.Color = color;
            line.MarkerSize = 4;
            line.LegendText = $"t = {ReportFormat.Number(c.T, "G3")} (σ² = {ReportFormat.Number(c.NoiseVariance, "G2")})" + (c.PredictedTangentDimension is int p ? $", predicted d_tan = {p}" : "");
            if (c.PredictedTangentDimension is int pd && pd > 0 && pd < shown)
            {
                var v = plot.Add.VerticalLine(pd + 0.5);
                v.Color = color.WithAlpha(0.7);
                v.LinePattern = LinePattern.Dashed;
            }
        }
        var tau = plot.Add.HorizontalLine(r.Options.SpectrumOptions.GapThreshold);
        tau.Color = Colors.Gray;
        tau.LinePattern = LinePattern.Dashed;
        tau.LegendText = $"τ = {r.Options.SpectrumOptions.GapThreshold:G3}";
        plot.ShowLegend(Alignment.LowerRight);
        return Figure.Save(plot, directory, name, 820, 540);
    }
}
