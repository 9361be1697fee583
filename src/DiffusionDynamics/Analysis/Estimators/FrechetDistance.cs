using DiffusionDynamics.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Mean and covariance of a point set in a feature space, in float64: μ = (1/n) Σ f_i and the unbiased
/// C = (1/(n − 1)) Σ (f_i − μ)(f_i − μ)ᵀ (as in FID implementations). Also keeps C^{½} and tr C for repeated
/// Fréchet distances against this set (<see cref="FrechetDistance.ToReference"/>).
/// </summary>
public sealed class FeatureMoments : IDisposable
{
    private FeatureMoments(Tensor mean, Tensor covariance, int count)
    {
        Mean = mean;
        Covariance = covariance;
        Count = count;
        Dimension = (int)mean.shape[0];
        using var scope = NewDisposeScope();
        SquareRoot = FrechetDistance.SymmetricSqrt(covariance).DetachFromDisposeScope();
        Trace = covariance.trace().item<double>();
    }

    /// <summary>μ: [k] float64 (do not dispose).</summary>
    public Tensor Mean { get; }

    /// <summary>C: [k, k] float64, unbiased (do not dispose).</summary>
    public Tensor Covariance { get; }

    /// <summary>C^{½} by eigendecomposition with negative eigenvalues clamped to 0: [k, k] float64.</summary>
    public Tensor SquareRoot { get; }

    /// <summary>tr C.</summary>
    public double Trace { get; }

    /// <summary>Number of points n.</summary>
    public int Count { get; }

    /// <summary>Feature dimension k.</summary>
    public int Dimension { get; }

    /// <summary>Moments of the rows of <paramref name="features"/>: [n, k], n ≥ 2, finite (converted to float64).</summary>
    /// <exception cref="ArgumentException">Not [n ≥ 2, k ≥ 1], not floating point, or NaN/∞ entries.</exception>
    public static FeatureMoments Of(Tensor features)
    {
        FrechetDistance.RequireFeatures(features, nameof(features));
        using var scope = NewDisposeScope();
        var f = features.to_type(ScalarType.Float64);
        long n = f.shape[0];
        var mean = f.mean([0]);
        var centred = f - mean;
        var cov = centred.t().mm(centred).div_(n - 1);
        cov = (cov + cov.t()).mul_(0.5);
        return new FeatureMoments(mean.DetachFromDisposeScope(), cov.DetachFromDisposeScope(), (int)n);
    }

    /// <summary>Moments given directly (e.g. a population's): μ [k], symmetric positive semi-definite C [k, k].</summary>
    /// <param name="count">The n the moments stand for (informative only). Range: ≥ 1.</param>
    public static FeatureMoments FromMoments(Tensor mean, Tensor covariance, int count = int.MaxValue)
    {
        FrechetDistance.RequireGaussian(mean, covariance, "mean", "covariance");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be ≥ 1.");
        using var scope = NewDisposeScope();
        var m = mean.to_type(ScalarType.Float64).clone();
        var c = covariance.to_type(ScalarType.Float64);
        c = (c + c.t()).mul_(0.5);
        return new FeatureMoments(m.DetachFromDisposeScope(), c.DetachFromDisposeScope(), count);
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
        SquareRoot.Dispose();
    }
}

/// <summary>An FD estimate with its bootstrap standard error over the resampled generated points.</summary>
/// <param name="Fd">The plug-in FD of the full sets.</param>
/// <param name="Stderr">Standard deviation of the FD over bootstrap resamples of the generated set (the reference kept fixed).</param>
/// <param name="Resamples">Number of bootstrap resamples (0: no error computed, Stderr = NaN).</param>
public sealed record FrechetEstimate(double Fd, double Stderr, int Resamples);

/// <summary>
/// The Fréchet distance between two point sets in a fixed feature space, i.e. the squared 2-Wasserstein distance
/// between the Gaussians with the sets' means and covariances (Fréchet 1957; Dowson &amp; Landau 1982; the FID of
/// Heusel et al. 2017, arXiv 1706.08500, which uses Inception features — here the features are the project's own,
/// see <see cref="IFeatureSpace"/>):
/// <code>
///   FD = |μ₁ − μ₂|² + tr(C₁ + C₂ − 2 (C₁^{½} C₂ C₁^{½})^{½})
/// </code>
/// Computed in float64 with symmetric square roots by eigendecomposition: C₁^{½} = U diag(√max(λ, 0)) Uᵀ, then
/// M = C₁^{½} C₂ C₁^{½} is symmetrized and tr M^{½} = Σ √max(λ_i(M), 0). Eigenvalues below zero (rounding of
/// positive semi-definite matrices, ≈ 10⁻¹⁵ tr C) are clamped to 0, and so is a final FD below 0; nothing else is
/// regularized (no εI added). Used as the quality measure of samplers at a fixed budget (GSA arXiv 2412.09726,
/// HLS arXiv 2311.10892).
/// <para><b>Bias of the plug-in estimator.</b> With unbiased covariances the sample FD is biased upward at finite n
/// (B² = tr C₁ + tr C₂ − 2 tr(C₁^{½}C₂C₁^{½})^{½} is jointly convex in (C₁, C₂), so E FD̂ ≥ FD by Jensen).
/// For two independent samples of sizes n₁, n₂ from the same Gaussian with eigenvalues λ_i, the leading order is
/// <see cref="SamePopulationBias"/>: b = (1/n₁ + 1/n₂)[tr C + ½ Σ_ij λ_iλ_j/(λ_i + λ_j) + ¼ tr C] + O(n⁻²), which is
/// the FD a perfect sampler reaches at that sample size (the Monte-Carlo floor).</para>
/// </summary>
public static class FrechetDistance
{
    /// <summary>FD between the rows of <paramref name="x"/>: [n₁, k] and <paramref name="y"/>: [n₂, k] (n₁, n₂ ≥ 2).</summary>
    /// <exception cref="ArgumentException">Shapes not [n ≥ 2, k], k mismatch, or NaN/∞ entries.</exception>
    public static double Between(Tensor x, Tensor y)
    {
        RequireFeatures(x, nameof(x));
        RequireFeatures(y, nameof(y));
        if (x.shape[1] != y.shape[1])
            throw new ArgumentException($"Feature dimensions differ: x is [{x.shape[0]}, {x.shape[1]}], y is [{y.shape[0]}, {y.shape[1]}].", nameof(y));
        using var a = FeatureMoments.Of(x);
        using var b = FeatureMoments.Of(y);
        return Between(a, b);
    }

    /// <summary>FD between two sets of moments (the Gaussian W₂² between N(μ₁, C₁) and N(μ₂, C₂)).</summary>
    public static double Between(FeatureMoments first, FeatureMoments second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dimension != second.Dimension)
            throw new ArgumentException($"Feature dimensions differ: {first.Dimension} vs {second.Dimension}.", nameof(second));
        using var scope = NewDisposeScope();
        return Combine(first.Mean, first.SquareRoot, first.Trace, second.Mean, second.Covariance, second.Trace);
    }

    /// <summary>
    /// The closed form for Gaussians N(μ₁, C₁), N(μ₂, C₂): |μ₁ − μ₂|² + tr(C₁ + C₂ − 2 (C₁^{½} C₂ C₁^{½})^{½}).
    /// Range: μ [k], C [k, k] symmetric positive semi-definite, finite.
    /// </summary>
    public static double BetweenGaussians(Tensor mean1, Tensor cov1, Tensor mean2, Tensor cov2)
    {
        RequireGaussian(mean1, cov1, nameof(mean1), nameof(cov1));
        RequireGaussian(mean2, cov2, nameof(mean2), nameof(cov2));
        if (mean1.shape[0] != mean2.shape[0])
            throw new ArgumentException($"Dimensions differ: μ₁ has {mean1.shape[0]}, μ₂ has {mean2.shape[0]}.", nameof(mean2));
        using var a = FeatureMoments.FromMoments(mean1, cov1);
        using var b = FeatureMoments.FromMoments(mean2, cov2);
        return Between(a, b);
    }

    /// <summary>FD of the rows of <paramref name="features"/> ([n ≥ 2, k]) to a fixed reference set, with a bootstrap error.</summary>
    /// <param name="resamples">Bootstrap resamples of the rows (0: no error). Range: 0 or ≥ 2.</param>
    /// <param name="seed">Resample r draws its row indices from stream (seed, r).</param>
    public static FrechetEstimate ToReference(Tensor features, FeatureMoments reference, int resamples = 100, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(reference);
        RequireFeatures(features, nameof(features));
        if (features.shape[1] != reference.Dimension)
            throw new ArgumentException($"Features are [{features.shape[0]}, {features.shape[1]}] but the reference has k = {reference.Dimension}.", nameof(features));
        if (resamples < 0 || resamples == 1)
            throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "resamples must be 0 or ≥ 2.");
        using var scope = NewDisposeScope();
        var f = features.to_type(ScalarType.Float64);
        double fd = Of(f);
        if (resamples == 0) return new FrechetEstimate(fd, double.NaN, 0);
        int n = (int)f.shape[0];
        var values = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            using var inner = NewDisposeScope();
            var rng = Xoshiro.ForStream(seed, r);
            var idx = new long[n];
            for (int i = 0; i < n; i++) idx[i] = rng.NextInt(n);
            values[r] = Of(f.index_select(0, torch.tensor(idx)));
        }
        return new FrechetEstimate(fd, SampleStatistics.StandardDeviation(values), resamples);

        double Of(Tensor rows)
        {
            var m = rows.mean([0]);
            var c = rows - m;
            var cov = c.t().mm(c).div_(rows.shape[0] - 1);
            return Combine(reference.Mean, reference.SquareRoot, reference.Trace, m, (cov + cov.t()).mul_(0.5), cov.trace().item<double>());
        }
    }

    /// <summary>
    /// Leading-order expectation of the plug-in FD between independent samples of sizes n₁ and n₂ from one Gaussian
    /// with covariance eigenvalues λ_i (the FD floor of a perfect sampler):
    /// <code>
    ///   b = (1/n₁ + 1/n₂) [ tr C + ½ Σ_ij λ_iλ_j/(λ_i + λ_j) + ¼ tr C ] + O(n⁻²)
    /// </code>
    /// The first term is E|μ̂₁ − μ̂₂|² (exact); the rest is ½ E[δᵀ H δ] of the Bures metric
    /// ds² = ½ Σ_ij dC_ij²/(λ_i + λ_j) with Wishart fluctuations Var Ĉ_ij = (λ_iλ_j + δ_ij λ_i²)/n. For C = I_k it is
    /// (1/n₁ + 1/n₂)(k + k(k + 1)/4). Terms with λ_i + λ_j = 0 contribute 0. Range: λ_i ≥ 0, n₁, n₂ ≥ 2.
    /// </summary>
    public static double SamePopulationBias(IReadOnlyList<double> eigenvalues, int n1, int n2)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (eigenvalues.Count == 0) throw new ArgumentException("No eigenvalues given.", nameof(eigenvalues));
        foreach (var l in eigenvalues)
            if (!(l >= 0) || !double.IsFinite(l)) throw new ArgumentException($"Eigenvalue {l} must be finite and ≥ 0.", nameof(eigenvalues));
        if (n1 < 2) throw new ArgumentOutOfRangeException(nameof(n1), n1, "n₁ must be ≥ 2.");
        if (n2 < 2) throw new ArgumentOutOfRangeException(nameof(n2), n2, "n₂ must be ≥ 2.");
        double trace = eigenvalues.Sum(), pairs = 0;
        foreach (var a in eigenvalues)
            foreach (var b in eigenvalues)
                if (a + b > 0) pairs += a * b / (a + b);
        return (1.0 / n1 + 1.0 / n2) * (trace + 0.5 * pairs + 0.25 * trace);
    }

    /// <summary>
    /// C^{½} of a symmetric positive semi-definite [k, k] matrix: U diag(√max(λ, 0)) Uᵀ from its eigendecomposition
    /// (the input is symmetrized first). Returns float64.
    /// </summary>
    public static Tensor SymmetricSqrt(Tensor c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.dim() != 2 || c.shape[0] != c.shape[1] || c.shape[0] < 1)
            throw new ArgumentException($"Matrix must be square [k, k], got [{string.Join(", ", c.shape)}].", nameof(c));
        using var scope = NewDisposeScope();
        var s = c.to_type(ScalarType.Float64);
        var (vals, vecs) = torch.linalg.eigh((s + s.t()).mul_(0.5));
        var root = (vecs * vals.clamp_min(0.0).sqrt().unsqueeze(0)).mm(vecs.t());
        return root.MoveToOuterDisposeScope();
    }

    // |μ₁ − μ₂|² + tr C₁ + tr C₂ − 2 Σ √λ(C₁^{½} C₂ C₁^{½}), clamped at 0.
    private static double Combine(Tensor mean1, Tensor sqrt1, double trace1, Tensor mean2, Tensor cov2, double trace2)
    {
        var diff = (mean1 - mean2).square().sum().item<double>();
        var m = sqrt1.mm(cov2).mm(sqrt1);
        var eig = torch.linalg.eigvalsh((m + m.t()).mul_(0.5));
        double cross = eig.clamp_min(0.0).sqrt().sum().item<double>();
        return Math.Max(0.0, diff + trace1 + trace2 - 2 * cross);
    }

    internal static void RequireFeatures(Tensor f, string name)
    {
        ArgumentNullException.ThrowIfNull(f, name);
        if (f.dim() != 2 || f.shape[1] < 1)
            throw new ArgumentException($"{name} must be [n, k] features, got [{string.Join(", ", f.shape)}].", name);
        if (f.shape[0] < 2)
            throw new ArgumentException($"{name} has n = {f.shape[0]} rows; a covariance needs n ≥ 2.", name);
        if (f.dtype != ScalarType.Float32 && f.dtype != ScalarType.Float64)
            throw new ArgumentException($"{name} must be float32 or float64, got {f.dtype}.", name);
        if (!f.isfinite().all().item<bool>()) throw new ArgumentException($"{name} contains NaN or infinite values.", name);
    }

    internal static void RequireGaussian(Tensor mean, Tensor cov, string meanName, string covName)
    {
        ArgumentNullException.ThrowIfNull(mean, meanName);
        ArgumentNullException.ThrowIfNull(cov, covName);
        if (mean.dim() != 1 || mean.shape[0] < 1)
            throw new ArgumentException($"{meanName} must be [k], got [{string.Join(", ", mean.shape)}].", meanName);
        long k = mean.shape[0];
        if (cov.dim() != 2 || cov.shape[0] != k || cov.shape[1] != k)
            throw new ArgumentException($"{covName} must be [{k}, {k}], got [{string.Join(", ", cov.shape)}].", covName);
        if (!mean.isfinite().all().item<bool>()) throw new ArgumentException($"{meanName} contains NaN or infinite values.", meanName);
        if (!cov.isfinite().all().item<bool>()) throw new ArgumentException($"{covName} contains NaN or infinite values.", covName);
        using var scope = NewDisposeScope();
        var c = cov.to_type(ScalarType.Float64);
        double scale = Math.Max(c.abs().max().item<double>(), 1e-300);
        double asym = (c - c.t()).abs().max().item<double>();
        if (asym > 1e-8 * scale) throw new ArgumentException($"{covName} is not symmetric (max |C − Cᵀ| = {asym:G3}).", covName);
        double minEig = torch.linalg.eigvalsh((c + c.t()).mul_(0.5))[0].item<double>();
        if (minEig < -1e-8 * scale) throw new ArgumentException($"{covName} is not positive semi-definite (smallest eigenvalue {minEig:G3}).", covName);
    }
}
