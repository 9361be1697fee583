namespace DiffusionDynamics.Analysis;

/// <summary>Summary statistics of a sample of measurements (bootstrap replicates, per-run crossings, per-point values).</summary>
public static class SampleStatistics
{
    /// <summary>
    /// The sample standard deviation with Bessel's correction, s = √( Σ_i (v_i − v̄)² / (n − 1) ), v̄ = (1/n) Σ v_i.
    /// Range: n ≥ 2; n = 1 gives NaN (0/0: no spread is measured), as does an empty sample.
    /// </summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return StandardDeviation(values, values.Count == 0 ? double.NaN : values.Average());
    }

    /// <summary>s = √( Σ_i (v_i − m)² / (n − 1) ) about a given mean m (normally v̄, computed once by the caller).</summary>
    public static double StandardDeviation(IReadOnlyList<double> values, double mean)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
