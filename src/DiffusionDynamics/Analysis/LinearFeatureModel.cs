using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Feature family in x of a linear score model.</summary>
public enum FeatureKind
{
    /// <summary>Gaussian bumps exp(−(x_c − μ_j)²/(2ℓ²)) per coordinate, centres on a uniform grid, ℓ the spacing.</summary>
    Gaussian,

    /// <summary>Fourier features 1, cos(πk x_c/L), sin(πk x_c/L) per coordinate on the box of half-length L.</summary>
    Fourier,
}

/// <summary>
/// Features of a linear denoiser D(x, t) = Wᵀφ(x, t) (Vastola, arXiv 2504.12532; docs/theory.md §8.2): the tensor product over
/// coordinates of m one-dimensional features in x, times n_t Gaussian bumps in t (centres uniform on [ε, T], width the spacing),
/// so F = m^d · n_t.
/// </summary>
/// <param name="Kind">Gaussian bumps or Fourier features in x.</param>
/// <param name="PerCoordinate">m. Range: ≥ 2.</param>
/// <param name="TimeBumps">n_t. Range: ≥ 1.</param>
/// <param name="Low">Lower end of the box in every coordinate.</param>
/// <param name="High">Upper end. Range: &gt; Low.</param>
/// <param name="TMin">ε, the noise cutoff. Range: &gt; 0.</param>
/// <param name="TMax">T. Range: &gt; TMin.</param>
public sealed record FeatureMap(FeatureKind Kind, int PerCoordinate, int TimeBumps, double Low, double High, double TMin, double TMax)
{
    /// <summary>F = m^d · n_t.</summary>
    public int Count(int d) => (int)Math.Pow(PerCoordinate, d) * TimeBumps;

    /// <summary>φ(x, t): [B, F] float64 for x: [B, d] and t: [B] float64.</summary>
    public Tensor Evaluate(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var x64 = x.to_type(ScalarType.Float64);
        long b = x64.shape[0];
        int d = (int)x64.shape[1], m = PerCoordinate;
        Tensor? product = null;
        for (int c = 0; c < d; c++)
        {
            var xc = x64[.., c].unsqueeze(1);                                   // [B, 1]
            Tensor phi;
            if (Kind == FeatureKind.Gaussian)
            {
                var centres = linspace(Low, High, m, dtype: ScalarType.Float64).unsqueeze(0);
                double ell = (High - Low) / (m - 1);
                phi = (-(xc - centres).pow(2) / (2 * ell * ell)).exp();
            }
            else
            {
                double half = (High - Low) / 2, mid = (High + Low) / 2;
                int pairs = (m - 1) / 2;
                var k = arange(1, pairs + 1, dtype: ScalarType.Float64).unsqueeze(0) * (Math.PI / half);
                var arg = (xc - mid) * k;
                var parts = new List<Tensor> { ones(b, 1, dtype: ScalarType.Float64), arg.cos(), arg.sin() };
                if (m % 2 == 0) parts.Add(((xc - mid) * (Math.PI * (pairs + 1) / half)).cos());
                phi = cat(parts, 1);
            }
            product = product is null ? phi : (product.unsqueeze(2) * phi.unsqueeze(1)).reshape(b, -1);
        }
        var centresT = linspace(TMin, TMax, TimeBumps, dtype: ScalarType.Float64).unsqueeze(0);
        double wt = TimeBumps > 1 ? (TMax - TMin) / (TimeBumps - 1) : TMax - TMin;
        var phiT = (-(t.to_type(ScalarType.Float64).unsqueeze(1) - centresT).pow(2) / (2 * wt * wt)).exp();
        return (product!.unsqueeze(2) * phiT.unsqueeze(1)).reshape(b, -1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A linear denoiser D(x, t) = Wᵀφ(x, t) fitted in closed form (Vastola, arXiv 2504.12532; docs/theory.md §8.2): P triples (a, t, x_t) with
/// a uniform over the training set, t uniform on [ε, T], x_t = e^{−t}a + √Δ_t z, and the weighted ridge regression
/// <code>
///   W = (Φᵀ Ω Φ + ρ I)⁻¹ Φᵀ Ω A,   Ω = diag(e^{−2t_i}/Δ_{t_i})
/// </code>
/// which is the minimizer of the DSM loss Σ_i Δ_{t_i}|s_θ(x_i, t_i) − s̃_i|² + ρ|W|² written for D (s = (e^{−t}D − x)/Δ_t).
/// </summary>
public sealed class LinearFeatureModel : IDenoiser, IDisposable
{
    private readonly Tensor weights;                                           // [F, d] float64

    private LinearFeatureModel(FeatureMap features, Tensor weights, int dimension)
    {
        Features = features;
        this.weights = weights;
        Dimension = dimension;
    }

    /// <summary>The features.</summary>
    public FeatureMap Features { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public Precision Precision => Precision.Float64;

    /// <summary>W: [F, d] (a copy).</summary>
    public Tensor Weights => weights.clone();

    /// <summary>The sampled triples of a fit: design Φ [P, F], targets A [P, d], weights ω [P].</summary>
    public static (Tensor Design, Tensor Targets, Tensor Weights) Sample(Tensor data, FeatureMap features, int samples, long seed)
    {
        if (samples < 1) throw new ArgumentException($"samples must be ≥ 1 (got {samples}).", nameof(samples));
        using var scope = NewDisposeScope();
        var a64 = data.to_type(ScalarType.Float64);
        int n = (int)a64.shape[0], d = (int)a64.shape[1];
        var rng = Xoshiro.ForStream(seed, 0);
        var index = new long[samples];
        var times = new double[samples];
        var z = new double[samples * d];
        for (int i = 0; i < samples; i++)
        {
            index[i] = (long)(rng.NextDouble() * n) % n;
            times[i] = features.TMin + (features.TMax - features.TMin) * rng.NextDouble();
        }
        rng.FillGaussian(z);
        var t = tensor(times, ScalarType.Float64);
        var a = a64.index_select(0, tensor(index, ScalarType.Int64));
        var decay = (-t).exp().unsqueeze(1);
        var delta = (-(-2 * t).expm1()).unsqueeze(1);
        var x = a * decay + delta.sqrt() * tensor(z, [samples, d], ScalarType.Float64);
        var omega = (decay.pow(2) / delta).squeeze(1);
        var design = features.Evaluate(x, t);
        return (design.MoveToOuterDisposeScope(), a.MoveToOuterDisposeScope(), omega.MoveToOuterDisposeScope());
    }

    /// <summary>W = (ΦᵀΩΦ + ρ I)⁻¹ΦᵀΩA by Cholesky, ρ = <paramref name="ridge"/> · mean diag(ΦᵀΩΦ).</summary>
    public static Tensor Solve(Tensor design, Tensor targets, Tensor omega, double ridge)
    {
        using var scope = NewDisposeScope();
        var weighted = design * omega.unsqueeze(1);
        var gram = weighted.t().matmul(design);
        double rho = ridge * gram.diagonal().mean().item<double>();
        gram = gram + eye(gram.shape[0], dtype: ScalarType.Float64) * rho;
        var rhs = weighted.t().matmul(targets);
        var chol = linalg.cholesky(gram);
        return cholesky_solve(rhs, chol).MoveToOuterDisposeScope();
    }

    /// <summary>Fits one model on <paramref name="samples"/> triples drawn with <paramref name="seed"/> from the training set <paramref name="data"/> ([n, d]).</summary>
    public static LinearFeatureModel Fit(Tensor data, FeatureMap features, int samples, long seed, double ridge = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(features);
        using var scope = NewDisposeScope();
        var (design, targets, omega) = Sample(data, features, samples, seed);
        var w = Solve(design, targets, omega, ridge);
        return new LinearFeatureModel(features, w.MoveToOuterDisposeScope(), (int)data.shape[1]);
    }

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var phi = Features.Evaluate(x, full(x.shape[0], t, dtype: ScalarType.Float64));
        return phi.matmul(weights).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => weights.Dispose();
}
