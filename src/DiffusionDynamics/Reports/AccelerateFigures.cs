using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Sampling;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for an <see cref="AccelerateResult"/>, drawn from the record alone.</summary>
public static class AccelerateFigures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption, has SVG) for the report.</summary>
    public static IReadOnlyList<(string File, string Caption, bool HasSvg)> WriteAll(AccelerateResult r, string directory)
    {
        var figures = new List<(string, string, bool)>
        {
            (FdVsNfe(r, directory), "Fréchet distance to the held-out reference against denoiser evaluations per sample (both axes log). " +
                "Solid: baseline from T; dashed: analytical teleport to t_skip; dotted: Gaussian late start at t_skip. Bars: ±1 bootstrap SE. " +
                $"Grey band: the FD floor of a perfect sampler with {r.Floor.SubsetSize} samples (mean ± sd of training subsets).", true),
            (StepsSavedChart(r, directory), "Fraction of denoiser evaluations saved at equal FD, 1 − N′/N: bars = median over the baseline budgets " +
                "where the curves cross; dots = each budget (▲ a lower bound: already better at the smallest budget; ▼ an upper bound: never as good; values below −100 % drawn at −100 %; budgets where the baseline is already within 2 sd of the FD floor are left out); \"no crossing\" where the curves never cross inside the budgets, so no median exists.", true),
        };
        if (r.TSkip.Curve.Count > 0)
            figures.Add((ExplainedVariance(r, directory), "Unexplained share 1 − EV(t) of the sampling score by the Gaussian score of the training data " +
                "(±1 SE), with the threshold of the ev rule and the t_skip used.", true));
        if (r.ItemShape.Length == 3 && r.Runs.Any(x => x.Preview.Length > 0))
        {
            int budget = r.Runs.Min(x => x.NominalNfe);
            string order = string.Join("; ", r.Runs.Where(x => x.NominalNfe == budget && x.Preview.Length > 0)
                .Select((x, i) => $"row {i + 1}: {SamplerName(x.Sampler)}, {StartName(x.Start)}, NFE {x.Nfe}"));
            figures.Add((SamplesAtSmallestBudget(r, directory), $"The first samples (same seeds in every row) at the smallest budget — {order}.", false));
        }
        return figures;
    }

    /// <summary>FD against NFE, log–log, one colour per sampler, one line style per start rule, the floor as a band.</summary>
    public static string FdVsNfe(AccelerateResult r, string directory, string name = "fd-vs-nfe")
    {
        var plot = Figure.Create($"Sample quality against budget ({r.Denoiser})", "denoiser evaluations per sample, NFE (log scale)",
            "Fréchet distance (log scale)");
        var samplers = r.Runs.Select(x => x.Sampler).Distinct().ToList();
        var startKinds = r.Runs.Select(x => x.Start).Distinct().ToList();
        int series = samplers.Count * startKinds.Count, index = 0;
        foreach (var (sampler, i) in samplers.Select((s, i) => (s, i)))
        {
            var colour = plot.Add.Palette.GetColor(i);
            foreach (var start in startKinds)
            {
                var runs = r.Runs.Where(x => x.Sampler == sampler && x.Start == start).OrderBy(x => x.Nfe).ToArray();
                if (runs.Length == 0) continue;
                // A small horizontal offset per series (≤ ±1.5 % in NFE) keeps overlapping error bars apart.
                double offset = 0.006 * (index++ - (series - 1) / 2.0);
                var xs = runs.Select(x => Math.Log10(x.Nfe) + offset).ToArray();
                var ys = runs.Select(x => Math.Log10(Math.Max(x.Fd, 1e-12))).ToArray();
                var line = plot.Add.Scatter(xs, ys);
                line.Color = colour;
                line.LineWidth = 2;
                line.MarkerSize = 6;
                line.LinePattern = start switch
                {
                    AccelerationStart.Teleport => LinePattern.Dashed,
                    AccelerationStart.GaussianLateStart => LinePattern.Dotted,
                    _ => LinePattern.Solid,
                };
                line.LegendText = $"{SamplerName(sampler)}, {StartName(start)}";
                foreach (var x in runs)
                {
                    if (!double.IsFinite(x.FdStderr) || x.FdStderr <= 0) continue;
                    double lo = Math.Log10(Math.Max(x.Fd - x.FdStderr, x.Fd / 10)), hi = Math.Log10(x.Fd + x.FdStderr);
                    var bar = plot.Add.Line(Math.Log10(x.Nfe) + offset, lo, Math.Log10(x.Nfe) + offset, hi);
                    bar.Color = colour;
                    bar.LineWidth = 1.5f;
                }
            }
        }
        var f = r.Floor;
        var floor = plot.Add.HorizontalLine(Math.Log10(Math.Max(f.Fd, 1e-12)));
        floor.Color = Colors.Gray;
        floor.LineWidth = 2;
        floor.LegendText = $"FD floor {f.Fd.ToString("G3", Inv)} (perfect sampler, {f.SubsetSize} samples)";
        foreach (var level in new[] { f.Fd - f.Sd, f.Fd + f.Sd })
        {
            if (!(level > 0)) continue;
            var edge = plot.Add.HorizontalLine(Math.Log10(level));
            edge.Color = Colors.Gray.WithAlpha(0.6);
            edge.LinePattern = LinePattern.Dotted;
            edge.LineWidth = 1;
        }
        var budgets = r.Runs.Select(x => x.Nfe).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(budgets.Select(n => Math.Log10(n)).ToArray(), budgets.Select(n => n.ToString(Inv)).ToArray());
        Figure.LogAxis(plot.Axes.Left);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name, 960, 640);
    }

    /// <summary>Bars of the median steps saved per sampler and accelerated start; dots for every budget, triangles for bounds.</summary>
    public static string StepsSavedChart(AccelerateResult r, string directory, string name = "steps-saved")
    {
        var plot = Figure.Create("Steps saved at equal Fréchet distance", "sampler", "saved share of NFE, 1 − N′/N (%)");
        var samplers = r.StepsSaved.Select(s => s.Sampler).Distinct().ToList();
        var starts = r.StepsSaved.Select(s => s.Start).Distinct().ToList();
        double width = 0.8 / Math.Max(1, starts.Count);
        var colours = starts.Select((_, j) => plot.Add.Palette.GetColor(j + 3)).ToArray();
        for (int i = 0; i < samplers.Count; i++)
            for (int j = 0; j < starts.Count; j++)
            {
                var s = r.StepsSaved.FirstOrDefault(x => x.Sampler == samplers[i] && x.Start == starts[j]);
                if (s is null) continue;
                double position = i + (j - (starts.Count - 1) / 2.0) * width;
                if (s.Median is double m)
                    plot.Add.Bar(new Bar { Position = position, Value = 100 * m, FillColor = colours[j].WithAlpha(0.55), Size = width * 0.9 });
                else
                {
                    // No interpolated crossing: say so at the bar's place rather than leave a gap.
                    bool floor = s.Points.All(p => p.Kind == SavedKind.AtFloor);
                    var text = plot.Add.Text(floor ? "at the FD floor" : "no crossing", position, 0);
                    text.LabelFontSize = 11;
                    text.LabelRotation = -90;
                    text.LabelFontColor = colours[j];
                    text.LabelAlignment = Alignment.MiddleLeft;
                    text.LabelOffsetY = -4;
                }
                foreach (var p in s.Points.Where(p => p.Saved is not null))
                {
                    // Bounds far below −100 % (never as good even at N_max) are drawn at the axis edge.
                    var dot = plot.Add.Marker(position, Math.Max(100 * p.Saved!.Value, -100));
                    dot.Color = colours[j];
                    dot.Size = 8;
                    dot.Shape = p.Kind switch
                    {
                        SavedKind.AtLeast => MarkerShape.FilledTriangleUp,
                        SavedKind.LessThan => MarkerShape.FilledTriangleDown,
                        _ => MarkerShape.FilledCircle,
                    };
                }
            }
        for (int j = 0; j < starts.Count; j++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{StartName(starts[j])}: median", FillColor = colours[j].WithAlpha(0.55) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "one budget (crossing)", MarkerShape = MarkerShape.FilledCircle, MarkerColor = Colors.Gray, MarkerSize = 8 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "saved ≥ (already as good)", MarkerShape = MarkerShape.FilledTriangleUp, MarkerColor = Colors.Gray, MarkerSize = 8 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "saved < (never as good)", MarkerShape = MarkerShape.FilledTriangleDown, MarkerColor = Colors.Gray, MarkerSize = 8 });
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Black;
        zero.LineWidth = 1;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, samplers.Count).Select(i => (double)i).ToArray(), samplers.Select(SamplerName).ToArray());
        plot.Axes.SetLimitsX(-0.6, samplers.Count - 0.4);
        // The y range follows the data (values below −100 % drawn at −100 %), with 0 and a margin for the "no crossing" labels.
        var shown = r.StepsSaved.SelectMany(x => x.Points.Where(p => p.Saved is not null).Select(p => Math.Max(100 * p.Saved!.Value, -100))
            .Concat(x.Median is double m ? [100 * m] : [])).DefaultIfEmpty(0).ToArray();
        double lo = Math.Min(0, shown.Min()), hi = Math.Max(0, shown.Max());
        double pad = Math.Max(5, 0.08 * (hi - lo));
        bool labels = r.StepsSaved.Any(x => x.Median is null);
        double bottom = lo - pad, top = hi + pad;
        // Room above 0 for the vertical labels: at least 30 % of the axis.
        if (labels) top = Math.Max(top, -0.3 * bottom / 0.7);
        plot.Axes.SetLimitsY(bottom, top);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name, 720, 480);
    }

    /// <summary>1 − EV(t) on log–log axes with the threshold and t_skip.</summary>
    public static string ExplainedVariance(AccelerateResult r, string directory, string name = "explained-variance")
    {
        var s = r.TSkip;
        var plot = Figure.Create("Where the Gaussian score takes over", "t (OU, log scale)", "1 − EV(t), unexplained share (log scale)");
        var pts = s.Curve.Where(p => p.Ev < 1).ToArray();
        var xs = pts.Select(p => Math.Log10(p.T)).ToArray();
        var ys = pts.Select(p => Math.Log10(1 - p.Ev)).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = "1 − EV(t) (Monte Carlo)";
        line.MarkerSize = 5;
        foreach (var p in pts)
        {
            double u = 1 - p.Ev;
            var bar = plot.Add.Line(Math.Log10(p.T), Math.Log10(Math.Max(u - p.Stderr, u / 10)), Math.Log10(p.T), Math.Log10(u + p.Stderr));
            bar.Color = line.Color;
        }
        if (s.Threshold is double thr)
        {
            var h = plot.Add.HorizontalLine(Math.Log10(1 - thr));
            h.LinePattern = LinePattern.Dashed;
            h.Color = Colors.Gray;
            h.LegendText = $"threshold 1 − {thr.ToString("G3", Inv)}";
        }
        var v = plot.Add.VerticalLine(Math.Log10(s.Value));
        v.Color = Colors.Red;
        v.LinePattern = LinePattern.Dashed;
        v.LegendText = $"t_skip = {s.Value.ToString("F3", Inv)} ({100 * s.LogSnrFraction:F0} % of the log-SNR range)";
        Figure.LogAxis(plot.Axes.Bottom);
        Figure.LogAxis(plot.Axes.Left);
        // Below 10⁻⁸ the two scores agree to float32 round-off: nothing to see there.
        plot.Axes.SetLimitsY(Math.Max(ys.DefaultIfEmpty(-8).Min(), -8.5) - 0.2, Math.Max(0.3, ys.DefaultIfEmpty(0).Max() + 0.3));
        plot.ShowLegend(Alignment.LowerLeft);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>Image data: a grid with one row of previews per (sampler, start) at the smallest budget.</summary>
    public static string SamplesAtSmallestBudget(AccelerateResult r, string directory, string name = "samples-smallest-nfe.png")
    {
        int budget = r.Runs.Min(x => x.NominalNfe);
        var rows = r.Runs.Where(x => x.NominalNfe == budget && x.Preview.Length > 0).ToArray();
        int d = r.Data.D, columns = rows.Max(x => x.Preview.Length / d);
        var images = new List<float[]>();
        foreach (var run in rows)
            for (int k = 0; k < columns; k++)
                images.Add(k * d < run.Preview.Length ? run.Preview.AsSpan(k * d, d).ToArray() : new float[d]);
        ImageGrid.WritePng(Path.Combine(directory, name), images, r.ItemShape, columns, scale: Math.Max(2, 56 / r.ItemShape[1]));
        return name;
    }

    /// <summary>Report name of a sampler: its CLI token (<see cref="OptionTokens"/>).</summary>
    public static string SamplerName(SamplerKind kind) => OptionTokens.Of(kind);

    /// <summary>Report name of a start rule.</summary>
    public static string StartName(AccelerationStart start) => start switch
    {
        AccelerationStart.Teleport => "teleport",
        AccelerationStart.GaussianLateStart => "Gaussian late start",
        _ => "baseline",
    };
}
