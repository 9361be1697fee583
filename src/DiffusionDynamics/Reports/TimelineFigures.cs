using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>The figure of <c>diffdyn timeline</c>, drawn from <see cref="TimelineResult"/> alone.</summary>
public static class TimelineFigures
{
    /// <summary>Writes every figure; returns (file, caption) in report order.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(TimelineResult result, string directory) =>
    [
        (Timeline(result, directory), "The regimes on one OU time axis (log scale): each measured time with its error bar (coloured), " +
                                       "its closed form (black diamond), and ½ ln Λ and the collapse closed form as dashed lines."),
    ];

    /// <summary>One row per event: measured time ± error (coloured by group) and its closed form (black diamond), on a log t axis.</summary>
    public static string Timeline(TimelineResult r, string directory, string name = "timeline")
    {
        var plot = Figure.Create($"Timeline of {r.Data.Name} — {r.Score}", "OU time t (log scale; generation runs right to left)", "");
        var groups = r.Events.Select(e => e.Group).Distinct().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var rows = r.Events.Reverse().ToList(); // first event at the top
        double tLo = 1e-3, tHi = 10;
        var all = r.Events.SelectMany(e => new[] { e.Measured, e.Theory }).OfType<double>().Where(v => v > 0 && double.IsFinite(v)).ToList();
        if (all.Count > 0) { tLo = Math.Min(all.Min() / 2, 0.01); tHi = Math.Max(all.Max() * 2, 1); }
        double L(double t) => Math.Log10(Math.Clamp(t, tLo, tHi));
        var labelled = new HashSet<string>();
        for (int i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            var colour = palette.GetColor(groups.IndexOf(e.Group));
            if (e.Measured is double m && m > 0)
            {
                if (e.Error is double err && err > 0)
                {
                    var bar = plot.Add.Line(L(Math.Max(m - err, tLo)), i, L(m + err), i);
                    bar.Color = colour;
                    bar.LineWidth = 2;
                }
                var dot = plot.Add.Marker(L(m), i);
                dot.Color = colour;
                dot.Size = 9;
                dot.Shape = MarkerShape.FilledCircle;
                if (labelled.Add(e.Group)) dot.LegendText = $"{e.Group} (measured ± error)";
            }
            if (e.Theory is double th && th > 0)
            {
                var diamond = plot.Add.Marker(L(th), i);
                diamond.Color = Colors.Black;
                diamond.Size = 8;
                diamond.Shape = MarkerShape.OpenDiamond;
                if (labelled.Add("theory")) diamond.LegendText = "closed form";
            }
        }
        if (r.Regimes.Speciation.TheoryDefined && r.Regimes.Speciation.Theory > 0)
        {
            var ts = plot.Add.VerticalLine(L(r.Regimes.Speciation.Theory));
            ts.Color = Colors.Gray;
            ts.LinePattern = LinePattern.Dashed;
            ts.LegendText = "t_S = ½ ln Λ";
        }
        double tc = r.Regimes.Collapse.TheoryTwoCluster ?? r.Regimes.Collapse.TheoryAnisotropic ?? r.Regimes.Collapse.TheoryGaussian;
        if (tc > 0)
        {
            var line = plot.Add.VerticalLine(L(tc));
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dotted;
            line.LegendText = "t_C closed form";
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(), rows.Select(e => e.Label).ToArray());
        plot.Axes.SetLimitsY(-0.8, rows.Count - 0.2);
        plot.Axes.SetLimitsX(Math.Log10(tLo), Math.Log10(tHi));
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 1200, height: 120 + 42 * rows.Count);
    }
}
