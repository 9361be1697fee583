using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Fraction of denoiser evaluations saved at equal quality (GSA arXiv 2412.09726, HLS arXiv 2311.10892: teleportation
/// saves 15–30 % of the steps). For each baseline budget N with FD F, N′ is the budget at which the accelerated variant
/// reaches F, and saved = 1 − N′/N. The accelerated FD(N) is first made non-increasing in N by isotonic regression
/// (pool-adjacent-violators, equal weights), so Monte-Carlo wiggles cannot make the inverse ambiguous; N′ is then the
/// first crossing of F, linear in (ln N, FD) between the two budgets that bracket it. Outside the swept budgets only
/// bounds are known (<see cref="SavedKind"/>). Baseline points already at the FD floor (FD ≤ <c>floorLevel</c>, by default
/// floor + 2 floor sd) are marked <see cref="SavedKind.AtFloor"/> and left out: there "equal quality" is reached by any converged
/// sampler and the crossing is decided by Monte-Carlo noise.
/// </summary>
public static class AccelerationStepsSaved
{
    /// <summary>Steps saved at every baseline point. Budgets must be ≥ 1 and FDs finite; each curve needs ≥ 2 points with distinct NFE.</summary>
    /// <param name="floorLevel">Baseline FDs at or below it are at the floor (default −∞: none).</param>
    public static StepsSaved Compute(SamplerKind sampler, AccelerationStart start,
        IReadOnlyList<(double Nfe, double Fd)> baseline, IReadOnlyList<(double Nfe, double Fd)> accelerated, double floorLevel = double.NegativeInfinity)
    {
        if (double.IsNaN(floorLevel)) throw new ArgumentException("The floor level must not be NaN.", nameof(floorLevel));
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(accelerated);
        Check(baseline, nameof(baseline));
        Check(accelerated, nameof(accelerated));
        var acc = accelerated.OrderBy(p => p.Nfe).ToArray();
        var n = acc.Select(p => p.Nfe).ToArray();
        var g = NonIncreasing(acc.Select(p => p.Fd).ToArray());
        var points = new List<StepsSavedPoint>();
        foreach (var (nb, fb) in baseline.OrderBy(p => p.Nfe))
        {
            if (fb <= floorLevel)
            {
                points.Add(new StepsSavedPoint((int)Math.Round(nb), fb, null, null, SavedKind.AtFloor));
                continue;
            }
            int j = Array.FindIndex(g, v => v <= fb);
            double equivalent;
            SavedKind kind;
            if (j == 0) (equivalent, kind) = (n[0], SavedKind.AtLeast);
            else if (j < 0) (equivalent, kind) = (n[^1], SavedKind.LessThan);
            else
            {
                double u = (g[j - 1] - fb) / (g[j - 1] - g[j]);   // g[j−1] > fb ≥ g[j]
                equivalent = Math.Exp(Math.Log(n[j - 1]) + u * (Math.Log(n[j]) - Math.Log(n[j - 1])));
                kind = SavedKind.Interpolated;
            }
            points.Add(new StepsSavedPoint((int)Math.Round(nb), fb, equivalent, 1 - equivalent / nb, kind));
        }
        var exact = points.Where(p => p.Kind == SavedKind.Interpolated).Select(p => p.Saved!.Value).Order().ToArray();
        double? median = exact.Length == 0 ? null
            : exact.Length % 2 == 1 ? exact[exact.Length / 2] : 0.5 * (exact[exact.Length / 2 - 1] + exact[exact.Length / 2]);
        return new StepsSaved(sampler, start, median, points, floorLevel);
    }

    /// <summary>The least-squares non-increasing fit to <paramref name="y"/> (pool-adjacent-violators).</summary>
    public static double[] NonIncreasing(IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var values = new List<double>();
        var weights = new List<int>();
        foreach (var v in y)
        {
            values.Add(v);
            weights.Add(1);
            // A later block above an earlier one violates "non-increasing": pool them.
            while (values.Count > 1 && values[^1] > values[^2])
            {
                double merged = (values[^1] * weights[^1] + values[^2] * weights[^2]) / (weights[^1] + weights[^2]);
                int w = weights[^1] + weights[^2];
                values.RemoveAt(values.Count - 1);
                weights.RemoveAt(weights.Count - 1);
                values[^1] = merged;
                weights[^1] = w;
            }
        }
        var result = new double[y.Count];
        int k = 0;
        for (int b = 0; b < values.Count; b++)
            for (int i = 0; i < weights[b]; i++) result[k++] = values[b];
        return result;
    }

    private static void Check(IReadOnlyList<(double Nfe, double Fd)> curve, string name)
    {
        if (curve.Count < 2) throw new ArgumentException($"{name} needs at least 2 points (got {curve.Count}).", name);
        foreach (var (nfe, fd) in curve)
        {
            if (!(nfe >= 1) || !double.IsFinite(nfe)) throw new ArgumentException($"{name}: NFE {nfe} must be finite and ≥ 1.", name);
            if (!double.IsFinite(fd)) throw new ArgumentException($"{name}: FD {fd} at NFE {nfe} is not finite.", name);
        }
        if (curve.Select(p => p.Nfe).Distinct().Count() != curve.Count) throw new ArgumentException($"{name} has repeated NFE values.", name);
    }
}
