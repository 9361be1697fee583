using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>Start rules: where x(t₀) comes from (science.md §3).</summary>
public static class Start
{
    /// <summary>
    /// x(t₀) ~ N(0, I), the large-t limit of P_t (biased when t₀ is small: use
    /// <see cref="FromForwardMarginal"/> there). Each row uses its own stream of <paramref name="noise"/>.
    /// </summary>
    public static Tensor FromNoise(NoiseSource noise, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(noise);
        return noise.Next(dtype);
    }

    /// <summary>
    /// An exact draw from the empirical forward marginal P_t₀^e: x = a^μ e^{−t₀} + √Δ_t₀ z with μ uniform
    /// per row (from the row's own stream). Lets the backward run start at t₀ well below 10 without bias.
    /// Returns the start [B, d] and the chosen training indices μ.
    /// </summary>
    /// <param name="trainingSet">A: [n, d].</param>
    public static (Tensor X, long[] Indices) FromForwardMarginal(Tensor trainingSet, double t0, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(trainingSet);
        ArgumentNullException.ThrowIfNull(noise);
        OuTime.RequirePositive(t0, nameof(t0));
        if (trainingSet.dim() != 2 || trainingSet.shape[1] != noise.Dimension || trainingSet.shape[0] < 1)
            throw new ArgumentException($"Training set must be [n ≥ 1, {noise.Dimension}], got [{string.Join(", ", trainingSet.shape)}].", nameof(trainingSet));
        var indices = noise.NextIndices((int)trainingSet.shape[0]);
        using var scope = NewDisposeScope();
        var z = noise.Next(trainingSet.dtype);
        var a = trainingSet.index_select(0, torch.tensor(indices));
        var x = a.mul_(OuTime.Decay(t0)).add_(z * Math.Sqrt(OuTime.Delta(t0)));
        return (x.MoveToOuterDisposeScope(), indices);
    }

    /// <summary>A given batch as start (checked: [B, d], finite).</summary>
    public static Tensor FromBatch(Tensor x, int dimension)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != dimension || x.shape[0] < 1)
            throw new ArgumentException($"Start batch must be [B ≥ 1, {dimension}], got [{string.Join(", ", x.shape)}].", nameof(x));
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("Start batch contains NaN or infinite values.", nameof(x));
        return x.clone();
    }
}
