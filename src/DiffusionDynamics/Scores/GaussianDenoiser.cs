using DiffusionDynamics.Data;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The exact denoiser of a Gaussian N(m, C), C = U Λ Uᵀ (Wang &amp; Vastola, arXiv 2412.09726 and 2311.10892):
/// <code>
///   D(x, t) = m + U diag( e^{−t} λ_k / (e^{−2t} λ_k + Δ_t) ) Uᵀ (x − e^{−t} m)
/// </code>
/// Eigendecomposition once at construction (float64); each call then costs O(B·d·r) with r the number of
/// kept eigenpairs. Directions outside the kept eigenvectors are treated as having λ = 0 (exact when the
/// dropped eigenvalues are zero, a low-rank approximation otherwise).
/// </summary>
public sealed class GaussianDenoiser : IDenoiser, ILogDensity, IDisposable
{
    private readonly Tensor mean;        // m: [d], float64
    private readonly Tensor basis;       // U: [d, r], float64
    private readonly Tensor eigenvalues; // λ: [r], float64, descending
    private readonly double[] lambdas;

    /// <summary>From a mean [d] and a symmetric positive semi-definite covariance [d, d].</summary>
    /// <param name="rank">Keep the top <paramref name="rank"/> eigenpairs (default all d). Range: 1 ≤ rank ≤ d.</param>
    public GaussianDenoiser(Tensor mean, Tensor covariance, int? rank = null)
    {
        Backend.TorchRuntime.EnsureInitialized();
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.dim() != 1 || mean.shape[0] < 1)
            throw new ArgumentException($"Mean must have shape [d], got [{string.Join(", ", mean.shape)}].", nameof(mean));
        long d = mean.shape[0];
        if (covariance.dim() != 2 || covariance.shape[0] != d || covariance.shape[1] != d)
            throw new ArgumentException($"Covariance must have shape [{d}, {d}], got [{string.Join(", ", covariance.shape)}].", nameof(covariance));
        if (!mean.isfinite().all().item<bool>() || !covariance.isfinite().all().item<bool>())
            throw new ArgumentException("Mean or covariance contains NaN or infinite values.");
        int r = rank ?? (int)d;
        if (r < 1 || r > d) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Rank must be in [1, d = {d}].");
        using var scope = NewDisposeScope();
        var c = covariance.to_type(ScalarType.Float64);
        var asymmetry = (c - c.t()).abs().max().item<double>();
        var scale = Math.Max(c.abs().max().item<double>(), 1e-300);
        if (asymmetry > 1e-6 * scale)
            throw new ArgumentException($"Covariance is not symmetric (max |C − Cᵀ| = {asymmetry:G3}).", nameof(covariance));
        var (vals, vecs) = torch.linalg.eigh((c + c.t()) * 0.5); // ascending
        var minEig = vals[0].item<double>();
        if (minEig < -1e-8 * Math.Max(scale, 1.0))
            throw new ArgumentException($"Covariance is not positive semi-definite (smallest eigenvalue {minEig:G3}).", nameof(covariance));
        var order = torch.arange(d - 1, d - 1 - r, -1, dtype: ScalarType.Int64);
        this.eigenvalues = vals.index_select(0, order).clamp_min(0.0).contiguous().DetachFromDisposeScope();
        this.basis = vecs.index_select(1, order).contiguous().DetachFromDisposeScope();
        this.mean = mean.to_type(ScalarType.Float64).clone().DetachFromDisposeScope();
        lambdas = this.eigenvalues.data<double>().ToArray();
        Dimension = (int)d;
        Rank = r;
    }

    /// <summary>The Gaussian fitted to a dataset: its mean and covariance C = (1/n) Σ (a − ā)(a − ā)ᵀ.</summary>
    public static GaussianDenoiser FromData(Dataset dataset, int? rank = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var scope = NewDisposeScope();
        var a = dataset.ToTensor(ScalarType.Float64);
        var m = a.mean([0]);
        var centred = a - m;
        var cov = centred.t().mm(centred) / dataset.Count;
        return new GaussianDenoiser(m, cov, rank);
    }

    /// <summary>Isotropic N(m, σ² I).</summary>
    public static GaussianDenoiser Isotropic(Tensor mean, double variance)
    {
        if (!(variance >= 0) || !double.IsFinite(variance))
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "Variance must be finite and ≥ 0.");
        using var scope = NewDisposeScope();
        long d = mean.shape[0];
        return new GaussianDenoiser(mean, torch.eye(d, dtype: ScalarType.Float64) * variance);
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Number of kept eigenpairs r.</summary>
    public int Rank { get; }

    /// <summary>Eigenvalues λ_k of the covariance, descending (length r).</summary>
    public IReadOnlyList<double> Eigenvalues => lambdas;

    /// <summary>Eigenvectors U: [d, r] (float64, columns in the order of <see cref="Eigenvalues"/>; do not dispose).</summary>
    public Tensor Basis => basis;

    /// <summary>Mean m: [d] (float64; do not dispose).</summary>
    public Tensor Mean => mean;

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var xd = x.to_type(ScalarType.Float64);
        var gain = eigenvalues * decay / (eigenvalues * (decay * decay) + delta); // [r]
        var coords = (xd - mean * decay).mm(basis);                               // [B, r]
        var result = (coords * gain).mm(basis.t()).add_(mean);
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ln P_t(x) = ln N(x; e^{−t} m, e^{−2t} C + Δ_t I): per kept mode variance e^{−2t}λ_k + Δ_t, and Δ_t on the
    /// orthogonal complement of the kept eigenvectors. Returns [B] float64.
    /// </summary>
    public Tensor LogDensity(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var y = x.to_type(ScalarType.Float64) - mean * decay;
        var coords = y.mm(basis);
        var variances = eigenvalues * (decay * decay) + delta;
        var quadInModes = (coords.square() / variances).sum(1);
        var quadRest = (y.square().sum(1) - coords.square().sum(1)) / delta;
        double logDet = lambdas.Sum(l => Math.Log(decay * decay * l + delta)) + (Dimension - Rank) * Math.Log(delta);
        var result = (quadInModes + quadRest).mul_(-0.5) - 0.5 * (logDet + Dimension * Math.Log(2 * Math.PI));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Exact draws from the noised marginal P_t = N(e^{−t} m, e^{−2t} C + Δ_t I) (the Gaussian late start of
    /// Wang &amp; Vastola, arXiv 2412.09726): x = e^{−t} m + √Δ_t z + U((√(e^{−2t}λ + Δ_t) − √Δ_t) ⊙ Uᵀz).
    /// Sample i uses stream i of <paramref name="seed"/>. Returns [count, d] float64.
    /// </summary>
    public Tensor SampleMarginal(double t, int count, long seed)
    {
        Time.OuTime.RequirePositive(t);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Count must be ≥ 1.");
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var z = Sampling.NoiseSource.ForSamples(seed, 0, count, Dimension).Next(ScalarType.Float64);
        var coords = z.mm(basis);
        var extra = (eigenvalues * (decay * decay) + delta).sqrt_().sub_(Math.Sqrt(delta));
        var x = z.mul_(Math.Sqrt(delta)).add_((coords * extra).mm(basis.t())).add_(mean * decay);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        mean.Dispose();
        basis.Dispose();
        eigenvalues.Dispose();
    }
}
