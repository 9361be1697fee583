using System.Globalization;
using DiffusionDynamics.Random;

namespace DiffusionDynamics.Data;

/// <summary>
/// n points on a circle (ring) of radius R in 2-D, the ring data of [NOE] (Vastola, arXiv 2504.09761):
/// a = r (cos θ, sin θ) with θ uniform on [0, 2π) (or θ_μ = 2πμ/n when <paramref name="Evenly"/>) and
/// r = R + ε z, z ~ N(0, 1) (radial noise ε). Range: N ≥ 1, R > 0, ε ≥ 0.
/// </summary>
/// <param name="N">Number of points n.</param>
/// <param name="Radius">Radius R.</param>
/// <param name="RadialNoise">Standard deviation ε of the radius.</param>
/// <param name="Evenly">Evenly spaced angles instead of uniformly random ones.</param>
public sealed record CircleSpec(int N, double Radius = 1, double RadialNoise = 0, bool Evenly = false) : SyntheticSpec
{
    /// <inheritdoc/>
    public override void Validate()
    {
        if (N < 1) throw new ArgumentException($"n = {N} is out of range (n ≥ 1).", nameof(N));
        CheckSize("circle n·2 data values", N, 2);
        Check("r", Radius, 0, strict: true);
        Check("noise", RadialNoise, 0);
    }

    /// <summary>Draws the n points (item shape [2], unlabelled).</summary>
    public override CircleData Generate(long seed)
    {
        Validate();
        var values = new float[2 * N];
        for (int mu = 0; mu < N; mu++)
        {
            var rng = Xoshiro.ForStream(seed, mu);
            double theta = 2 * Math.PI * (Evenly ? (double)mu / N : rng.NextDouble());
            double r = Radius + RadialNoise * rng.NextGaussian();
            values[2 * mu] = (float)(r * Math.Cos(theta));
            values[2 * mu + 1] = (float)(r * Math.Sin(theta));
        }
        return new CircleData(new Dataset(values, N, 2, name: Source(seed)), seed, this);
    }

    /// <inheritdoc/>
    public override string Source(long seed) => string.Create(CultureInfo.InvariantCulture,
        $"circle:n={N},r={Radius:R},noise={RadialNoise:R},evenly={(Evenly ? "true" : "false")},seed={seed}");
}

/// <summary>Circle data with its ground truth (centre 0, radius <c>Spec.Radius</c>).</summary>
public sealed record CircleData(Dataset Data, long Seed, CircleSpec Spec) : SyntheticData(Data, Seed);
