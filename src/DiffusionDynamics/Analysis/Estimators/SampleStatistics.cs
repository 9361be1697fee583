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

    /// <summary>
    /// s about <paramref name="mean"/> as in <see cref="StandardDeviation(IReadOnlyList{double}, double)"/>, but 0 for n &lt; 2
    /// (the divisor is max(1, n − 1): a single value or none has no measured spread, reported as 0 rather than NaN).
    /// </summary>
    public static double StandardDeviationOrZero(IReadOnlyList<double> values, double mean)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
    }

    /// <summary>The standard error of the mean, s/√n = √( Σ_i (v_i − m)² / (n − 1) / n ); 0 for n &lt; 2.</summary>
    public static double StandardError(IReadOnlyList<double> values, double mean)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        return n > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1) / n) : 0;
    }
}
