using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Options of the class-entropy analysis (<see cref="ClassEntropyAnalysis"/>; Handke et al., arXiv 2506.10433; docs/theory.md §7.3–7.6).
/// Defaults: Euler–Maruyama on the backward SDE (the chain the online classifier needs), 256 trajectories, a uniform grid of 150 steps
/// with a 20-step log tail down to t_min = 0.01, T = max(3, t_S + 3).
/// </summary>
/// <param name="Sampler">Registered sampler; the online estimator needs a stochastic one (sde, ddpm, ddim with η &gt; 0).</param>
/// <param name="Samples">Trajectories S. Range: ≥ 2.</param>
/// <param name="Batch">Trajectories per batch (results do not depend on it). Range: ≥ 1.</param>
/// <param name="Steps">Uniform grid steps before the log tail. Range: ≥ 4.</param>
/// <param name="TailSteps">Log-uniform steps from min(0.2, T/2) down to t_min. Range: ≥ 1.</param>
/// <param name="TMin">Last grid time. Range: t_min &gt; 0.</param>
/// <param name="TMax">First grid time T (null: max(3, t_S + 3)). Range: T &gt; t_min.</param>
/// <param name="Online">Run the online Bayes classifier (stochastic samplers only).</param>
/// <param name="Immse">Run the I-MMSE estimator on forward-noised data.</param>
/// <param name="ImmseSamples">Data items per grid time for I-MMSE. Range: ≥ 2.</param>
/// <param name="DdimEta">DDIM's η.</param>
/// <param name="Seed">Run seed.</param>
/// <param name="StateInformation">(Off by default in the library, on in <c>diffdyn entropy</c>.) Measure the rate of H(X₀ | X_t) from the divergence of the score along the trajectories (docs/theory.md §7.7).</param>
/// <param name="Probes">Hutchinson probes per point for denoisers without an exact divergence. Range: ≥ 1.</param>
/// <param name="Symmetry">(Off by default in the library, on in <c>diffdyn entropy</c>.) Compute the symmetry-breaking time of the backward drift for the same denoiser (docs/theory.md §5).</param>
/// <param name="StripTrajectories">Trajectories whose x̂₀ are kept for the strip at the peak times (image data only; 0: none). Range: 0–32.</param>
public sealed record ClassEntropyOptions(SamplerKind Sampler = SamplerKind.EulerMaruyama, int Samples = 256, int Batch = 128, int Steps = 150,
    int TailSteps = 20, double TMin = 0.01, double? TMax = null, bool Online = true, bool Immse = true, int ImmseSamples = 256,
    double DdimEta = 0, long Seed = 0, bool StateInformation = false, int Probes = 4, bool Symmetry = false, int StripTrajectories = 6)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Samples < 2) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Need ≥ 2 trajectories (standard errors).");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "The batch must be ≥ 1.");
        if (Steps < 4) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Need ≥ 4 grid steps.");
        if (TailSteps < 1) throw new ArgumentOutOfRangeException(nameof(TailSteps), TailSteps, "Need ≥ 1 tail step.");
        if (!(TMin > 0) || !double.IsFinite(TMin)) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (TMax is double t && (!(t > TMin) || !double.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(TMax), t, $"T must be finite and > t_min = {TMin}.");
        if (ImmseSamples < 2) throw new ArgumentOutOfRangeException(nameof(ImmseSamples), ImmseSamples, "Need ≥ 2 I-MMSE samples.");
        if (Probes < 1) throw new ArgumentOutOfRangeException(nameof(Probes), Probes, "Need ≥ 1 Hutchinson probe.");
        if (StripTrajectories is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(StripTrajectories), StripTrajectories, "The strip keeps 0–32 trajectories.");
        SamplerRegistry.Get(Sampler).ValidateEta(DdimEta);
        if (Online && !SamplerRegistry.Get(Sampler).IsStochastic(DdimEta))
            throw new ArgumentException($"The online Bayes classifier needs a stochastic sampler (sde, ddpm, or ddim with η > 0); got {SamplerRegistry.DisplayName(Sampler)}.", nameof(Online));
    }
}
