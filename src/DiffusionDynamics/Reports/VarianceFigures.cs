using System.Globalization;
using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="VarianceResult"/>; each draws from the result alone.</summary>
public static class VarianceFigures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(VarianceResult r, string directory)
    {
        var figures = new List<(string, string)>();
        if (r.D == 1 && r.Maps.Count > 0)
            figures.Add((RatioLines(r, directory), "The share of the DSM target's second moment that is noise, tr C/(tr C + |s|²), over x at several t (grey: training points). " +
                "It is largest between training points and at small t."));
        if (r.D == 2)
            foreach (var (map, i) in r.Maps.Select((m, i) => (m, i)))
                figures.Add((RatioHeatmap(r, map, directory, $"ratio-map-{i + 1}"), string.Create(Inv, $"tr C/(tr C + |s|²) over the plane at t = {map.T:G3} (white dots: training points).")));
        figures.Add((Curves(r, directory), "Mean ratio against t (±2 SE) at noised training points, at noised midpoints between two training points, and along probability-flow trajectories of the exact score."));
        var p = r.Fill.Where(f => f.Setting == "1-D F/P sweep").OrderBy(f => (double)f.Features / f.Samples).ToList();
        if (p.Count > 0) figures.Add((FillVsRatio(r, p, directory), "Gap filling against the ratio F/P of features to samples: mass between the training points (±SE over models)."));
        var eps = r.Fill.Where(f => f.Setting is "1-D cutoff sweep" or "1-D F/P sweep" or "exact empirical score" || f.Setting.StartsWith("trained", StringComparison.Ordinal)).ToList();
        if (eps.Count > 0) figures.Add((FillVsCutoff(r, eps, directory), "Gap filling against the noise cutoff ε, linear models at the middle P and the exact empirical score."));
        if (p.Count > 0) figures.Add((Densities(r, directory), "Averaged learned densities of the linear models (1-D) against the data (grey lines) and the exact score."));
        foreach (var (f, i) in r.Fill.Where(f => f.Setting.StartsWith("circle", StringComparison.Ordinal)).Select((f, i) => (f, i)))
            figures.Add((CircleDensity(r, f, directory, $"circle-density-{i + 1}"), string.Create(Inv,
                $"{f.Setting}, {(f.FeatureKind is { } k ? $"{k} features (F = {f.Features}, P = {f.Samples}, {f.Models} models)" : "exact empirical score")}: averaged density (log scale); fill {f.Mass:F3} ± {f.Stderr:F3}.")));
        return figures;
    }

    private static string RatioLines(VarianceResult r, string directory)
    {
        var plot = Figure.Create("Noise share of the DSM target", "x", "tr C / (tr C + |s|²)");
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (m, i) in r.Maps.Select((m, i) => (m, i)))
        {
            var line = plot.Add.ScatterLine(m.X[0], m.Ratio);
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
            line.LegendText = string.Create(Inv, $"t = {m.T:G3}");
        }
        foreach (var p in r.Points) { var v = plot.Add.VerticalLine(p[0]); v.Color = Colors.Gray; v.LinePattern = LinePattern.Dotted; }
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "ratio-maps", width: 900);
    }

    private static string RatioHeatmap(VarianceResult r, VarianceMap m, string directory, string name)
    {
        int n1 = m.X[0].Length, n2 = m.X[1].Length;
        var z = new double[n2, n1];
        for (int i = 0; i < n1; i++) for (int j = 0; j < n2; j++) z[n2 - 1 - j, i] = m.Ratio[i * n2 + j];   // row 0 at the top
        var plot = Figure.Create(string.Create(Inv, $"tr C/(tr C + |s|²) at t = {m.T:G3}"), "x₁", "x₂");
        var hm = plot.Add.Heatmap(z);
        hm.Extent = new CoordinateRect(m.X[0][0], m.X[0][^1], m.X[1][0], m.X[1][^1]);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(hm);
        var pts = plot.Add.ScatterPoints(r.Points.Select(p => p[0]).ToArray(), r.Points.Select(p => p[1]).ToArray());
        pts.Color = Colors.White;
        pts.MarkerSize = 8;
        plot.Axes.SquareUnits();
        return Figure.Save(plot, directory, name, width: 640, height: 560);
    }

    private static string Curves(VarianceResult r, string directory)
    {
        var plot = Figure.Create("Where and when the DSM target is noisy", "log₁₀ OU time t", "mean tr C / (tr C + |s|²)");
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (c, i) in r.Curves.Select((c, i) => (c, i)))
        {
            var xs = c.Times.Select(Math.Log10).ToArray();
            var line = plot.Add.ScatterLine(xs, c.MeanRatio);
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
            line.LegendText = c.Where;
            var band = plot.Add.ErrorBar(xs, c.MeanRatio, c.StandardError.Select(e => 2 * e).ToArray());
            band.Color = palette.GetColor(i);
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "ratio-curves", width: 1000);
    }

    private static string FillVsRatio(VarianceResult r, List<FillPoint> p, string directory)
    {
        var plot = Figure.Create(string.Create(Inv, $"Gap filling vs F/P (ε = {p[0].Cutoff:G3}, F = {p[0].Features})"), "log₁₀ F/P", "mass between training points");
        Figure.PointsWithErrors(plot, p.Select(f => Math.Log10((double)f.Features / f.Samples)).ToArray(), p.Select(f => f.Mass).ToArray(),
            p.Select(f => f.Stderr).ToArray(), "linear models", connect: true);
        Figure.LogAxis(plot.Axes.Bottom);
        return Figure.Save(plot, directory, "fill-vs-features");
    }

    private static string FillVsCutoff(VarianceResult r, List<FillPoint> all, string directory)
    {
        var plot = Figure.Create("Gap filling vs noise cutoff ε", "log₁₀ ε", "mass between training points");
        var ps = all.Where(f => f.FeatureKind is not null).GroupBy(f => f.Samples).ToList();
        int pMid = all.Where(f => f.Setting == "1-D cutoff sweep").Select(f => f.Samples).FirstOrDefault();
        var linear = all.Where(f => f.FeatureKind is not null && f.Samples == pMid).OrderBy(f => f.Cutoff).ToList();
        if (linear.Count > 0)
            Figure.PointsWithErrors(plot, linear.Select(f => Math.Log10(f.Cutoff)).ToArray(), linear.Select(f => f.Mass).ToArray(), linear.Select(f => f.Stderr).ToArray(),
                $"linear models (P = {pMid})", connect: true);
        foreach (var group in all.Where(f => f.FeatureKind is null).GroupBy(f => f.Setting))
        {
            var g = group.OrderBy(f => f.Cutoff).ToList();
            Figure.PointsWithErrors(plot, g.Select(f => Math.Log10(f.Cutoff)).ToArray(), g.Select(f => f.Mass).ToArray(), g.Select(f => f.Stderr).ToArray(),
                group.Key, connect: true);
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "fill-vs-cutoff", width: 900);
    }

    private static string Densities(VarianceResult r, string directory)
    {
        var plot = Figure.Create("Averaged generated densities (1-D)", "x", "probability per bin");
        double lo = r.DensityAxis[0], hi = r.DensityAxis[1];
        int bins = (int)r.DensityAxis[2];
        var xs = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * (hi - lo) / bins).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        int c = 0;
        foreach (var f in r.Fill.Where(f => f.Setting is "1-D F/P sweep" || (f.FeatureKind is null && !f.Setting.StartsWith("circle", StringComparison.Ordinal))))
        {
            var line = plot.Add.ScatterLine(xs, f.Density);
            line.Color = palette.GetColor(c++ % 10);
            line.LineWidth = f.FeatureKind is null ? 1 : 2;
            if (f.FeatureKind is null) line.LinePattern = LinePattern.Dashed;
            line.LegendText = f.FeatureKind is null ? string.Create(Inv, $"{f.Setting}, ε = {f.Cutoff:G3}") : string.Create(Inv, $"F/P = {(double)f.Features / f.Samples:G3}");
        }
        foreach (var p in r.Points) { var v = plot.Add.VerticalLine(p[0]); v.Color = Colors.Gray; v.LinePattern = LinePattern.Dotted; }
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "densities", width: 960);
    }

    private static string CircleDensity(VarianceResult r, FillPoint f, string directory, string name)
    {
        double lo = r.CircleAxis[0], hi = r.CircleAxis[1];
        int bins = (int)r.CircleAxis[2];
        var z = new double[bins, bins];
        for (int i = 0; i < bins; i++) for (int j = 0; j < bins; j++) z[bins - 1 - j, i] = Math.Log10(f.Density[i * bins + j] + 1e-5);
        var plot = Figure.Create($"{f.Setting}: {(f.FeatureKind?.ToString() ?? "exact score")}", "x₁", "x₂");
        var hm = plot.Add.Heatmap(z);
        hm.Extent = new CoordinateRect(lo, hi, lo, hi);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        var key = f.Setting["circle ".Length..];
        if (r.CirclePoints.TryGetValue(key, out var pts))
        {
            var sc = plot.Add.ScatterPoints(pts.Select(p => p[0]).ToArray(), pts.Select(p => p[1]).ToArray());
            sc.Color = Colors.Red;
            sc.MarkerSize = 6;
        }
        plot.Axes.SquareUnits();
        return Figure.Save(plot, directory, name, width: 560, height: 520);
    }
}
