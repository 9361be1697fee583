using DiffusionDynamics.Analysis;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="MemorizationResult"/>, drawn from the record alone.</summary>
public static class MemorizationFigures
{
    public static IReadOnlyList<(string File, string Caption)> WriteAll(MemorizationResult r, string directory) =>
    [
        (MemorizedShare(r, directory), "Share of generated samples that copy a training point (d₁/d₂ < 1/3) against the training-set size n."),
        (CollapseTimes(r, directory), "Mean last-change time t̂_C (last change of the nearest training point along trajectories) against n, beside the Gaussian-data prediction t_C(n) = ½ ln(1 + σ²/(n^{2/d} − 1))."),
        (ScoreDistance(r, directory), "Relative distance of the learned score to the exact empirical score, E|s_θ − s_e|²/E|s_e|², on the noised training set."),
    ];

    public static string MemorizedShare(MemorizationResult r, string directory, string name = "memorized-share")
    {
        var plot = Figure.Create("Memorization against training-set size", "training-set size n (log scale)", "memorized share");
        var xs = r.Points.Select(p => Math.Log10(p.N)).ToArray();
        Figure.PointsWithErrors(plot, xs, r.Points.Select(p => p.MemorizedFraction).ToArray(), r.Points.Select(p => p.MemorizedStderr).ToArray(),
            "trained network ± SE", connect: true);
        plot.Axes.SetLimitsY(-0.05, 1.05);
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name);
    }

    public static string CollapseTimes(MemorizationResult r, string directory, string name = "collapse-vs-n")
    {
        var plot = Figure.Create("Collapse time against training-set size", "training-set size n (log scale)", "t (OU)");
        var xs = r.Points.Select(p => Math.Log10(p.N)).ToArray();
        Figure.PointsWithErrors(plot, xs, r.Points.Select(p => p.LastChangeMean).ToArray(), r.Points.Select(p => p.LastChangeStd).ToArray(),
            "mean last-change time ± sd (trained network)", connect: true);
        var theory = plot.Add.ScatterLine(xs, r.Points.Select(p => p.GaussianCollapseTime).ToArray());
        theory.LegendText = "Gaussian-data t_C(n), isotropic";
        theory.LinePattern = LinePattern.Dashed;
        if (r.Points.All(p => p.SpectrumCollapseTime is not null))
        {
            var spectrum = plot.Add.ScatterLine(xs, r.Points.Select(p => p.SpectrumCollapseTime!.Value).ToArray());
            spectrum.LegendText = "Gaussian-data t_C(n), the data's covariance spectrum";
            spectrum.LinePattern = LinePattern.DenselyDashed;
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name);
    }

    public static string ScoreDistance(MemorizationResult r, string directory, string name = "score-distance")
    {
        var plot = Figure.Create("Learned score against the exact empirical score", "t (OU, log scale)", "E|s_θ − s_e|² / E|s_e|²");
        foreach (var p in r.Points)
        {
            var xs = p.ScoreDistance.Select(s => Math.Log10(s.T)).ToArray();
            Figure.PointsWithErrors(plot, xs, p.ScoreDistance.Select(s => s.RelativeError).ToArray(), p.ScoreDistance.Select(s => s.StdErr).ToArray(),
                $"n = {p.N}", connect: true);
        }
        Figure.LogAxis(plot.Axes.Bottom);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Save(plot, directory, name);
    }
}
