using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// A started run: the state <see cref="X"/> at <see cref="Grid"/>.Start and the grid the sampler runs on
/// (the caller's grid for noise/marginal starts; its part below t_skip for the Gaussian rules).
/// Run it with <c>TrajectoryRunner.Run(denoiser, request, Grid, X, noise, …)</c>; NFE = Grid.Steps · per-step (+1).
/// </summary>
/// <param name="X">x at Grid.Start: [B, d].</param>
/// <param name="Grid">The grid still to integrate.</param>
/// <param name="Indices">Training indices μ of a forward-marginal start (null otherwise).</param>
public sealed record StartedRun(Tensor X, TimeGrid Grid, long[]? Indices = null) : IDisposable
{
    /// <summary>Releases <see cref="X"/>.</summary>
    public void Dispose() => X.Dispose();
}

/// <summary>Start rules: where x(t₀) comes from (docs/theory.md §3).</summary>
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

    /// <summary>
    /// Analytical teleportation (Wang &amp; Vastola, arXiv 2412.09726): x(T) ~ N(0, I) from each row's stream,
    /// then the closed-form PF-ODE of <paramref name="gaussian"/> to t_skip:
    /// x(t_skip) = e^{−t} m + U diag(ψ_k) Uᵀ (x(T) − e^{−T} m) (+ ψ_⊥ on the complement), see
    /// <see cref="GaussianDenoiser.Transport"/>. Range: 0 &lt; t_skip ≤ T. Returns [B, d].
    /// </summary>
    public static Tensor Teleport(GaussianDenoiser gaussian, NoiseSource noise, double T, double tSkip, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(gaussian);
        ArgumentNullException.ThrowIfNull(noise);
        OuTime.RequirePositive(T, nameof(T));
        OuTime.RequirePositive(tSkip, nameof(tSkip));
        if (tSkip > T) throw new ArgumentException($"t_skip = {tSkip} must not exceed T = {T}.", nameof(tSkip));
        RequireDimension(gaussian, noise);
        using var xT = noise.Next(dtype);
        return gaussian.Transport(xT, T, tSkip);
    }

    /// <summary>
    /// Gaussian late start (Wang &amp; Vastola, arXiv 2412.09726): an exact draw from
    /// P_t = N(e^{−t} m, e^{−2t} C + Δ_t I) per row: x = e^{−t} m + s_⊥ z + U((√(e^{−2t}λ + Δ_t) − s_⊥) ⊙ Uᵀz),
    /// s_⊥ = √(e^{−2t}σ²_⊥ + Δ_t) (σ²_⊥ = ComplementVariance, 0 for a Gaussian fitted with its full covariance),
    /// z from each row's stream (the formula of <see cref="GaussianDenoiser.SampleMarginal"/>, with per-sample
    /// streams so the draw does not depend on the batch). Range: t &gt; 0. Returns [B, d].
    /// </summary>
    public static Tensor GaussianMarginal(GaussianDenoiser gaussian, double t, NoiseSource noise, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(gaussian);
        ArgumentNullException.ThrowIfNull(noise);
        OuTime.RequirePositive(t);
        RequireDimension(gaussian, noise);
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var z = noise.Next(ScalarType.Float64);
        var basis = gaussian.Basis;
        var lambdas = torch.tensor(gaussian.Eigenvalues.ToArray(), dtype: ScalarType.Float64);
        double sdPerp = Math.Sqrt(decay * decay * gaussian.ComplementVariance + delta); // √Δ_t unless σ²_⊥ > 0
        var extra = (lambdas * (decay * decay) + delta).sqrt_().sub_(sdPerp);
        var x = (z.mm(basis) * extra).mm(basis.t()).add_(z * sdPerp).add_(gaussian.Mean * decay);
        return x.to_type(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Applies a start rule to a run over <paramref name="grid"/> (whose first time is T):
    /// noise → N(0, I) at T on the whole grid; forward marginal → a draw from P_T^e of
    /// <paramref name="trainingSet"/> on the whole grid; teleport and Gaussian late start → the state at
    /// t_skip and the grid's part below t_skip (<see cref="TimeGrid.Below"/>), so those runs take fewer
    /// steps (NFE counts only the steps run; the jump itself costs none).
    /// </summary>
    /// <param name="trainingSet">A: [n, d]; required for <see cref="StartKind.ForwardMarginal"/>.</param>
    /// <param name="gaussian">The data's Gaussian; required for teleport and Gaussian late start.</param>
    public static StartedRun Begin(StartOptions options, TimeGrid grid, NoiseSource noise, Tensor? trainingSet = null,
        GaussianDenoiser? gaussian = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(noise);
        options.Validate(grid);
        if (options.UsesGaussian && gaussian is null)
            throw new ArgumentException($"The {options.Kind} start needs the data's Gaussian.", nameof(gaussian));
        switch (options.Kind)
        {
            case StartKind.Noise:
                return new StartedRun(FromNoise(noise, dtype), grid);
            case StartKind.ForwardMarginal:
                {
                    if (trainingSet is null) throw new ArgumentException("The ForwardMarginal start needs the training set.", nameof(trainingSet));
                    var (x, indices) = FromForwardMarginal(trainingSet, grid.Start, noise);
                    if (x.dtype == dtype) return new StartedRun(x, grid, indices);
                    using (x) return new StartedRun(x.to_type(dtype), grid, indices);
                }
            case StartKind.Teleport:
                {
                    double tSkip = options.TimeSkip!.Value;
                    return new StartedRun(Teleport(gaussian!, noise, grid.Start, tSkip, dtype), grid.Below(tSkip));
                }
            case StartKind.GaussianLateStart:
                {
                    double tSkip = options.TimeSkip!.Value;
                    return new StartedRun(GaussianMarginal(gaussian!, tSkip, noise, dtype), grid.Below(tSkip));
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown start rule.");
        }
    }

    private static void RequireDimension(GaussianDenoiser gaussian, NoiseSource noise)
    {
        if (gaussian.Dimension != noise.Dimension)
            throw new ArgumentException($"The Gaussian has d = {gaussian.Dimension} but the noise source d = {noise.Dimension}.", nameof(noise));
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
