namespace DiffusionDynamics.Analysis;

/// <summary>Level crossings of sampled curves by linear interpolation.</summary>
public static class Crossing
{
    /// <summary>
    /// Where a curve that decreases with t (φ(t), φ_C(t)) falls through <paramref name="level"/>: the largest
    /// sampled t with y ≥ level, interpolated linearly towards the next larger t (where y &lt; level). Scanning from
    /// large t makes the result robust to noise at small t where y saturates near 1. Null when the curve is
    /// entirely above or entirely below the level. Times need not be sorted.
    /// </summary>
    public static double? Falling(IReadOnlyList<double> t, IReadOnlyList<double> y, double level)
    {
        if (t.Count != y.Count) throw new ArgumentException($"{t.Count} times but {y.Count} values.");
        var order = Enumerable.Range(0, t.Count).OrderByDescending(i => t[i]).ToArray();
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            if (y[i] < level) continue;
            if (k == 0) return null; // above the level even at the largest time: no crossing in range
            int j = order[k - 1];     // next larger t, below the level
            double w = (y[i] - level) / (y[i] - y[j]);
            return t[i] + w * (t[j] - t[i]);
        }
        return null;
    }
}
