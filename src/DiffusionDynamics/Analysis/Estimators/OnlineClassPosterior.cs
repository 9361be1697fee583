using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The online Bayes classifier along a stochastic chain (Koulischer et al., arXiv 2410.14398, Alg. 1; Handke et al., arXiv 2506.10433;
/// docs/theory.md §7.4). For a step x_t → x_s of the sampler with Gaussian kernel N(m(x_t), s² I) under D and N(m_c(x_t), s² I)
/// under D_c (<see cref="SamplerTransition.Kernel"/>: the sampler's own mean and the variance it actually injects):
/// <code>
///   ln p(c | path) ← ln p(c | path) + [ −τ (|x_s − m_c|² − |x_s − m|²) + δ ] / (2 s²)
/// </code>
/// with temperature τ and offset δ (1 and 0: plain Bayes). With every class tracked (<c>normalize</c>) the update is renormalized over the
/// classes (a Bayes filter with the discretized kernels); with one class (negative guidance) p is clamped to [p_min, p_max] instead,
/// as the paper does. Exact kernels would make p(c | path) = p(c | x_s) for any path (the forward chain is Markov), so the tracked
/// value follows the exact posterior up to the discretization of the kernels, whatever drove the chain (guided or not).
/// A chain starts (p = prior) on the first call, when t does not decrease, or when the batch size changes.
/// </summary>
public sealed class OnlineClassPosterior : IForbiddenClassProbability, IDisposable
{
    private readonly IDenoiser denoiser;
    private readonly IDenoiser[] conditionals;
    private readonly double[] logPriors;
    private readonly SamplerMethod method;
    private readonly double ddimEta, temperature, offset, pMin, pMax;
    private readonly bool normalize;
    private Tensor? logP, previousX, previousD;
    private Tensor[]? previousDc;
    private double previousT = double.NaN;

    /// <param name="denoiser">The unconditional D.</param>
    /// <param name="conditionals">The tracked classes' D_c.</param>
    /// <param name="priors">Initial p(c) per tracked class. Range: (0, 1).</param>
    /// <param name="sampler">The stochastic sampler that drives the chain.</param>
    /// <param name="normalize">Renormalize over the tracked classes (all classes tracked) instead of clamping.</param>
    /// <param name="ddimEta">DDIM's η (&gt; 0 for DDIM).</param>
    /// <param name="temperature">τ &gt; 0 (1: Bayes).</param>
    /// <param name="offset">δ (0: Bayes).</param>
    /// <param name="pMin">Clamp (unnormalized mode). Range: 0 ≤ p_min &lt; p_max ≤ 1.</param>
    /// <param name="pMax">Clamp (unnormalized mode).</param>
    public OnlineClassPosterior(IDenoiser denoiser, IReadOnlyList<IDenoiser> conditionals, IReadOnlyList<double> priors, SamplerKind sampler,
        bool normalize, double ddimEta = 0, double temperature = 1, double offset = 0, double pMin = 0, double pMax = 1)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(conditionals);
        ArgumentNullException.ThrowIfNull(priors);
        if (conditionals.Count < 1 || conditionals.Count != priors.Count)
            throw new ArgumentException($"Need ≥ 1 class-conditional denoiser and one prior each (got {conditionals.Count} and {priors.Count}).", nameof(conditionals));
        if (priors.Any(p => !(p > 0 && p < 1) && !(p == 1 && priors.Count == 1 && normalize))) throw new ArgumentOutOfRangeException(nameof(priors), "Priors must lie in (0, 1).");
        if (!(temperature > 0) || double.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and > 0.");
        if (!double.IsFinite(offset)) throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset must be finite.");
        if (!(pMin >= 0 && pMin < pMax && pMax <= 1)) throw new ArgumentOutOfRangeException(nameof(pMin), pMin, $"Need 0 ≤ p_min < p_max ≤ 1 (got p_min = {pMin}, p_max = {pMax}).");
        method = SamplerRegistry.Get(sampler);
        if (!method.IsStochastic(ddimEta) || method.NewMemory is not null)
            throw new ArgumentException($"The online posterior needs a stochastic one-step sampler (sde, ddpm, or ddim with η > 0); got {method.DisplayName}.", nameof(sampler));
        this.denoiser = denoiser;
        this.conditionals = conditionals.ToArray();
        logPriors = priors.Select(p => Math.Log(p)).ToArray();
        this.normalize = normalize;
        this.ddimEta = ddimEta;
        this.temperature = temperature;
        this.offset = offset;
        this.pMin = pMin;
        this.pMax = pMax;
    }

    /// <summary>
    /// Advances the chain to state x at time t and returns ln p(c | path) of the tracked classes: [B, K] float64 (caller's scope).
    /// <paramref name="denoised"/> = D(x, t) and <paramref name="denoisedClasses"/> = D_c(x, t) when the caller has them (else evaluated).
    /// </summary>
    public Tensor Update(Tensor x, double t, Tensor? denoised = null, IReadOnlyList<Tensor>? denoisedClasses = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        long batch = x.shape[0];
        Tensor result;
        using (var scope = NewDisposeScope())
        {
            var x64 = x.to_type(ScalarType.Float64);
            bool continues = logP is not null && previousX is not null && t < previousT && previousX.shape[0] == batch;
            Tensor next;
            if (!continues)
                next = torch.tensor(logPriors, dtype: ScalarType.Float64).unsqueeze(0).expand(batch, logPriors.Length).clone();
            else
            {
                var (mean, variance) = method.Kernel(denoiser, previousX!, previousD!, previousT, t, ddimEta);
                var far = (x64 - mean).square().sum(1);                                     // |x_s − m|²: [B]
                var columns = new Tensor[conditionals.Length];
                for (int c = 0; c < conditionals.Length; c++)
                {
                    var (meanC, _) = method.Kernel(conditionals[c], previousX!, previousDc![c], previousT, t, ddimEta);
                    columns[c] = ((x64 - meanC).square().sum(1) - far) * -temperature;
                }
                next = logP! + (torch.stack(columns, 1) + offset) / (2 * variance);
                next = normalize ? next.log_softmax(1) : next.clamp(Math.Log(Math.Max(pMin, 1e-300)), Math.Log(pMax));
            }
            var d = (denoised ?? denoiser.Denoise(x, t)).to_type(ScalarType.Float64);
            var dcs = conditionals.Select((cond, c) => (denoisedClasses?[c] ?? cond.Denoise(x, t)).to_type(ScalarType.Float64)).ToArray();
            Keep(ref logP, next);
            Keep(ref previousX, x64);
            Keep(ref previousD, d);
            if (previousDc is not null) foreach (var p in previousDc) p.Dispose();
            previousDc = dcs.Select(v => v.clone().DetachFromDisposeScope()).ToArray();
            previousT = t;
            result = next.clone().MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>p of the single tracked class (negative guidance): exp of <see cref="Update"/>'s column 0, [B] float64.</summary>
    public Tensor Probability(Tensor x, double t, Tensor denoised, Tensor denoisedForbidden)
    {
        using var scope = NewDisposeScope();
        return Update(x, t, denoised, conditionals.Length == 1 ? [denoisedForbidden] : null).select(1, 0).exp().MoveToOuterDisposeScope();
    }

    /// <summary>Forgets the chain (the next call starts from the priors).</summary>
    public void Reset()
    {
        Dispose();
        previousT = double.NaN;
    }

    private static void Keep(ref Tensor? slot, Tensor value)
    {
        slot?.Dispose();
        slot = value.clone().DetachFromDisposeScope();
    }

    /// <summary>Releases the kept state.</summary>
    public void Dispose()
    {
        logP?.Dispose(); logP = null;
        previousX?.Dispose(); previousX = null;
        previousD?.Dispose(); previousD = null;
        if (previousDc is not null) foreach (var p in previousDc) p.Dispose();
        previousDc = null;
    }
}
