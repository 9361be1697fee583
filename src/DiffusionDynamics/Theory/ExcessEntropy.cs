using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Excess entropy f(t) and collapse time t_C (Biroli et al. 2024, arXiv 2402.18491, Sec. 4; docs/theory.md §4).
/// With α = ln n / d and s(t) = −(1/d) E_{x~P_t} ln P_t(x):
/// f(t) = α + ½ + ½ ln(2π Δ_t) − s(t), the entropy per dimension of n well-separated Gaussians of variance
/// Δ_t minus the true entropy. The empirical distribution collapses onto training points below t_C, the root
/// of f(t_C) = 0. f increases from −∞ at t → 0 to α as t → ∞ in all three models here (shown per method),
/// so t_C exists and is unique whenever n ≥ 2 and the data has positive variance.
/// </summary>
public static class ExcessEntropy
{
    /// <summary>α = ln n / d. Range: n ≥ 1, d ≥ 1.</summary>
    public static double Alpha(int n, int d)
    {
        if (n < 1) throw new ArgumentException($"n must be ≥ 1 (got {n}).", nameof(n));
        if (d < 1) throw new ArgumentException($"d must be ≥ 1 (got {d}).", nameof(d));
        return Math.Log(n) / d;
    }

    /// <summary>
    /// Isotropic Gaussian data N(·, σ² I_d): P_t = N(e^{−t}·mean, Γ_t I), Γ_t = Δ_t + σ² e^{−2t}, so
    /// f(t) = α + ½ ln(Δ_t/Γ_t) = α − ½ ln(1 + σ²/(e^{2t} − 1)) (evaluated with expm1/log1p).
    /// Increasing in t because σ²/(e^{2t} − 1) decreases. Range: t &gt; 0, n ≥ 1, d ≥ 1, σ ≥ 0.
    /// </summary>
    public static double Gaussian(double t, int n, int d, double sigma)
    {
        OuTime.RequirePositive(t);
        CheckSigma(sigma);
        return Alpha(n, d) - 0.5 * OuTime.Log1P(sigma * sigma / OuTime.ExpM1(2 * t));
    }

    /// <summary>
    /// t_C = ½ ln(1 + σ²/(n^{2/d} − 1)) for isotropic Gaussian data, with n^{2/d} − 1 = expm1(2 ln n / d).
    /// Range: n ≥ 2, d ≥ 1, σ ≥ 0 (σ = 0 gives 0).
    /// </summary>
    public static double GaussianCollapseTime(int n, int d, double sigma)
    {
        CheckSigma(sigma);
        RequireTwoPoints(n);
        return 0.5 * OuTime.Log1P(sigma * sigma / OuTime.ExpM1(2 * Alpha(n, d)));
    }

    /// <summary>
    /// Gaussian data with covariance eigenvalues λ_k (k = 1..K, K ≤ d; the remaining d − K are taken as 0):
    /// f(t) = α + (1/2d) Σ_k ln(Δ_t/(Δ_t + λ_k e^{−2t})) = α − (1/2d) Σ_k ln(1 + λ_k/(e^{2t} − 1)).
    /// Each term increases with t, so f does. Range: t &gt; 0, n ≥ 1, d ≥ K ≥ 1, every λ_k ≥ 0 finite.
    /// </summary>
    public static double Anisotropic(double t, int n, int d, IReadOnlyList<double> eigenvalues)
    {
        OuTime.RequirePositive(t);
        CheckSpectrum(d, eigenvalues);
        double e = OuTime.ExpM1(2 * t), sum = 0;
        foreach (double l in eigenvalues) sum += OuTime.Log1P(l / e);
        return Alpha(n, d) - sum / (2.0 * d);
    }

    /// <summary>
    /// t_C for the spectrum λ_k by bisection of the increasing f on the bracket
    /// [½ ln(1 + λ_max/(n² − 1)), ½ ln(1 + λ_max/(n^{2/d} − 1))] (f ≤ α + (1/2d) ln(Δ/(Δ + λ_max e^{−2t})) below,
    /// f ≥ the isotropic f with σ² = λ_max above), to a few ulps. Range: n ≥ 2, d ≥ K ≥ 1, λ_k ≥ 0 (all zero gives 0).
    /// </summary>
    public static double AnisotropicCollapseTime(int n, int d, IReadOnlyList<double> eigenvalues)
    {
        CheckSpectrum(d, eigenvalues);
        RequireTwoPoints(n);
        double lMax = eigenvalues.Max();
        if (lMax == 0) return 0;
        double lo = 0.5 * OuTime.Log1P(lMax / ((double)n * n - 1));
        double hi = 0.5 * OuTime.Log1P(lMax / OuTime.ExpM1(2 * Alpha(n, d)));
        return MonotoneRoot.Bisect(t => Anisotropic(t, n, d, eigenvalues), lo, hi);
    }

    /// <summary>
    /// Two-cluster data ½N(+m, σ²I) + ½N(−m, σ²I). P_t factorizes into d − 1 Gaussian directions of variance
    /// Γ_t = Δ_t + σ² e^{−2t} orthogonal to m̂ and the 1-D mixture ½N(±|m|e^{−t}, Γ_t) along m̂, whose entropy
    /// is ½ ln(2πeΓ_t) + g(a_t) with a_t = |m|² e^{−2t}/Γ_t = |m|²/(e^{2t} − 1 + σ²) and
    /// g(a) = a − E_{z}[ln cosh(a + √a z)] ∈ [0, ln 2] the class–position mutual information. Hence
    /// d·s(t) = (d/2) ln(2πeΓ_t) + g(a_t) and
    /// f(t) = α + ½ ln(Δ_t/Γ_t) − g(a_t)/d = f_Gaussian(σ) − g(a_t)/d,
    /// which reduces to the Gaussian case when m → 0 (g(0) = 0). Increasing in t: a_t decreases and g increases.
    /// Range: t &gt; 0, n ≥ 1, d ≥ 1, |m| ≥ 0, σ ≥ 0.
    /// </summary>
    public static double TwoCluster(double t, int n, int d, double meanNorm, double sigma)
    {
        OuTime.RequirePositive(t);
        CheckMeanNorm(meanNorm);
        CheckSigma(sigma);
        double a = BinaryGaussianChannel.Snr(t, meanNorm, sigma);
        return Gaussian(t, n, d, sigma) - BinaryGaussianChannel.MutualInformation(a) / d;
    }

    /// <summary>
    /// t_C for the two-cluster model by bisection on [t_C^G(σ), t_C^G(√(σ² + |m|²))]: f ≤ f_Gaussian(σ) since g ≥ 0,
    /// and f ≥ f_Gaussian(√(σ²+|m|²)) because the mixture's entropy is at most that of the Gaussian with its
    /// covariance Γ_t I + m_t m_tᵀ. Range: n ≥ 2, d ≥ 1, |m| ≥ 0, σ &gt; 0.
    /// </summary>
    public static double TwoClusterCollapseTime(int n, int d, double meanNorm, double sigma)
    {
        CheckMeanNorm(meanNorm);
        CheckSigma(sigma);
        if (sigma == 0) throw new ArgumentException("σ must be > 0 for the two-cluster collapse time (σ = 0 is two points).", nameof(sigma));
        RequireTwoPoints(n);
        double lo = GaussianCollapseTime(n, d, sigma);
        double hi = GaussianCollapseTime(n, d, Math.Sqrt(sigma * sigma + meanNorm * meanNorm));
        if (hi <= lo) return lo;
        return MonotoneRoot.Bisect(t => TwoCluster(t, n, d, meanNorm, sigma), lo, hi);
    }

    /// <summary>
    /// g(a) = a − E_{z~N(0,1)} ln cosh(a + √a z): the mutual information (nats) between the cluster label and the
    /// projection q of the two-cluster model at SNR a (see <see cref="TwoCluster"/>). Range: a ≥ 0.
    /// </summary>
    public static double TwoClusterMutualInformation(double snr)
    {
        if (!(snr >= 0) || !double.IsFinite(snr)) throw new ArgumentException($"SNR must be finite and ≥ 0 (got {snr}).", nameof(snr));
        return BinaryGaussianChannel.MutualInformation(snr);
    }

    private static void RequireTwoPoints(int n)
    {
        if (n < 2) throw new ArgumentException($"The collapse time needs n ≥ 2 (α = 0 for n = 1, f < 0 at every t; got n = {n}).", nameof(n));
    }

    internal static void CheckSigma(double sigma)
    {
        if (!(sigma >= 0) || !double.IsFinite(sigma)) throw new ArgumentException($"σ must be finite and ≥ 0 (got {sigma}).", nameof(sigma));
    }

    internal static void CheckMeanNorm(double meanNorm)
    {
        if (!(meanNorm >= 0) || !double.IsFinite(meanNorm)) throw new ArgumentException($"|m| must be finite and ≥ 0 (got {meanNorm}).", nameof(meanNorm));
    }

    private static void CheckSpectrum(int d, IReadOnlyList<double> eigenvalues)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (d < 1) throw new ArgumentException($"d must be ≥ 1 (got {d}).", nameof(d));
        if (eigenvalues.Count < 1 || eigenvalues.Count > d)
            throw new ArgumentException($"Need 1 ≤ K ≤ d eigenvalues (got K = {eigenvalues.Count}, d = {d}).", nameof(eigenvalues));
        for (int k = 0; k < eigenvalues.Count; k++)
            if (!(eigenvalues[k] >= 0) || !double.IsFinite(eigenvalues[k]))
                throw new ArgumentException($"Eigenvalue λ_{k} = {eigenvalues[k]} must be finite and ≥ 0.", nameof(eigenvalues));
    }
}
