using DiffusionDynamics.Analysis;
using DiffusionDynamics.Theory;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="ClassEntropyResult"/>; each draws from the result alone.</summary>
public static class EntropyFigures
{
    /// <summary>Writes every figure into <paramref name="directory"/>; returns (file, caption) pairs for the report.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(ClassEntropyResult r, string directory)
    {
        var figures = Core(r, directory).ToList();
        if (r.StateInformation is { } state)
            figures.Add((StateRate(r, directory), $"Information dynamics (arXiv 2508.19897): the rate dH(X₀ | X_t)/dt = d/Δ_t + E ∇·s of the conditional entropy of the state " +
                $"along the same trajectories, per e-fold of SNR (× Δ_t/2, bounded by d/2; the rate per unit t is in entropy.json) (divergence: {state.Method}; mean ± 1 SE)" + (state.TheoryLabel is null ? "." : $", and the closed form ({state.TheoryLabel}).") +
                " Vertical lines: t_S (dashed), peak of the class-entropy rate (dotted), symmetry-breaking time (dash-dot)."));
        if (r.Strip is { } strip)
        {
            const string file = "denoised-strip.png";
            ImageGrid.WritePng(Path.Combine(directory, file), strip.Images, strip.ItemShape, columns: strip.Times.Length, scale: Math.Max(2, 56 / strip.ItemShape[1]), padding: 3);
            string cols = string.Join(", ", strip.Labels.Select((l, i) => $"{l} (t = {strip.Times[i].ToString("F2", System.Globalization.CultureInfo.InvariantCulture)})"));
            figures.Add((file, $"Denoised estimates x̂₀ = D(x_t, t) of {strip.Trajectories} trajectories (rows) at the peak of the class-entropy rate, at each class's peak " +
                $"(latest first) and at the end; columns: {cols}."));
        }
        return figures;
    }

    private static IReadOnlyList<(string File, string Caption)> Core(ClassEntropyResult r, string directory) =>
    [
        (Entropy(r, directory), $"Class entropy H(Y | X_t) (nats) along the backward trajectories: {r.Estimator} (mean ± 1 SE over trajectories)" +
            (r.Curve[0].Online is null ? "" : ", online Bayes classifier on the same chains") + (r.Curve[0].Immse is null ? "" : ", I-MMSE on forward-noised data") +
            (r.Curve[0].Theory is null ? "." : ", and the closed form (binary Gaussian channel).") + " Vertical line: t_S = ½ ln Λ."),
        (Rate(r, directory), "Entropy rate dH/dt (nats per unit OU time; information produced per unit generation time) with ± 1 SE; vertical lines: " +
            "t_S = ½ ln Λ (dashed), the measured peak (dotted)" + ((r.SymmetryBreaking?.CriticalTime ?? r.SymmetryBreaking?.AtCentre) is null ? "." : " and the symmetry-breaking time of the backward drift (dash-dot; at the centre itself when the tracked fixed point never turns unstable).")),
        (PerClass(r, directory), "Per-class rates: trajectories grouped by the class the exact posterior assigns at t_min; the peak marks when that class is decided."),
        (Variance(r, directory), "Variance over trajectories of the pathwise class entropy H(p(· | x_t)); its peak (dotted) is compared with t_S (dashed)" +
            ((r.SymmetryBreaking?.CriticalTime ?? r.SymmetryBreaking?.AtCentre) is null ? "." : " and the symmetry-breaking time (dash-dot).")),
    ];

    private static double[] Ts(ClassEntropyResult r) => r.Curve.Select(c => c.T).ToArray();

    /// <summary>H(t) with theory and the other estimators.</summary>
    public static string Entropy(ClassEntropyResult r, string directory)
    {
        var plot = Figure.Create("Class entropy along generation", "OU time t", "H(Y | X_t) (nats)");
        var ts = Ts(r);
        Figure.PointsWithErrors(plot, ts, r.Curve.Select(c => c.H).ToArray(), r.Curve.Select(c => c.Stderr).ToArray(), r.Estimator, connect: true);
        Line(plot, ts, r.Curve.Select(c => c.Online).ToArray(), "online Bayes", Colors.Orange, LinePattern.Dashed);
        Line(plot, ts, r.Curve.Select(c => c.Immse).ToArray(), "I-MMSE", Colors.Green, LinePattern.DenselyDashed);
        Line(plot, ts, r.Curve.Select(c => c.Theory).ToArray(), "closed form", Colors.Black, LinePattern.Dotted);
        Mark(plot, r.SpeciationTheory, Colors.Gray, LinePattern.Dashed);
        plot.ShowLegend();
        return Figure.Save(plot, directory, "entropy");
    }

    /// <summary>dH/dt with errors, theory, t_S and the peak.</summary>
    public static string Rate(ClassEntropyResult r, string directory)
    {
        var plot = Figure.Create("Entropy rate", "OU time t", "dH/dt (nats per unit t)");
        var ts = Ts(r);
        Figure.PointsWithErrors(plot, ts, r.Curve.Select(c => c.Rate).ToArray(), r.Curve.Select(c => c.RateStderr).ToArray(), $"measured ({r.Estimator})", connect: true);
        Line(plot, ts, r.Extras.TheoryRate, "closed form", Colors.Black, LinePattern.Dotted);
        Mark(plot, r.SpeciationTheory, Colors.Gray, LinePattern.Dashed);
        Mark(plot, r.Peak.T, Colors.Red, LinePattern.Dotted);
        if ((r.SymmetryBreaking?.CriticalTime ?? r.SymmetryBreaking?.AtCentre) is double tc) Mark(plot, tc, Colors.Purple, LinePattern.DenselyDashed, "symmetry breaking");
        plot.ShowLegend();
        return Figure.Save(plot, directory, "rate");
    }

    /// <summary>Per-class rate curves.</summary>
    public static string PerClass(ClassEntropyResult r, string directory)
    {
        var plot = Figure.Create("Per-class entropy rate", "OU time t", "dH/dt (nats per unit t)");
        var ts = Ts(r);
        foreach (var c in r.PerClass)
        {
            var line = plot.Add.ScatterLine(ts, c.Rate);
            line.LegendText = $"{c.Name ?? c.Label.ToString(System.Globalization.CultureInfo.InvariantCulture)} (n = {c.Trajectories})";
        }
        Mark(plot, r.SpeciationTheory, Colors.Gray, LinePattern.Dashed);
        plot.ShowLegend();
        return Figure.Save(plot, directory, "per-class-rates");
    }

    /// <summary>The rate of H(X₀ | X_t) from the divergence of the score, with its closed form and the marked times.</summary>
    public static string StateRate(ClassEntropyResult r, string directory)
    {
        var state = r.StateInformation!;
        var plot = Figure.Create("Information dynamics of the state", "OU time t", "−dH(X₀ | X_t)/d ln SNR (nats per e-fold)");
        var ts = state.Curve.Select(p => p.T).ToArray();
        double PerFold(double rate, double t) => ClassEntropy.ToPerLogSnr(rate, t);
        Figure.PointsWithErrors(plot, ts, state.Curve.Select(p => PerFold(p.Rate, p.T)).ToArray(), state.Curve.Select(p => PerFold(p.RateStderr, p.T)).ToArray(),
            "(d/Δ + E ∇·s) Δ/2 (measured)", connect: true);
        Line(plot, ts, state.Curve.Select(p => p.Theory is double th ? PerFold(th, p.T) : (double?)null).ToArray(), "closed form", Colors.Black, LinePattern.Dotted);
        Mark(plot, r.SpeciationTheory, Colors.Gray, LinePattern.Dashed);
        Mark(plot, r.Peak.T, Colors.Red, LinePattern.Dotted);
        if ((r.SymmetryBreaking?.CriticalTime ?? r.SymmetryBreaking?.AtCentre) is double tc) Mark(plot, tc, Colors.Purple, LinePattern.DenselyDashed, "symmetry breaking");
        plot.ShowLegend();
        return Figure.Save(plot, directory, "state-information");
    }

    /// <summary>Variance of the pathwise entropy.</summary>
    public static string Variance(ClassEntropyResult r, string directory)
    {
        var plot = Figure.Create("Variance of the pathwise class entropy", "OU time t", "Var_trajectories H(p(· | x_t))");
        var line = plot.Add.ScatterLine(Ts(r), r.Extras.PathwiseVariance);
        line.LegendText = "measured";
        Mark(plot, r.SpeciationTheory, Colors.Gray, LinePattern.Dashed);
        Mark(plot, r.VariancePeakT, Colors.Red, LinePattern.Dotted);
        if ((r.SymmetryBreaking?.CriticalTime ?? r.SymmetryBreaking?.AtCentre) is double tc) Mark(plot, tc, Colors.Purple, LinePattern.DenselyDashed, "symmetry breaking");
        plot.ShowLegend();
        return Figure.Save(plot, directory, "entropy-variance");
    }

    private static void Line(Plot plot, double[] ts, double?[] ys, string label, Color color, LinePattern pattern)
    {
        var keep = Enumerable.Range(0, ts.Length).Where(i => ys[i] is double v && double.IsFinite(v)).ToArray();
        if (keep.Length < 2) return;
        var line = plot.Add.ScatterLine(keep.Select(i => ts[i]).ToArray(), keep.Select(i => ys[i]!.Value).ToArray());
        line.LegendText = label;
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 2;
    }

    private static void Mark(Plot plot, double t, Color color, LinePattern pattern, string? label = null)
    {
        if (!double.IsFinite(t)) return;
        var v = plot.Add.VerticalLine(t);
        v.Color = color;
        v.LinePattern = pattern;
        if (label is not null) v.LegendText = label;
    }
}
