using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="NegativeGuidanceResult"/>; each draws from the result alone.</summary>
public static class GuideFigures
{
    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(NegativeGuidanceResult r, string directory)
    {
        var figures = new List<(string, string)>
        {
            (TradeOff(r, directory), "Trade-off over the guidance scale λ: share of the forbidden class (± 1 SE) against the collateral change " +
                "(mean distance of a kept sample to its unguided twin, same per-sample noise), static negative prompting vs dynamic negative guidance."),
            (Histograms(r, directory), "Class histograms (held-apart classifier) of the unguided run and of static and dynamic guidance at the main λ, with the target."),
        };
        if (r.TrackingCurve is not null)
            figures.Add((Tracking(r, directory), "Dynamic run at the main λ: mean tracked p(c | path) and mean exact p(c | x_t) along the guided chains (both clamped to [p_min, p_max])."));
        return figures;
    }

    /// <summary>Forbidden share vs collateral change, one line per mode across λ.</summary>
    public static string TradeOff(NegativeGuidanceResult r, string directory)
    {
        var plot = Figure.Create("Removing a class: leakage vs collateral change", "collateral change ‖x_guided − x_twin‖ (kept twins)", "forbidden share");
        foreach (var mode in new[] { "static", "dynamic" })
        {
            var ms = r.Modes.Where(m => m.Mode == mode).OrderBy(m => m.Lambda).ToArray();
            if (ms.Length == 0) continue;
            Figure.PointsWithErrors(plot, ms.Select(m => m.Collateral).ToArray(), ms.Select(m => m.ForbiddenShare).ToArray(),
                ms.Select(m => m.ForbiddenShareStderr).ToArray(), mode == "static" ? "static negative prompting" : "dynamic negative guidance", connect: true);
            foreach (var m in ms)
            {
                var text = plot.Add.Text($"λ={m.Lambda:G3}", m.Collateral, m.ForbiddenShare);
                text.LabelFontSize = 10;
            }
        }
        var none = r.Modes.FirstOrDefault(m => m.Mode == "none");
        if (none is not null)
        {
            var h = plot.Add.HorizontalLine(none.ForbiddenShare);
            h.LinePattern = LinePattern.Dotted;
            h.Color = Colors.Gray;
            h.LegendText = "unguided share";
        }
        plot.ShowLegend();
        return Figure.Save(plot, directory, "tradeoff");
    }

    /// <summary>Class histograms at the main λ.</summary>
    public static string Histograms(NegativeGuidanceResult r, string directory)
    {
        var plot = Figure.Create("Generated classes", "class", "share of samples");
        var keys = r.Histograms.Keys.Where(k => k.StartsWith("none") || k.EndsWith(":" + MainLambda(r))).ToList();
        int series = keys.Count + 1;
        double width = 0.8 / series;
        var palette = new ScottPlot.Palettes.Category10();
        for (int s = 0; s < keys.Count; s++)
        {
            var counts = r.Histograms[keys[s]];
            double total = counts.Sum();
            var bars = plot.Add.Bars(Enumerable.Range(0, counts.Length).Select(k => k - 0.4 + width * (s + 0.5)).ToArray(), counts.Select(c => c / total).ToArray());
            bars.LegendText = keys[s];
            foreach (var b in bars.Bars) { b.Size = width; b.FillColor = palette.GetColor(s); b.LineWidth = 0; }
        }
        var target = plot.Add.Bars(Enumerable.Range(0, r.Target.Length).Select(k => k - 0.4 + width * (keys.Count + 0.5)).ToArray(), r.Target);
        target.LegendText = "target";
        foreach (var b in target.Bars) { b.Size = width; b.FillColor = Colors.Gray; b.LineWidth = 0; }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, r.Classes.Count).Select(k => (double)k).ToArray(), r.Classes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.ShowLegend();
        return Figure.Save(plot, directory, "histograms");
    }

    /// <summary>Mean tracked vs exact p along the chains.</summary>
    public static string Tracking(NegativeGuidanceResult r, string directory)
    {
        var c = r.TrackingCurve!;
        var plot = Figure.Create("Tracked vs exact class posterior", "OU time t", "mean p(c | ·)");
        var tracked = plot.Add.ScatterLine(c.T, c.Tracked);
        tracked.LegendText = "tracked online";
        var exact = plot.Add.ScatterLine(c.T, c.Exact);
        exact.LegendText = "exact p(c | x_t)";
        exact.LinePattern = LinePattern.Dashed;
        plot.ShowLegend();
        return Figure.Save(plot, directory, "tracking");
    }

    internal static string MainLambda(NegativeGuidanceResult r) =>
        r.Modes.First(m => m.Mode == "dynamic").Lambda.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
