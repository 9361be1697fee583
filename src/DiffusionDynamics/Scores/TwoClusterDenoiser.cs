using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The exact denoiser of the two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) (Biroli et al. 2024,
/// arXiv 2402.18491, Sec. 3). With m_t = m e^{−t} and Γ_t = Δ_t + σ² e^{−2t}:
/// <code>
///   ∇ ln P_t(x) = (m_t/Γ_t) tanh(m_t·x / Γ_t) − x/Γ_t
///   D(x, t)     = (Δ_t/Γ_t) tanh(m_t·x / Γ_t) m + (σ² e^{−t}/Γ_t) x
/// </code>
/// </summary>
public sealed class TwoClusterDenoiser : IDenoiser, ILogDensity, IClosedFormJacobian, IDisposable
{
    private readonly Tensor centre; // m: [d], float64

    /// <param name="centre">The cluster centre m: [d] (the other cluster is at −m).</param>
    /// <param name="sigma">Per-direction standard deviation σ of each cluster. Range: σ ≥ 0.</param>
    public TwoClusterDenoiser(Tensor centre, double sigma)
    {
        Backend.TorchRuntime.EnsureInitialized();
        ArgumentNullException.ThrowIfNull(centre);
        if (centre.dim() != 1 || centre.shape[0] < 1)
            throw new ArgumentException($"Centre must have shape [d], got [{string.Join(", ", centre.shape)}].", nameof(centre));
        if (!centre.isfinite().all().item<bool>())
            throw new ArgumentException("Centre contains NaN or infinite values.", nameof(centre));
        if (!double.IsFinite(sigma) || sigma < 0)
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be finite and ≥ 0.");
        this.centre = centre.to_type(ScalarType.Float64).clone().DetachFromDisposeScope();
        Sigma = sigma;
        Dimension = (int)centre.shape[0];
        CentreNormSq = this.centre.square().sum().item<double>();
    }

    /// <summary>The model with m = μ (1, …, 1), so |m|² = d μ² (the convention of docs/theory.md §4).</summary>
    public static TwoClusterDenoiser Uniform(int d, double mu, double sigma)
    {
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(d), d, "d must be ≥ 1.");
        if (!double.IsFinite(mu)) throw new ArgumentOutOfRangeException(nameof(mu), mu, "μ must be finite.");
        Backend.TorchRuntime.EnsureInitialized();
        using var m = torch.full([d], mu, dtype: ScalarType.Float64);
        return new TwoClusterDenoiser(m, sigma);
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>σ, the per-direction standard deviation of each cluster.</summary>
    public double Sigma { get; }

    /// <summary>|m|².</summary>
    public double CentreNormSq { get; }

    /// <summary>The centre m: [d] float64 (do not dispose).</summary>
    public Tensor Centre => centre;

    /// <summary>Γ_t = Δ_t + σ² e^{−2t}, the per-direction variance of each noised cluster.</summary>
    public double Gamma(double t) => OuTime.Delta(t) + Sigma * Sigma * Math.Exp(-2.0 * t);

    /// <summary>float64: the closed form is evaluated in double precision.</summary>
    public Precision Precision => Precision.Float64;

    /// <summary>J_s V = sech²(m_t·x/Γ_t) m_t (m_tᵀV)/Γ_t² − V/Γ_t (Biroli et al., arXiv 2402.18491).</summary>
    Tensor IClosedFormJacobian.ScoreJacobianProduct(Tensor point, double t, Tensor directions)
    {
        using var scope = NewDisposeScope();
        double gamma = Gamma(t);
        var mt = centre * OuTime.Decay(t);                                           // m_t
        double u = point.dot(mt).item<double>() / gamma;
        double sech2 = 1.0 / Math.Pow(Math.Cosh(Math.Min(Math.Abs(u), 350)), 2);
        return mt.unsqueeze(1).mm(mt.unsqueeze(0).mm(directions)).mul_(sech2 / (gamma * gamma)).sub_(directions / gamma).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t), gamma = Gamma(t);
        var xd = x.to_type(ScalarType.Float64);
        var overlap = xd.mv(centre).mul_(decay / gamma).tanh_().unsqueeze(1); // tanh(m_t·x/Γ_t): [B, 1]
        var result = (overlap * centre).mul_(delta / gamma).add_(xd * (Sigma * Sigma * decay / gamma));
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ln P_t(x) = −(|x|² + |m_t|²)/(2Γ_t) + ln cosh(m_t·x/Γ_t) − (d/2) ln(2πΓ_t), as [B] float64
    /// (ln cosh written as |u| + log1p(e^{−2|u|}) − ln 2 for stability).
    /// </summary>
    public Tensor LogDensity(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), gamma = Gamma(t);
        var xd = x.to_type(ScalarType.Float64);
        var u = xd.mv(centre).mul_(decay / gamma).abs_();
        var logCosh = u + (u * -2.0).exp_().log1p_() - Math.Log(2.0);
        var result = logCosh - (xd.square().sum(1) + CentreNormSq * decay * decay) / (2 * gamma)
                     - 0.5 * Dimension * Math.Log(2 * Math.PI * gamma);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Releases the centre tensor.</summary>
    public void Dispose() => centre.Dispose();
}
