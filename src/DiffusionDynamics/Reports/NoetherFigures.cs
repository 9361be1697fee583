using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="NoetherResult"/>; each draws from the result alone.</summary>
public static class NoetherFigures
{
    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(NoetherResult r, string directory)
    {
        var figures = new List<(string, string)>();
        if (r.Dimension <= 2 && r.Paths.All(p => p.Path.Length > 0))
            figures.Add((Paths(r, directory), r.Kind == NoetherDrift.Ring
                ? "Least-action paths of the reverse drift from one noise point to end points on the ring (colours: end angle; legend: action), " +
                  "and the probability-flow path (black dashed): it runs radially, to the end point whose least-action path has zero angular momentum."
                : "Least-action paths (solid) " + (r.ClosedForm is null ? "." : "and the closed form of the first (black dotted).")));
        else
            figures.Add((Actions(r, directory), "Action of the least-action path to each target: the cheapest is the most likely outcome."));
        if (r.Paths.Any(p => p.Conserved.Count > 0)) figures.Add((Conserved(r, directory), "Conserved quantities along each path: Q(s) − Q̄ relative to its size (docs/theory.md §8.5)."));
        if (r.MonteCarlo is not null)
            figures.Add((MonteCarlo(r, directory), "Drift–diffusion with absorbing bounds: the Monte-Carlo mean of the paths that survive and end near x_T (±4 SE), " +
                "against the least-action path, the straight line (momentum conservation)."));
        return figures;
    }

    /// <summary>The paths in the plane (d = 2) or against s (d = 1).</summary>
    public static string Paths(NoetherResult r, string directory, string name = "paths")
    {
        bool plane = r.Dimension == 2;
        var plot = Figure.Create("Least-action paths — " + r.Drift, plane ? "x₁" : "path time s", plane ? "x₂" : "x");
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var p in r.Paths)
        {
            double[] xs = plane ? p.Path.Select(x => x[0]).ToArray() : p.Times, ys = p.Path.Select(x => plane ? x[1] : x[0]).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.Color = palette.GetColor(i++ % 10);
            line.LineWidth = 2;
            line.LegendText = $"{p.Label}: S = {p.Action:G4}";
        }
        if (r.ProbabilityFlow is { } flow)
        {
            var pf = plot.Add.ScatterLine(flow.Path.Select(x => x[0]).ToArray(), flow.Path.Select(x => x[1]).ToArray());
            pf.Color = Colors.Black;
            pf.LinePattern = LinePattern.Dashed;
            pf.LineWidth = 2;
            pf.LegendText = "probability-flow path";
        }
        if (r.Kind == NoetherDrift.Ring)
        {
            double rad = r.Paths.Select(p => Math.Sqrt(p.Path[^1][0] * p.Path[^1][0] + p.Path[^1][1] * p.Path[^1][1])).Average();
            var ring = plot.Add.Circle(0, 0, rad);
            ring.LineColor = Colors.Gray;
            ring.LinePattern = LinePattern.Dotted;
            plot.Axes.SquareUnits();
        }
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 1000, height: 600);
    }

    /// <summary>Action per path (any dimension).</summary>
    public static string Actions(NoetherResult r, string directory, string name = "actions")
    {
        var plot = Figure.Create("Action of the least-action path to each target", "path", "action S");
        var bars = plot.Add.Bars(r.Paths.Select(p => p.Action).ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, r.Paths.Count).Select(i => (double)i).ToArray(), r.Paths.Select(p => p.Label).ToArray());
        plot.Axes.Margins(bottom: 0);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>(Q_k − Q̄)/size for every conserved quantity of every path.</summary>
    public static string Conserved(NoetherResult r, string directory, string name = "conserved")
    {
        var plot = Figure.Create("Conservation along the paths", "path time s", "(Q(s) − Q̄) / mean size");
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var p in r.Paths)
            foreach (var (q, c) in p.Conserved)
            {
                double size = c.MaxRelativeDrift > 0 ? c.Values.Max(v => Math.Abs(v - c.Mean)) / c.MaxRelativeDrift : 1;
                var ys = c.Values.Select(v => (v - c.Mean) / size).ToArray();
                var line = plot.Add.ScatterLine(p.Times.Take(ys.Length).ToArray(), ys);
                line.Color = palette.GetColor(i++ % 10);
                line.LegendText = $"{q}, {p.Label}";
            }
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 1000);
    }

    /// <summary>Monte-Carlo conditioned mean ± 4 SE against the straight line.</summary>
    public static string MonteCarlo(NoetherResult r, string directory, string name = "monte-carlo")
    {
        var mc = r.MonteCarlo!;
        var plot = Figure.Create($"Drift–diffusion: conditioned mean of {mc.Kept} of {mc.Simulated} paths", "path time s", "x");
        var band = plot.Add.FillY(mc.Times, mc.Mean.Select((m, k) => m - 4 * mc.StandardError[k]).ToArray(), mc.Mean.Select((m, k) => m + 4 * mc.StandardError[k]).ToArray());
        band.FillColor = Colors.Blue.WithAlpha(0.2);
        band.LegendText = "mean ± 4 SE";
        var mean = plot.Add.ScatterLine(mc.Times, mc.Mean);
        mean.Color = Colors.Blue;
        mean.LegendText = "Monte-Carlo mean";
        var line = plot.Add.ScatterLine(mc.Times, mc.Line);
        line.Color = Colors.Black;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = "least-action path (straight line)";
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, name, width: 960);
    }
}
