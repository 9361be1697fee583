using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Where the guidance decorator gets p = p(c | …) of the forbidden class c for each row of a batch: a constant (static negative
/// prompting), the exact posterior p(c | x_t) (<see cref="ExactForbiddenProbability"/>), or a posterior tracked online along the
/// chain (the Analysis part's online Bayes classifier, Koulischer et al., arXiv 2410.14398, Alg. 1).
/// </summary>
public interface IForbiddenClassProbability
{
    /// <summary>
    /// p for each row: [B] float64 in [0, 1). Called once per denoiser evaluation with the state x: [B, d], its time t and the
    /// unconditional and forbidden-class estimates D(x, t), D_c(x, t) ([B, d]) the decorator has just computed.
    /// </summary>
    Tensor Probability(Tensor x, double t, Tensor denoised, Tensor denoisedForbidden);
}

/// <summary>A constant p: static negative prompting with weight λ p/(1 − p) (p = ½ gives the plain negative prompt ε − λ(ε_c − ε)).</summary>
public sealed class ConstantForbiddenProbability : IForbiddenClassProbability
{
    /// <summary>The constant p. Range: 0 ≤ p &lt; 1.</summary>
    public ConstantForbiddenProbability(double p)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "The constant probability must lie in [0, 1).");
        P = p;
    }

    /// <summary>The constant p.</summary>
    public double P { get; }

    /// <inheritdoc />
    public Tensor Probability(Tensor x, double t, Tensor denoised, Tensor denoisedForbidden) => torch.full(x.shape[0], P, dtype: ScalarType.Float64);
}

/// <summary>The exact p(c | x_t) of a <see cref="IClassPosterior"/> (an oracle: what the online estimate is compared with).</summary>
public sealed class ExactForbiddenProbability : IForbiddenClassProbability
{
    private readonly IClassPosterior posterior;
    private readonly int column;

    /// <summary>p(<paramref name="forbidden"/> | x_t) from <paramref name="posterior"/>; throws when the class is absent.</summary>
    public ExactForbiddenProbability(IClassPosterior posterior, int forbidden)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        column = posterior.Classes.ToList().IndexOf(forbidden);
        if (column < 0) throw new ArgumentOutOfRangeException(nameof(forbidden), forbidden, $"Class {forbidden} is absent (classes present: {string.Join(", ", posterior.Classes)}).");
        this.posterior = posterior;
    }

    /// <inheritdoc />
    public Tensor Probability(Tensor x, double t, Tensor denoised, Tensor denoisedForbidden)
    {
        using var scope = NewDisposeScope();
        return posterior.LogClassPosterior(x, t).select(1, column).exp().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Negative guidance as a denoiser decorator (Koulischer et al., ICLR 2025, arXiv 2410.14398, Eq. 9; docs/theory.md §7.7): in
/// ε-prediction ε̃ = ε − λ w (ε_c − ε), w = p/(1 − p) with p clamped to [p_min, p_max]; in the denoiser's terms (ε = (x − e^{−t}D)/√Δ_t)
/// <code>
///   D̃(x, t) = D − λ w (D_c − D)
/// </code>
/// With λ = 1 and p = p(c | x_t) exactly this is the denoiser of the data without class c: D_¬c = (D − p D_c)/(1 − p).
/// The guided D̃ has none of the inner denoiser's capabilities (its Jacobian, log-density and class posterior no longer describe
/// it): <see cref="Capability{T}"/> answers only for this object itself.
/// </summary>
public sealed class NegativeGuidance : DenoiserDecorator
{
    private readonly IDenoiser forbidden;
    private readonly IForbiddenClassProbability probability;

    /// <param name="denoiser">The unconditional D.</param>
    /// <param name="forbidden">The forbidden class's D_c (same dimension).</param>
    /// <param name="probability">Where p comes from (constant, exact or tracked online).</param>
    /// <param name="lambda">Guidance scale λ. Range: λ ≥ 0.</param>
    /// <param name="pMin">Lower clamp of p. Range: 0 ≤ p_min &lt; p_max.</param>
    /// <param name="pMax">Upper clamp of p. Range: p_min &lt; p_max &lt; 1.</param>
    public NegativeGuidance(IDenoiser denoiser, IDenoiser forbidden, IForbiddenClassProbability probability, double lambda, double pMin = 0, double pMax = 0.99)
        : base(denoiser)
    {
        ArgumentNullException.ThrowIfNull(forbidden);
        ArgumentNullException.ThrowIfNull(probability);
        if (forbidden.Dimension != denoiser.Dimension)
            throw new ArgumentException($"The forbidden-class denoiser has dimension {forbidden.Dimension}, the denoiser {denoiser.Dimension}.", nameof(forbidden));
        Validate(lambda, pMin, pMax);
        this.forbidden = forbidden;
        this.probability = probability;
        Lambda = lambda;
        PMin = pMin;
        PMax = pMax;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value unless λ ≥ 0 (finite) and 0 ≤ p_min &lt; p_max &lt; 1.</summary>
    public static void Validate(double lambda, double pMin, double pMax)
    {
        if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "The guidance scale λ must be finite and ≥ 0.");
        if (!(pMin >= 0 && pMin < 1)) throw new ArgumentOutOfRangeException(nameof(pMin), pMin, "p_min must lie in [0, 1).");
        if (!(pMax > 0 && pMax < 1)) throw new ArgumentOutOfRangeException(nameof(pMax), pMax, "p_max must lie in (0, 1).");
        if (!(pMin < pMax)) throw new ArgumentOutOfRangeException(nameof(pMin), pMin, $"p_min must be smaller than p_max (got p_min = {pMin}, p_max = {pMax}).");
    }

    /// <summary>Guidance scale λ.</summary>
    public double Lambda { get; }

    /// <summary>Lower clamp of p.</summary>
    public double PMin { get; }

    /// <summary>Upper clamp of p.</summary>
    public double PMax { get; }

    /// <summary>p of the last evaluation after clamping ([B] float64, detached copy), for observers and tests; null before the first.</summary>
    public double[]? LastProbability { get; private set; }

    /// <inheritdoc />
    public override Tensor Denoise(Tensor x, double t)
    {
        using var scope = NewDisposeScope();
        var d = Inner.Denoise(x, t).to_type(ScalarType.Float64);
        var dc = forbidden.Denoise(x, t).to_type(ScalarType.Float64);
        var p = probability.Probability(x, t, d, dc).to_type(ScalarType.Float64).clamp(PMin, PMax);
        LastProbability = p.data<double>().ToArray();
        var w = (p / (1 - p) * Lambda).unsqueeze(1);
        return (d - w * (dc - d)).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Only this decorator's own interfaces: the inner capabilities no longer describe D̃.</summary>
    public override T? Capability<T>() where T : class => this as T;
}
