using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Theory;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for an <see cref="MemoryResult"/> (Pham et al. 2025, arXiv 2505.21777); each draws from the result alone.</summary>
public static class MemoryFigures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(MemoryResult r, string directory)
    {
        var figures = new List<(string, string)>
        {
            (Shares(r, directory), "Generated samples labelled memorized (≤ δ_m from a training point), spurious (else ≤ δ_s from another sample) " +
                "or generalized, against the training-set size n (±1 binomial SE bound √(0.25/m))."),
            (FixedPointCounts(r, directory), "Fixed points of ln P_t^e (the exact empirical score) found from many starts, against t: " +
                "training-point minima (solid) and spurious ones (dashed), one colour per n. Counts are lower bounds (each start finds one minimum; default 256 starts)."),
        };
        if (r.Sizes.All(s => s.ModelFixedPoints is { Count: > 0 }))
            figures.Add((FixedPointCounts(r, directory, "network-fixed-points", model: true), $"Fixed points of the network's own map y ← D_θ(e^{{−t}} y, t) " +
                $"({r.Score}) at the times ≥ the generation's t_min, from the same starts as the exact baseline and labelled against the same training points: " +
                "training (solid) and spurious (dashed), one colour per n."));
        if (r.CriticalTime is not null)
            figures.Add((RingRadius(r, directory), "Mean radius |y*| of the fixed points (rescaled coordinates y = e^t x) against t, beside the continuum " +
                "theory R = I₁(2βR)/I₀(2βR), β = 1/(2(e^{2t} − 1)) (uniform points, n → ∞); the ring collapses to the centre at t_c = ½ ln 1.5. " +
                "For few random points the single fixed point above t_c is their centroid, not the centre."));
        if (r.Landscape is not null)
            figures.Add((Landscape(r.Landscape, directory), $"Energy E(y) = −(1/β) ln Σ_μ exp(−β|y − ξ_μ|²) at t = {r.Landscape.T.ToString("G3", Inv)} " +
                $"(β = {r.Landscape.Beta.ToString("G3", Inv)}), n = {r.Landscape.N}: training points, fixed points (training / spurious) and generated samples."));
        if (r.Sizes.Any(s => s.Basins.Count > 0))
        {
            figures.Add((Basins(r, directory), "Basin sizes of generated samples: the largest re-noising time t from which denoising returns within ρ(a) " +
                "(half the distance to the nearest training point other than the one a copies) with probability ≥ 0.9 at that and every smaller level, " +
                "one histogram per n; the first bin holds the censored basins below the smallest level."));
            figures.Add((BasinsVsRadius(r, directory), "Basin size against return radius ρ, one point per sample (filled: memorized; open: spurious or " +
                "generalized; triangles at the smallest level: censored, basin below it). The line is the two-point law t* = ½ ln(1 + ρ²/Φ⁻¹(0.9)²) " +
                "(re-noise crosses the midpoint to the neighbour): memorized basins follow the spacing squared."));
        }
        return figures;
    }

    /// <summary>Memorized / spurious / generalized shares vs n (log axis).</summary>
    public static string Shares(MemoryResult r, string directory, string name = "shares")
    {
        var plot = Figure.Create($"Generated samples by kind ({r.Score})", "training-set size n (log scale)", "share of generated samples");
        var xs = r.Sizes.Select(s => Math.Log10(s.N)).ToArray();
        var se = r.Sizes.Select(s => s.ShareStderrMax).ToArray();
        Figure.PointsWithErrors(plot, xs, r.Sizes.Select(s => s.Memorized).ToArray(), se, "memorized", connect: true);
        Figure.PointsWithErrors(plot, xs, r.Sizes.Select(s => s.Spurious).ToArray(), se, "spurious", connect: true);
        Figure.PointsWithErrors(plot, xs, r.Sizes.Select(s => s.Generalized).ToArray(), se, "generalized", connect: true);
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.Legend.Alignment = Alignment.MiddleRight;
        return Figure.Save(plot, directory, name);
    }

    /// <summary>
    /// Counts of training and spurious fixed points vs t, per n, of the exact ln P_t^e (or, with <paramref name="model"/>, of the model's
    /// own map); t_c marked for the circle.
    /// </summary>
    public static string FixedPointCounts(MemoryResult r, string directory, string name = "fixed-points", bool model = false)
    {
        var plot = Figure.Create(model ? $"Fixed points of the network map ({r.Score})" : "Fixed points of ln P_t^e (exact empirical score)",
            "OU time t (log scale)", "number of fixed points (log scale)");
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var s in r.Sizes)
        {
            var color = palette.GetColor(k++);
            var points = model ? s.ModelFixedPoints ?? [] : s.FixedPoints;
            var xs = points.Select(f => Math.Log10(f.T)).ToArray();
            var train = plot.Add.ScatterLine(xs, points.Select(f => Math.Log10(f.Training + 0.5)).ToArray());
            train.Color = color; train.MarkerSize = 6; train.LegendText = $"n = {s.N}: training";
            var spur = plot.Add.ScatterLine(xs, points.Select(f => Math.Log10(f.Spurious + 0.5)).ToArray());
            spur.Color = color; spur.MarkerSize = 6; spur.LinePattern = LinePattern.Dashed; spur.LegendText = $"n = {s.N}: spurious";
        }
        MarkCritical(plot, r.CriticalTime);
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            new[] { 0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 }.Select(c => new Tick(Math.Log10(c + 0.5), c.ToString(Inv))).ToArray());
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, 960, 520);
    }

    /// <summary>Mean fixed-point radius vs t per n, with the circle's continuum ring radius.</summary>
    public static string RingRadius(MemoryResult r, string directory, string name = "ring-radius")
    {
        var plot = Figure.Create("Circle: radius of the energy minima", "OU time t (log scale)", "mean |y*| (rescaled coordinates)");
        var all = r.Sizes.SelectMany(s => s.FixedPoints.Select(f => f.T)).ToArray();
        double lo = all.Min(), hi = all.Max();
        var ts = Enumerable.Range(0, 200).Select(i => lo * Math.Pow(hi / lo, i / 199.0)).ToArray();
        var theory = plot.Add.ScatterLine(ts.Select(Math.Log10).ToArray(), ts.Select(t => CircleEnergy.MinimumRadius(CircleEnergy.BetaFromTime(t))).ToArray());
        theory.Color = Colors.Black; theory.LineWidth = 2; theory.LegendText = "theory R = I₁(2βR)/I₀(2βR)";
        foreach (var s in r.Sizes)
        {
            var pts = plot.Add.ScatterPoints(s.FixedPoints.Select(f => Math.Log10(f.T)).ToArray(), s.FixedPoints.Select(f => f.MeanRadius).ToArray());
            pts.MarkerSize = 8; pts.LegendText = $"measured, n = {s.N}";
        }
        MarkCritical(plot, r.CriticalTime);
        Figure.LogAxis(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(-0.05, 1.1);
        plot.Legend.Alignment = Alignment.LowerLeft;
        return Figure.Save(plot, directory, name);
    }

    /// <summary>Energy heatmap with training points, fixed points and generated samples (d = 2).</summary>
    public static string Landscape(MemoryLandscape l, string directory, string name = "energy-landscape")
    {
        var plot = Figure.Create($"Energy landscape, n = {l.N}, t = {l.T.ToString("G3", Inv)} (β = {l.Beta.ToString("G3", Inv)})",
            "y₁ = e^t x₁", "y₂ = e^t x₂");
        int g = l.Xs.Length;
        double min = l.Energy.Min();
        // Clip far-field energies (quadratic growth) so the basins keep the colour range.
        double cap = l.Energy.Order().ElementAt((int)(0.85 * l.Energy.Length)) - min;
        var z = new double[g, g];
        for (int row = 0; row < g; row++)
            for (int c = 0; c < g; c++)
                z[g - 1 - row, c] = Math.Min(l.Energy[row * g + c] - min, cap); // heatmaps draw row 0 at the top
        var hm = plot.Add.Heatmap(z);
        double half = (l.Xs[1] - l.Xs[0]) / 2;
        hm.Position = new CoordinateRect(l.Xs[0] - half, l.Xs[^1] + half, l.Ys[0] - half, l.Ys[^1] + half);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(hm);
        bar.Label = "E(y) − min E (clipped)";
        var train = plot.Add.ScatterPoints(Column(l.Training, 0), Column(l.Training, 1));
        train.Color = Colors.White; train.MarkerSize = 6; train.LegendText = "training points ξ_μ";
        var samples = plot.Add.ScatterPoints(Column(l.Samples, 0), Column(l.Samples, 1));
        samples.Color = Colors.Orange; samples.MarkerSize = 4; samples.MarkerShape = MarkerShape.OpenCircle; samples.LegendText = "generated samples (t → 0)";
        var tr = l.FixedPoints.Where(p => p.Kind == FixedPointKind.Training).ToArray();
        var sp = l.FixedPoints.Where(p => p.Kind == FixedPointKind.Spurious).ToArray();
        if (tr.Length > 0)
        {
            var m = plot.Add.ScatterPoints(tr.Select(p => p.Point[0]).ToArray(), tr.Select(p => p.Point[1]).ToArray());
            m.Color = Colors.Cyan; m.MarkerShape = MarkerShape.OpenSquare; m.MarkerSize = 10; m.LegendText = $"fixed points at training points ({tr.Length})";
        }
        if (sp.Length > 0)
        {
            var m = plot.Add.ScatterPoints(sp.Select(p => p.Point[0]).ToArray(), sp.Select(p => p.Point[1]).ToArray());
            m.Color = Colors.Red; m.MarkerShape = MarkerShape.Cross; m.MarkerSize = 15; m.MarkerLineWidth = 2.5f; m.LegendText = $"spurious fixed points ({sp.Length})";
        }
        plot.Axes.SquareUnits();
        plot.Legend.Alignment = Alignment.LowerRight;
        plot.Legend.BackgroundColor = Colors.Gray.WithAlpha(0.85); // keeps the white training-point marker visible
        return Figure.Save(plot, directory, name, 760, 640);
    }

    /// <summary>Histogram of basin sizes over the level grid, one series per n; the first bin holds the left-censored basins.</summary>
    public static string Basins(MemoryResult r, string directory, string name = "basins")
    {
        var plot = Figure.Create("Basin sizes of generated samples", "basin size: largest re-noising time t with return prob. ≥ 0.9", "number of samples");
        var levels = r.BasinLevels;
        double w = 0.8 / Math.Max(1, r.Sizes.Count);
        var palette = new ScottPlot.Palettes.Category10();
        var ticks = new List<Tick> { new(0, "< " + levels[0].ToString("G2", Inv)) };
        // Label every level up to 12, else about 8 of them (every 4th: the decades of the default grid; not the first, which the
        // censored bin beside it names) and the last.
        int every = levels.Length <= 12 ? 1 : (int)Math.Ceiling(levels.Length / 8.0);
        for (int k = 0; k < levels.Length; k++)
            if (every == 1 || (k > 0 && k % every == 0) || k == levels.Length - 1)
                ticks.Add(new Tick(k + 1, (k == levels.Length - 1 ? "≥ " : "") + levels[k].ToString("G2", Inv)));
        int j = 0;
        foreach (var s in r.Sizes)
        {
            var color = palette.GetColor(j);
            var bars = new List<Bar>();
            for (int k = 0; k <= levels.Length; k++)
            {
                int count = k == 0 ? s.Basins.Count(b => b.Censoring == BasinCensoring.BelowSmallest)
                    : s.Basins.Count(b => b.Censoring != BasinCensoring.BelowSmallest && b.Size == levels[k - 1]);
                bars.Add(new Bar { Position = k - 0.4 + w * (j + 0.5), Value = count, Size = w * 0.95, FillColor = color, LineWidth = 0 });
            }
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"n = {s.N}: median {s.BasinAll.MedianText()}, memorized {s.BasinMemorized.MedianText()}", FillColor = color });
            j++;
        }
        var cut = plot.Add.VerticalLine(0.5);
        cut.Color = Colors.Gray; cut.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Legend.Alignment = Alignment.UpperRight;
        return Figure.Save(plot, directory, name, 960, 480);
    }

    /// <summary>Basin size vs return radius (log–log), with the two-point law t* = ½ ln(1 + ρ²/Φ⁻¹(0.9)²).</summary>
    public static string BasinsVsRadius(MemoryResult r, string directory, string name = "basins-vs-radius")
    {
        var plot = Figure.Create("Basin size against return radius", "return radius ρ (log scale)", "basin size t (log scale)");
        var palette = new ScottPlot.Palettes.Category10();
        var all = r.Sizes.SelectMany(s => s.Basins).ToArray();
        double lo = all.Min(b => b.ReturnRadius) / 1.5, hi = all.Max(b => b.ReturnRadius) * 1.5;
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, r.Options.BasinsOrDefault.Probability);
        var rho = Enumerable.Range(0, 100).Select(i => lo * Math.Pow(hi / lo, i / 99.0)).ToArray();
        var law = plot.Add.ScatterLine(rho.Select(Math.Log10).ToArray(), rho.Select(x => Math.Log10(0.5 * Math.Log(1 + x * x / (z * z)))).ToArray());
        law.Color = Colors.Black; law.LineWidth = 2; law.LegendText = "two points: t* = ½ ln(1 + ρ²/Φ⁻¹(0.9)²)";
        int j = 0;
        foreach (var s in r.Sizes)
        {
            var color = palette.GetColor(j++);
            void Add(Func<int, bool> keep, MarkerShape shape, string? label)
            {
                var idx = Enumerable.Range(0, s.Basins.Count).Where(keep).ToArray();
                if (idx.Length == 0) return;
                var pts = plot.Add.ScatterPoints(idx.Select(i => Math.Log10(s.Basins[i].ReturnRadius)).ToArray(), idx.Select(i => Math.Log10(s.Basins[i].Size)).ToArray());
                pts.Color = color; pts.MarkerShape = shape; pts.MarkerSize = 7;
                if (label is not null) pts.LegendText = label;
            }
            Add(i => s.Basins[i].Censoring != BasinCensoring.BelowSmallest && s.BasinKinds[i] == SampleKind.Memorized, MarkerShape.FilledCircle, $"n = {s.N}");
            Add(i => s.Basins[i].Censoring != BasinCensoring.BelowSmallest && s.BasinKinds[i] != SampleKind.Memorized, MarkerShape.OpenCircle, null);
            Add(i => s.Basins[i].Censoring == BasinCensoring.BelowSmallest, MarkerShape.FilledTriangleDown, null);
        }
        var floor = plot.Add.HorizontalLine(Math.Log10(r.BasinLevels[0]));
        floor.Color = Colors.Gray; floor.LinePattern = LinePattern.Dashed; floor.LegendText = "smallest level (▼: basin below it)";
        Figure.LogAxis(plot.Axes.Bottom);
        Figure.LogAxis(plot.Axes.Left);
        plot.Legend.Alignment = Alignment.UpperLeft;
        return Figure.Save(plot, directory, name, 820, 560);
    }

    private static void MarkCritical(Plot plot, double? tc)
    {
        if (tc is not double t) return;
        var v = plot.Add.VerticalLine(Math.Log10(t));
        v.Color = Colors.Gray; v.LinePattern = LinePattern.Dashed;
        v.LegendText = $"circle t_c = ½ ln 1.5 = {t.ToString("F3", Inv)} (β = 1)";
    }

    private static double[] Column(float[] xy, int c) => Enumerable.Range(0, xy.Length / 2).Select(i => (double)xy[2 * i + c]).ToArray();
}
