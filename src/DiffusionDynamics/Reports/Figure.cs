using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>
/// House style for figures and the PNG + SVG pair every figure is saved as. Every recipe ends in <see cref="Save"/>, which applies one
/// style to all figures (<see cref="Finish"/>): axes widened until every series lies inside them, the legend outside the data area with
/// swatches long enough to show a dashed or dotted line, and the image widened so the data area keeps its size.
/// </summary>
public static class Figure
{
    private static bool styled;
    private static readonly AsyncLocal<List<Plot>?> recorded = new();

    /// <summary>Length of a legend swatch in pixels: long enough for two periods of a dashed line.</summary>
    public const float LegendSymbolWidth = 40;

    /// <summary>A new plot in the house style (DejaVu Sans, white background).</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        if (!styled)
        {
            Fonts.Default = "DejaVu Sans";
            styled = true;
        }
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Points with ±error bars in one colour, labelled once in the legend.</summary>
    public static void PointsWithErrors(Plot plot, double[] xs, double[] ys, double[] errors, string label, bool connect = false)
    {
        var bars = plot.Add.ErrorBar(xs, ys, errors);
        bars.LegendText = label;
        if (connect)
        {
            var line = plot.Add.ScatterLine(xs, ys);
            line.Color = bars.Color;
        }
        else
        {
            var points = plot.Add.ScatterPoints(xs, ys);
            points.Color = bars.Color;
        }
    }

    /// <summary>A histogram of <paramref name="values"/> in <paramref name="bins"/> equal bins over [lo, hi] (values outside are clamped into the end bins).</summary>
    public static void Histogram(Plot plot, IReadOnlyList<double> values, int bins, double lo, double hi)
    {
        if (!(hi > lo)) hi = lo + 1e-3;
        var counts = new double[bins];
        foreach (var v in values) counts[Math.Clamp((int)((v - lo) / (hi - lo) * bins), 0, bins - 1)]++;
        var positions = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * (hi - lo) / bins).ToArray();
        var barPlot = plot.Add.Bars(positions, counts);
        foreach (var bar in barPlot.Bars)
        {
            bar.Size = (hi - lo) / bins * 0.9;
            bar.LineWidth = 0;
        }
    }

    /// <summary>
    /// For data plotted as log10 values: ticks labelled with the value (<see cref="LogTicks"/>) — at powers of ten with log minor ticks when
    /// the axis spans two decades or more, at 1-2-5 (else 1…9) multiples when it spans less, so a short log axis still has labelled ticks.
    /// </summary>
    public static void LogAxis(IAxis axis) => axis.TickGenerator = new LogTicks();

    /// <summary>
    /// For data plotted as asinh(v) (linear near 0, logarithmic beyond ±1 — for values that blow up): ticks at 0, ±1, ±2, ±5, ±10, …
    /// inside [<paramref name="min"/>, <paramref name="max"/>] (values, not asinh values), labelled with the value.
    /// </summary>
    public static void AsinhAxis(IAxis axis, double min, double max)
    {
        var values = new List<double> { 0 };
        for (double decade = 0.1; decade <= 1e6; decade *= 10)
            foreach (double m in new[] { 1.0, 2.0, 5.0 }) { values.Add(m * decade); values.Add(-m * decade); }
        double span = Math.Asinh(max) - Math.Asinh(min);
        // Keep ticks at least 6 % of the axis apart.
        var kept = new List<double>();
        foreach (var v in values.Where(v => v >= Math.Min(min, -1) && v <= Math.Max(max, 1)).OrderBy(Math.Abs))
            if (kept.All(k => Math.Abs(Math.Asinh(k) - Math.Asinh(v)) > 0.06 * span)) kept.Add(v);
        kept.Sort();
        axis.SetTicks(kept.Select(Math.Asinh).ToArray(), kept.Select(v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>
    /// Saves <paramref name="plot"/> as <c>{name}.png</c> and <c>{name}.svg</c> in <paramref name="directory"/> after <see cref="Finish"/>;
    /// returns the PNG file name. <paramref name="width"/> × <paramref name="height"/> is the size without an outside legend.
    /// </summary>
    public static string Save(Plot plot, string directory, string name, int width = 720, int height = 480)
    {
        (width, height) = Finish(plot, width, height);
        recorded.Value?.Add(plot);
        plot.SavePng(Path.Combine(directory, name + ".png"), width, height);
        // Skia's SVG canvas prints a line to native stderr for each dashed line it cannot express; keep it off the terminal.
        NativeOutputMute.Run(() => plot.SaveSvg(Path.Combine(directory, name + ".svg"), width, height));
        return name + ".png";
    }

    /// <summary>
    /// The house style applied to a finished recipe: (1) the axes contain every finite data point of every series (limits a recipe set
    /// are widened, never narrowed); (2) a legend, when any series is labelled, sits outside the data area on the right with
    /// <see cref="LegendSymbolWidth"/>-pixel swatches; the image grows by the legend's width (and to its height) so neither the data area
    /// nor the legend is squeezed or clipped. Returns the image size to render.
    /// </summary>
    public static (int Width, int Height) Finish(Plot plot, int width, int height)
    {
        var panels = plot.Axes.GetPanels().Where(p => p.GetType().Name == "LegendPanel").ToList();
        bool labelled = plot.Legend.GetItems().Any(i => !string.IsNullOrEmpty(i.LabelText));
        if (labelled)
        {
            plot.Legend.SymbolWidth = LegendSymbolWidth;
            plot.Legend.Padding = new PixelPadding(8, 8, 8, 8);
            var legend = plot.Legend.GetImage();
            if (panels.Count == 0) width += legend.Width + 24;
            else if (width < 720 + legend.Width) width = 720 + legend.Width + 24;
            height = Math.Max(height, legend.Height + 120);
            foreach (var p in panels) plot.Axes.Remove(p);
            plot.ShowLegend(Edge.Right);
        }
        else plot.HideLegend();

        // Render once so autoscaled limits exist, then widen them to the data.
        plot.RenderInMemory(width, height);
        var shown = plot.Axes.GetLimits();
        var data = DataLimits(plot);
        double left = Math.Min(shown.Left, data.Left), right = Math.Max(shown.Right, data.Right);
        double bottom = Math.Min(shown.Bottom, data.Bottom), top = Math.Max(shown.Top, data.Top);
        if (left < shown.Left || right > shown.Right)
        {
            double pad = 0.03 * (right - left);
            plot.Axes.SetLimitsX(left < shown.Left ? left - pad : left, right > shown.Right ? right + pad : right);
        }
        if (bottom < shown.Bottom || top > shown.Top)
        {
            double pad = 0.03 * (top - bottom);
            plot.Axes.SetLimitsY(bottom < shown.Bottom ? bottom - pad : bottom, top > shown.Top ? top + pad : top);
        }
        return (width, height);
    }

    /// <summary>The union of the finite data limits of the series on the primary axes (axis lines count in their one direction).</summary>
    public static (double Left, double Right, double Bottom, double Top) DataLimits(Plot plot)
    {
        double left = double.PositiveInfinity, right = double.NegativeInfinity, bottom = double.PositiveInfinity, top = double.NegativeInfinity;
        foreach (var p in plot.GetPlottables())
        {
            if (!p.IsVisible || p.Axes.XAxis != plot.Axes.Bottom || p.Axes.YAxis != plot.Axes.Left) continue;
            var l = p.GetAxisLimits();
            if (double.IsFinite(l.Left)) left = Math.Min(left, l.Left);
            if (double.IsFinite(l.Right)) right = Math.Max(right, l.Right);
            if (double.IsFinite(l.Bottom)) bottom = Math.Min(bottom, l.Bottom);
            if (double.IsFinite(l.Top)) top = Math.Max(top, l.Top);
        }
        return (left, right, bottom, top);
    }

    /// <summary>Collects every plot <see cref="Save"/> writes on this async flow until disposed (figure-style tests inspect them).</summary>
    public static IDisposable Record(out IReadOnlyList<Plot> plots)
    {
        var list = new List<Plot>();
        var previous = recorded.Value;
        recorded.Value = list;
        plots = list;
        return new Restore(() => recorded.Value = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
