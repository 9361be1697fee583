using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>The density a set of models generates, pooled, and how much of it lies between the training points.</summary>
/// <param name="Mass">Mean over models of the share of samples farther than δ from every training point.</param>
/// <param name="StandardError">sd over models / √M (0 for one model).</param>
/// <param name="Density">Pooled histogram (1-D: bins; 2-D: row-major [bins × bins]), normalized to sum 1.</param>
public sealed record GeneratedDensity(double Mass, double StandardError, double[] Density);

/// <summary>
/// Gap filling (Vastola, arXiv 2504.12532; docs/theory.md §8.3): M linear-feature models, each fitted on its own P triples, are sampled
/// by the probability-flow ODE (the library's trajectory runner, Heun, from N(0, I) at T down to the cutoff ε, then the denoising jump
/// D(x(ε), ε)); the fill is the share of samples farther than δ = ¼ min_{μ≠ν}|a^μ − a^ν| from every training point.
/// </summary>
public static class GapFilling
{
    /// <summary>δ = ¼ of the smallest distance between two training points (a: [n, d], n ≥ 2).</summary>
    public static double GapRadius(double[][] points)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < points.Length; i++)
            for (int j = i + 1; j < points.Length; j++)
                best = Math.Min(best, Math.Sqrt(points[i].Select((v, c) => (v - points[j][c]) * (v - points[j][c])).Sum()));
        return points.Length < 2 ? 0.25 : best / 4;
    }

    /// <summary>Samples <paramref name="count"/> points from <paramref name="denoiser"/> by the PF-ODE from T to ε (streams (seed, i)).</summary>
    public static double[][] Sample(IDenoiser denoiser, double T, double cutoff, int steps, int count, long seed, CancellationToken ct = default)
    {
        using var scope = NewDisposeScope();
        var noise = NoiseSource.ForSamples(seed, 0, count, denoiser.Dimension);
        var x = Start.FromNoise(noise, ScalarType.Float64);
        var grid = TimeGrid.Uniform(T, cutoff, steps);
        var result = TrajectoryRunner.Run(denoiser, new TrajectoryRequest(SamplerKind.OdeHeun), grid, x, cancellationToken: ct).to_type(ScalarType.Float64).contiguous();
        var flat = result.data<double>().ToArray();
        int d = denoiser.Dimension;
        return Enumerable.Range(0, count).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
    }

    /// <summary>The share of <paramref name="samples"/> farther than <paramref name="radius"/> from every point.</summary>
    public static double MassBetween(double[][] samples, double[][] points, double radius) =>
        samples.Count(s => points.All(p => Math.Sqrt(p.Select((v, c) => (v - s[c]) * (v - s[c])).Sum()) > radius)) / (double)samples.Length;

    /// <summary>Histogram of the samples on [lo, hi]^d with <paramref name="bins"/> per axis (d = 1 or 2; outside points dropped), normalized by the sample count.</summary>
    public static double[] Histogram(IEnumerable<double[]> samples, double lo, double hi, int bins, int d)
    {
        var h = new double[d == 1 ? bins : bins * bins];
        long total = 0;
        foreach (var s in samples)
        {
            total++;
            int i = (int)Math.Floor((s[0] - lo) / (hi - lo) * bins);
            if (i < 0 || i >= bins) continue;
            if (d == 1) { h[i]++; continue; }
            int j = (int)Math.Floor((s[1] - lo) / (hi - lo) * bins);
            if (j >= 0 && j < bins) h[i * bins + j]++;
        }
        for (int k = 0; k < h.Length; k++) h[k] /= Math.Max(total, 1);
        return h;
    }

    /// <summary>
    /// Fits <paramref name="models"/> models of <paramref name="features"/> on <paramref name="samples"/> triples each (model m: seed stream (seed, m)),
    /// samples each, and returns the fill and the pooled density on [lo, hi]^d.
    /// </summary>
    public static GeneratedDensity LinearModels(Tensor data, FeatureMap features, int samples, int models, int perModel, int steps, double ridge,
        double lo, double hi, int bins, long seed, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var points = Rows(data);
        double radius = GapRadius(points);
        var masses = new double[models];
        var pooled = new List<double[]>();
        for (int m = 0; m < models; m++)
        {
            ct.ThrowIfCancellationRequested();
            long modelSeed = (long)Xoshiro.ForStream(seed, m).NextUInt64();
            using var model = LinearFeatureModel.Fit(data, features, samples, modelSeed, ridge);
            var generated = Sample(model, features.TMax, features.TMin, steps, perModel, modelSeed, ct);
            masses[m] = MassBetween(generated, points, radius);
            pooled.AddRange(generated);
            progress?.Report(m + 1);
        }
        double mean = masses.Average();
        double se = models > 1 ? Math.Sqrt(masses.Sum(v => (v - mean) * (v - mean)) / (models - 1) / models) : 0;
        return new GeneratedDensity(mean, se, Histogram(pooled, lo, hi, bins, (int)data.shape[1]));
    }

    /// <summary>The same measure for one denoiser (e.g. the exact empirical score): mass with its binomial standard error.</summary>
    public static GeneratedDensity Single(IDenoiser denoiser, Tensor data, double T, double cutoff, int count, int steps, double lo, double hi, int bins, long seed,
        CancellationToken ct = default)
    {
        var points = Rows(data);
        var generated = Sample(denoiser, T, cutoff, steps, count, seed, ct);
        double mass = MassBetween(generated, points, GapRadius(points));
        return new GeneratedDensity(mass, Math.Sqrt(mass * (1 - mass) / count), Histogram(generated, lo, hi, bins, (int)data.shape[1]));
    }

    /// <summary>The rows of a [n, d] tensor as float64 arrays.</summary>
    public static double[][] Rows(Tensor data)
    {
        var flat = data.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        int d = (int)data.shape[1];
        return Enumerable.Range(0, (int)data.shape[0]).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
    }
}
