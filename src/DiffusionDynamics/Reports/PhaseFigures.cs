using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="PhaseResult"/>, drawn from the record alone.</summary>
public static class PhaseFigures
{
    public static IReadOnlyList<(string File, string Caption)> WriteAll(PhaseResult r, string directory)
    {
        var list = new List<(string, string)>
        {
            (CollapseAgainstN(r, directory), "Collapse time against the training-set size n, one colour per dimension d: the zero of the leave-one-out excess entropy (± SE) " +
                                             "and the last change of the nearest training point (open markers, ± SE) beside the closed form t_C(n, d) (lines; ½ ln(1 + 1/(n^{2/d} − 1)) for isotropic Gaussian data)."),
            (CollapseAgainstAlpha(r, directory), "The same collapse times against α = ln n / d: for isotropic Gaussian data t_C depends on α only, t_C = −½ ln(1 − e^{−2α}) (line), " +
                                                 "so every (d, n) falls on one curve — collapse needs ln n ≳ d·c."),
            (Plane(r, directory), "The (d, n) plane: each grid point labelled with its measured t_C (excess-entropy zero), and the collapse boundary lines n = e^{c(τ)·d}, " +
                                  "c(τ) = −½ ln(1 − e^{−2τ}), along which isotropic Gaussian data collapse at t_C = τ: at fixed t_C the training set must grow exponentially with d."),
        };
        if (r.Points.Any(p => p.SpeciationMeasured is not null))
            list.Add((Speciation(r, directory), "Speciation time against d: cloning measurement (± bootstrap SE, one marker per n) beside ½ ln Λ."));
        return list;
    }

    private static Color ColorOf(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    public static string CollapseAgainstN(PhaseResult r, string directory, string name = "phase-collapse-vs-n")
    {
        var plot = Figure.Create($"Collapse time t_C(n, d), {OptionTokens.Of(r.Family)} data", "training-set size n (log scale)", "t_C (OU)");
        int i = 0;
        foreach (var curve in r.TheoryCurves)
        {
            var color = ColorOf(i++);
            var line = plot.Add.ScatterLine(curve.Points.Select(p => Math.Log10(p.T)).ToArray(), curve.Points.Select(p => p.Value).ToArray());
            line.Color = color;
            line.LegendText = $"d = {curve.D}: closed form";
            var pts = r.Points.Where(p => p.D == curve.D).ToArray();
            var measured = pts.Where(p => p.CollapseEntropy is not null).ToArray();
            if (measured.Length > 0)
            {
                var bars = plot.Add.ErrorBar(measured.Select(p => Math.Log10(p.N)).ToArray(), measured.Select(p => p.CollapseEntropy!.Value).ToArray(),
                    measured.Select(p => p.CollapseEntropyStderr ?? 0).ToArray());
                bars.Color = color;
                var m = plot.Add.ScatterPoints(measured.Select(p => Math.Log10(p.N)).ToArray(), measured.Select(p => p.CollapseEntropy!.Value).ToArray());
                m.Color = color;
                m.MarkerSize = 8;
                m.LegendText = $"d = {curve.D}: excess-entropy zero";
            }
            var lc = plot.Add.ScatterPoints(pts.Select(p => Math.Log10(p.N) + 0.03).ToArray(), pts.Select(p => p.LastChangeMean).ToArray());
            lc.Color = color;
            lc.MarkerShape = MarkerShape.OpenCircle;
            lc.MarkerSize = 7;
            if (i == 1) lc.LegendText = "last change of the nearest point (open)";
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name);
    }

    public static string CollapseAgainstAlpha(PhaseResult r, string directory, string name = "phase-collapse-vs-alpha")
    {
        var plot = Figure.Create("Collapse time against α = ln n / d", "α = ln n / d", "t_C (OU)");
        var reference = plot.Add.ScatterLine(r.GaussianAlphaCurve.Select(p => p.T).ToArray(), r.GaussianAlphaCurve.Select(p => p.Value).ToArray());
        reference.LegendText = "isotropic Gaussian: −½ ln(1 − e^{−2α})";
        reference.LinePattern = LinePattern.Dashed;
        reference.Color = Colors.Black;
        int i = 0;
        foreach (var d in r.Dimensions.Order())
        {
            var pts = r.Points.Where(p => p.D == d && p.CollapseEntropy is not null).ToArray();
            var color = ColorOf(i++);
            if (pts.Length == 0) continue;
            var bars = plot.Add.ErrorBar(pts.Select(p => p.Alpha).ToArray(), pts.Select(p => p.CollapseEntropy!.Value).ToArray(), pts.Select(p => p.CollapseEntropyStderr ?? 0).ToArray());
            bars.Color = color;
            var m = plot.Add.ScatterPoints(pts.Select(p => p.Alpha).ToArray(), pts.Select(p => p.CollapseEntropy!.Value).ToArray());
            m.Color = color;
            m.MarkerSize = 8;
            m.LegendText = $"d = {d}";
            if (r.Family != PhaseFamily.Gaussian)
            {
                var th = plot.Add.ScatterPoints(pts.Select(p => p.Alpha).ToArray(), pts.Select(p => p.CollapseTheory).ToArray());
                th.Color = color;
                th.MarkerShape = MarkerShape.Cross;
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name);
    }

    public static string Plane(PhaseResult r, string directory, string name = "phase-plane")
    {
        var plot = Figure.Create("Phase diagram: measured t_C over (d, n)", "dimension d", "training-set size n (log scale)");
        double dMax = r.Dimensions.Max() * 1.1, dMin = Math.Max(0, r.Dimensions.Min() * 0.9);
        double yMin = Math.Log10(r.Sizes.Min()) - 0.3, yMax = Math.Log10(r.Sizes.Max()) + 0.3;
        int i = 0;
        foreach (var b in r.Boundary)
        {
            var xs = Enumerable.Range(0, 101).Select(k => dMin + (dMax - dMin) * k / 100.0).ToArray();
            var line = plot.Add.ScatterLine(xs, xs.Select(d => b.C * d / Math.Log(10)).ToArray());
            line.LegendText = $"t_C = {b.Tau:G2}: n = e^{{{b.C:F3}·d}}";
            line.LinePattern = LinePattern.Dashed;
            line.Color = ColorOf(i++);
        }
        var pts = plot.Add.ScatterPoints(r.Points.Select(p => (double)p.D).ToArray(), r.Points.Select(p => Math.Log10(p.N)).ToArray());
        pts.Color = Colors.Black;
        pts.MarkerSize = 6;
        foreach (var p in r.Points)
        {
            var label = plot.Add.Text(p.CollapseEntropy is double t ? t.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "—", p.D, Math.Log10(p.N));
            label.LabelFontSize = 11;
            label.LabelOffsetX = 4;
            label.LabelOffsetY = -14;
        }
        plot.Axes.SetLimits(dMin, dMax, yMin, yMax);
        Figure.LogAxis(plot.Axes.Left);
        plot.ShowLegend(Alignment.LowerRight);
        return Figure.Save(plot, directory, name);
    }

    public static string Speciation(PhaseResult r, string directory, string name = "phase-speciation")
    {
        var plot = Figure.Create("Speciation time against d", "dimension d", "t_S (OU)");
        var ds = r.Dimensions.Order().ToArray();
        var line = plot.Add.ScatterLine(ds.Select(d => (double)d).ToArray(), ds.Select(d => r.Points.First(p => p.D == d).SpeciationTheory).ToArray());
        line.LegendText = "½ ln Λ";
        line.LinePattern = LinePattern.Dashed;
        var pts = r.Points.Where(p => p.SpeciationMeasured is not null).ToArray();
        Figure.PointsWithErrors(plot, pts.Select(p => (double)p.D).ToArray(), pts.Select(p => p.SpeciationMeasured!.Value).ToArray(),
            pts.Select(p => p.SpeciationStderr ?? 0).ToArray(), "cloning (each n)");
        plot.ShowLegend(Alignment.LowerRight);
        return Figure.Save(plot, directory, name);
    }
}
