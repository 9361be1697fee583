using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>House style for figures and the PNG + SVG pair every figure is saved as.</summary>
public static class Figure
{
    private static bool styled;

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

    /// <summary>For data plotted as log10 values: ticks at integer powers of ten labelled with the value, log minor ticks.</summary>
    public static void LogAxis(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Saves <paramref name="plot"/> as <c>{name}.png</c> and <c>{name}.svg</c> in <paramref name="directory"/>; returns the PNG file name.</summary>
    public static string Save(Plot plot, string directory, string name, int width = 720, int height = 480)
    {
        plot.SavePng(Path.Combine(directory, name + ".png"), width, height);
        // Skia's SVG canvas prints a line to native stderr for each dashed line it cannot express; keep it off the terminal.
        NativeOutputMute.Run(() => plot.SaveSvg(Path.Combine(directory, name + ".svg"), width, height));
        return name + ".png";
    }
}
