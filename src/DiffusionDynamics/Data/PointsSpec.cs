using System.Globalization;

namespace DiffusionDynamics.Data;

/// <summary>
/// A fixed set of 1-D points, e.g. {−1, +1}: the data ½δ(x − 1) + ½δ(x + 1) of the symmetry-breaking analysis
/// [SSB] (Raya &amp; Ambrogioni, arXiv 2305.19693). Item μ is the point Values[μ] (d = 1) with label μ.
/// No randomness: the seed is ignored. Range: at least one value, all finite.
/// </summary>
/// <param name="Values">The points.</param>
public sealed record PointsSpec(double[] Values) : SyntheticSpec
{
    /// <inheritdoc/>
    public override void Validate()
    {
        ArgumentNullException.ThrowIfNull(Values);
        if (Values.Length == 0) throw new ArgumentException("points needs at least one value.", nameof(Values));
        for (int i = 0; i < Values.Length; i++) Check($"points[{i}]", Values[i], double.MinValue);
        foreach (double v in Values)
            if (!float.IsFinite((float)v)) throw new ArgumentException($"Point {v} overflows float32.", nameof(Values));
    }

    /// <summary>The dataset of the points (n = Values.Length, d = 1, label μ for point μ).</summary>
    public override PointsData Generate(long seed = 0)
    {
        Validate();
        var values = Values.Select(v => (float)v).ToArray();
        return new PointsData(new Dataset(values, values.Length, 1, Enumerable.Range(0, values.Length).ToArray(), name: Source(seed)), seed, this);
    }

    /// <inheritdoc/>
    public override string Source(long seed) => "points:" + string.Join(",", Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}

/// <summary>1-D point data with its ground truth (the points themselves).</summary>
public sealed record PointsData(Dataset Data, long Seed, PointsSpec Spec) : SyntheticData(Data, Seed);
