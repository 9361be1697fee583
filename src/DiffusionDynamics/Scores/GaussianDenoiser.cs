using DiffusionDynamics.Random;
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
/// dropped eigenvalues are zero, a low-rank approximation otherwise), or the variance σ²_⊥ given to
/// <see cref="FromEigenpairs"/> (probabilistic-PCA form C = U Λ Uᵀ + σ²_⊥ (I − U Uᵀ), used by the mixture
/// components of <see cref="MixtureDenoiser"/>).
/// </summary>
public sealed class GaussianDenoiser : IDenoiser, ILogDensity, IClosedFormJacobian, IDisposable
{
    private readonly Tensor mean;        // m: [d], float64
    private readonly Tensor basis;       // U: [d, r], float64
    private readonly Tensor eigenvalues; // λ: [r], float64, descending
    private readonly double[] lambdas;
    private readonly double complementVariance; // σ²_⊥ on the orthogonal complement of U (0 unless FromEigenpairs)

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

    private GaussianDenoiser(Tensor mean, Tensor basis, Tensor eigenvalues, double complementVariance)
    {
        this.mean = mean;
        this.basis = basis;
        this.eigenvalues = eigenvalues;
        this.complementVariance = complementVariance;
        lambdas = eigenvalues.data<double>().ToArray();
        Dimension = (int)mean.shape[0];
        Rank = (int)eigenvalues.shape[0];
    }

    /// <summary>
    /// N(m, C) with C = U diag(λ) Uᵀ + σ²_⊥ (I − U Uᵀ) given by its eigenpairs (no decomposition; tensors are copied).
    /// r = 0 (basis [d, 0]) gives the isotropic N(m, σ²_⊥ I) in O(B·d) per call.
    /// Range: basis [d, r] with orthonormal columns (|UᵀU − I| ≤ 1e-6), 0 ≤ r ≤ d, λ_k ≥ 0 finite, σ²_⊥ ≥ 0 finite.
    /// </summary>
    public static GaussianDenoiser FromEigenpairs(Tensor mean, Tensor basis, Tensor eigenvalues, double complementVariance = 0)
    {
        Backend.TorchRuntime.EnsureInitialized();
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (mean.dim() != 1 || mean.shape[0] < 1)
            throw new ArgumentException($"Mean must have shape [d], got [{string.Join(", ", mean.shape)}].", nameof(mean));
        long d = mean.shape[0];
        if (basis.dim() != 2 || basis.shape[0] != d || basis.shape[1] > d)
            throw new ArgumentException($"Basis must have shape [{d}, r ≤ {d}], got [{string.Join(", ", basis.shape)}].", nameof(basis));
        long r = basis.shape[1];
        if (eigenvalues.dim() != 1 || eigenvalues.shape[0] != r)
            throw new ArgumentException($"Eigenvalues must have shape [{r}], got [{string.Join(", ", eigenvalues.shape)}].", nameof(eigenvalues));
        if (!double.IsFinite(complementVariance) || complementVariance < 0)
            throw new ArgumentOutOfRangeException(nameof(complementVariance), complementVariance, "σ²_⊥ must be finite and ≥ 0.");
        using var scope = NewDisposeScope();
        var m = mean.to_type(ScalarType.Float64).contiguous().clone();
        var u = basis.to_type(ScalarType.Float64).contiguous().clone();
        var l = eigenvalues.to_type(ScalarType.Float64).contiguous().clone();
        if (!m.isfinite().all().item<bool>() || !u.isfinite().all().item<bool>() || !l.isfinite().all().item<bool>())
            throw new ArgumentException("Mean, basis or eigenvalues contain NaN or infinite values.");
        if (r > 0 && l.min().item<double>() < 0)
            throw new ArgumentException($"Eigenvalues must be ≥ 0 (smallest {l.min().item<double>():G3}).", nameof(eigenvalues));
        if (r > 0)
        {
            double orthogonality = (u.t().mm(u) - torch.eye(r, dtype: ScalarType.Float64)).abs().max().item<double>();
            if (orthogonality > 1e-6)
                throw new ArgumentException($"Basis columns are not orthonormal (max |UᵀU − I| = {orthogonality:G3}).", nameof(basis));
        }
        return new GaussianDenoiser(m.DetachFromDisposeScope(), u.DetachFromDisposeScope(), l.DetachFromDisposeScope(), complementVariance);
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

    /// <summary>σ²_⊥, the variance on the orthogonal complement of the kept eigenvectors (0 unless built by <see cref="FromEigenpairs"/>).</summary>
    public double ComplementVariance => complementVariance;

    /// <summary>Eigenvalues λ_k of the covariance, descending (length r).</summary>
    public IReadOnlyList<double> Eigenvalues => lambdas;

    /// <summary>Eigenvectors U: [d, r] (float64, columns in the order of <see cref="Eigenvalues"/>; do not dispose).</summary>
    public Tensor Basis => basis;

    /// <summary>Mean m: [d] (float64; do not dispose).</summary>
    public Tensor Mean => mean;

    /// <summary>float64: the closed form is evaluated in double precision.</summary>
    public Precision Precision => Precision.Float64;

    /// <summary>
    /// J_s V = −U diag(1/(e^{−2t}λ_k + Δ_t)) UᵀV − (I − UUᵀ)V/(e^{−2t}σ²_⊥ + Δ_t), written as
    /// (U diag(g_k − g_⊥) UᵀV + (g_⊥ − 1) V)/Δ_t with g = e^{−2t}λ/(e^{−2t}λ + Δ_t) (Wang &amp; Vastola, arXiv 2412.09726).
    /// </summary>
    Tensor IClosedFormJacobian.ScoreJacobianProduct(Tensor point, double t, Tensor directions)
    {
        using var scope = NewDisposeScope();
        double delta = OuTime.Delta(t), decay = OuTime.Decay(t);
        // Modes: −1/(e^{−2t}λ_k + Δ); complement of U: −1/(e^{−2t}σ²_⊥ + Δ) (σ²_⊥ = 0 unless built from eigenpairs).
        var lambdaT = torch.tensor(lambdas, dtype: ScalarType.Float64);
        double perp = complementVariance * decay * decay, gainPerp = perp / (perp + delta);
        var gain = lambdaT * (decay * decay) / (lambdaT * (decay * decay) + delta) - gainPerp; // e^{−2t}λ/(e^{−2t}λ + Δ) − gain_⊥
        var coords = basis.t().mm(directions).mul_(gain.unsqueeze(1));
        return basis.mm(coords).add_(directions * (gainPerp - 1.0)).div_(delta).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var (y, coords) = Project(x.to_type(ScalarType.Float64), t);
        return DenoiseProjected(y, coords, t).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>y = x − e^{−t} m ([B, d]) and its coordinates Uᵀy ([B, r]); x float64, unchecked. Shared by D and ln P_t.</summary>
    internal (Tensor Residual, Tensor Coords) Project(Tensor xd, double t)
    {
        var y = xd - mean * OuTime.Decay(t);
        return (y, y.mm(basis));
    }

    /// <summary>
    /// D = m + U diag(e^{−t}λ_k/(e^{−2t}λ_k + Δ_t)) Uᵀy + g_⊥ (y − U Uᵀy), g_⊥ = e^{−t}σ²_⊥/(e^{−2t}σ²_⊥ + Δ_t), from <see cref="Project"/>.
    /// </summary>
    internal Tensor DenoiseProjected(Tensor y, Tensor coords, double t)
    {
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var gain = eigenvalues * decay / (eigenvalues * (decay * decay) + delta); // [r]
        if (complementVariance == 0) return (coords * gain).mm(basis.t()).add_(mean);
        // One back-projection: U diag(g) Uᵀy + g_⊥(y − UUᵀy) = U diag(g − g_⊥) Uᵀy + g_⊥ y.
        double gainPerp = decay * complementVariance / (decay * decay * complementVariance + delta);
        return (coords * (gain - gainPerp)).mm(basis.t()).add_(y * gainPerp).add_(mean);
    }

    /// <summary>
    /// ln P_t(x) = ln N(x; e^{−t} m, e^{−2t} C + Δ_t I): per kept mode variance e^{−2t}λ_k + Δ_t, and Δ_t on the
    /// orthogonal complement of the kept eigenvectors. Returns [B] float64.
    /// </summary>
    public Tensor LogDensity(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var (y, coords) = Project(x.to_type(ScalarType.Float64), t);
        return LogDensityProjected(y, coords, t).MoveToOuterDisposeScope();
    }

    /// <summary>ln P_t from <see cref="Project"/>: variance e^{−2t}λ_k + Δ_t per kept mode, e^{−2t}σ²_⊥ + Δ_t on the complement. [B] float64.</summary>
    internal Tensor LogDensityProjected(Tensor y, Tensor coords, double t)
    {
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        double restVariance = decay * decay * complementVariance + delta;
        var variances = eigenvalues * (decay * decay) + delta;
        var quadInModes = (coords.square() / variances).sum(1);
        var quadRest = (y.square().sum(1) - coords.square().sum(1)) / restVariance;
        double logDet = lambdas.Sum(l => Math.Log(decay * decay * l + delta)) + (Dimension - Rank) * Math.Log(restVariance);
        return (quadInModes + quadRest).mul_(-0.5) - 0.5 * (logDet + Dimension * Math.Log(2 * Math.PI));
    }

    /// <summary>
    /// Exact draws from the noised marginal P_t = N(e^{−t} m, e^{−2t} C + Δ_t I) (the Gaussian late start of
    /// Wang &amp; Vastola, arXiv 2412.09726): x = e^{−t} m + s_⊥ z + U((√(e^{−2t}λ + Δ_t) − s_⊥) ⊙ Uᵀz),
    /// s_⊥ = √(e^{−2t}σ²_⊥ + Δ_t).
    /// Sample i uses stream i of <paramref name="seed"/>. Returns [count, d] float64.
    /// </summary>
    public Tensor SampleMarginal(double t, int count, long seed)
    {
        Time.OuTime.RequirePositive(t);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Count must be ≥ 1.");
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var z = NoiseSource.ForSamples(seed, 0, count, Dimension).Next(ScalarType.Float64);
        var coords = z.mm(basis);
        double restStd = Math.Sqrt(decay * decay * complementVariance + delta); // √Δ_t unless σ²_⊥ > 0
        var extra = (eigenvalues * (decay * decay) + delta).sqrt_().sub_(restStd);
        var x = z.mul_(restStd).add_((coords * extra).mm(basis.t())).add_(mean * decay);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The closed-form PF-ODE transport of this Gaussian N(m, U diag(λ) Uᵀ) from time T to time t (Wang &amp; Vastola,
    /// arXiv 2303.02490 and 2412.09726 "analytical teleportation"; docs/theory.md §5):
    /// <code>
    ///   x(t) = e^{−t} m + U diag(ψ_k(t)) Uᵀ y + ψ_⊥(t) (I − U Uᵀ) y,   y = x(T) − e^{−T} m,
    ///   ψ_k(t) = √((e^{−2t} λ_k + Δ_t) / (e^{−2T} λ_k + Δ_T))   (Theory.GaussianFlow.Psi),
    ///   ψ_⊥(t) = ψ(σ²_⊥, t)  (directions outside the kept eigenvectors, variance σ²_⊥ = ComplementVariance; √(Δ_t/Δ_T) when 0)
    /// </code>
    /// Exact solution of dx/dt = −(x + ∇ln P_t(x)) for that Gaussian, in either time direction.
    /// x(T): [B, d]; returns [B, d] in x(T)'s dtype (arithmetic in float64). Range: T &gt; 0, t ≥ 0.
    /// </summary>
    public Tensor Transport(Tensor xT, double T, double t)
    {
        ArgumentNullException.ThrowIfNull(xT);
        OuTime.RequirePositive(T, nameof(T));
        OuTime.RequireNonNegative(t);
        if (xT.dim() != 2 || xT.shape[1] != Dimension || xT.shape[0] < 1)
            throw new ArgumentException($"x(T) must have shape [B ≥ 1, {Dimension}], got [{string.Join(", ", xT.shape)}].", nameof(xT));
        using var scope = NewDisposeScope();
        var psi = new double[lambdas.Length];
        for (int k = 0; k < psi.Length; k++) psi[k] = Math.Sqrt(MarginalVariance(lambdas[k], t) / MarginalVariance(lambdas[k], T));
        // Complement of the kept eigenvectors: variance σ²_⊥ (0 for a Gaussian of full or truncated rank, > 0 for low-rank mixture parts).
        double psiRest = Math.Sqrt(MarginalVariance(complementVariance, t) / MarginalVariance(complementVariance, T));
        var y = xT.to_type(ScalarType.Float64) - mean * OuTime.Decay(T);
        var coords = y.mm(basis);                                                    // [B, r]
        var psiK = torch.tensor(psi, dtype: ScalarType.Float64);
        // ψ_⊥ y + U ((ψ_k − ψ_⊥) ⊙ Uᵀ y): the complement scales by ψ_⊥, the kept modes by ψ_k.
        var result = (coords * (psiK - psiRest)).mm(basis.t()).add_(y * psiRest).add_(mean * OuTime.Decay(t));
        return result.to_type(xT.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Marginal variance of a mode of variance λ at OU time t: e^{−2t} λ + Δ_t (the same expression as Theory.GaussianFlow.MarginalVariance).</summary>
    private static double MarginalVariance(double lambda, double t) => Math.Exp(-2 * t) * lambda + OuTime.Delta(t);

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        mean.Dispose();
        basis.Dispose();
        eigenvalues.Dispose();
    }
}
