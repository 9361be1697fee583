using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Options of the negative-guidance experiment (<see cref="NegativeGuidanceExperiment"/>; Koulischer et al., ICLR 2025, arXiv 2410.14398;
/// docs/theory.md §7.7–7.8). Defaults: λ = 1 and temperature 1, offset 0 (exact Bayes: with the true posterior, λ = 1 removes the class
/// exactly); the prior of the tracked p is the forbidden class's prior π_c (null) — the paper tunes it per model; clamp [p_min, p_max] =
/// [10⁻⁶, 0.99] as in the reference code. Static negative prompting uses the constant p = ½ (weight λ, ε̃ = ε − λ(ε_c − ε)).
/// </summary>
/// <param name="Forbidden">The class to avoid (a label of the data).</param>
/// <param name="Lambda">Guidance scale λ of the main comparison. Range: λ ≥ 0.</param>
/// <param name="Sweep">Further λ values for the trade-off curve (static and dynamic each). Range: each ≥ 0.</param>
/// <param name="Temperature">τ of the online update. Range: τ &gt; 0.</param>
/// <param name="Offset">δ of the online update (added to −τ·Δ‖·‖² before dividing by 2s²).</param>
/// <param name="Prior">Initial tracked p (null: π_c). Range: (0, 1).</param>
/// <param name="PMin">Lower clamp of p. Range: 0 ≤ p_min &lt; p_max.</param>
/// <param name="PMax">Upper clamp of p. Range: p_min &lt; p_max &lt; 1.</param>
/// <param name="Sampler">A stochastic registered sampler (sde, ddpm, ddim with η &gt; 0).</param>
/// <param name="Samples">Samples per mode (each guided sample has its unguided twin). Range: ≥ 2.</param>
/// <param name="Batch">Samples per batch. Range: ≥ 1.</param>
/// <param name="Steps">Uniform grid steps. Range: ≥ 4.</param>
/// <param name="TailSteps">Log-spaced steps below t = 0.2. Range: ≥ 1.</param>
/// <param name="TMin">Last grid time. Range: &gt; 0.</param>
/// <param name="TMax">First grid time (null: 5). Range: &gt; t_min.</param>
/// <param name="DdimEta">DDIM's η.</param>
/// <param name="Seed">Run seed (the same per-sample noise in every mode).</param>
public sealed record NegativeGuidanceOptions(int Forbidden, double Lambda = 1, double[]? Sweep = null, double Temperature = 1, double Offset = 0,
    double? Prior = null, double PMin = 1e-6, double PMax = 0.99, SamplerKind Sampler = SamplerKind.EulerMaruyama, int Samples = 128, int Batch = 128,
    int Steps = 100, int TailSteps = 20, double TMin = 0.01, double? TMax = null, double DdimEta = 0, long Seed = 0)
{
    /// <summary>The default sweep: λ ∈ {0.5, 2} beside the main λ (seven runs: a default run on builtin:fashion10 stays under two minutes on two cores).</summary>
    public static readonly double[] DefaultSweep = [0.5, 2];

    /// <summary>Every λ run (main first, then the sweep, distinct).</summary>
    public double[] Lambdas => new[] { Lambda }.Concat(Sweep ?? DefaultSweep).Distinct().ToArray();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        NegativeGuidance.Validate(Lambda, PMin, PMax);
        foreach (var l in Sweep ?? []) if (!(l >= 0) || double.IsInfinity(l)) throw new ArgumentOutOfRangeException(nameof(Sweep), l, "Every λ of the sweep must be finite and ≥ 0.");
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be finite and > 0.");
        if (!double.IsFinite(Offset)) throw new ArgumentOutOfRangeException(nameof(Offset), Offset, "The offset must be finite.");
        if (Prior is double p && !(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(Prior), p, "The prior must lie in (0, 1).");
        if (Samples < 2) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Need ≥ 2 samples.");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "The batch must be ≥ 1.");
        if (Steps < 4) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Need ≥ 4 steps.");
        if (TailSteps < 1) throw new ArgumentOutOfRangeException(nameof(TailSteps), TailSteps, "Need ≥ 1 tail step.");
        if (!(TMin > 0) || !double.IsFinite(TMin)) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (TMax is double t && (!(t > TMin) || !double.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(TMax), t, $"T must be finite and > t_min = {TMin}.");
        var method = SamplerRegistry.Get(Sampler);
        method.ValidateEta(DdimEta);
        if (!method.IsStochastic(DdimEta))
            throw new ArgumentException($"Dynamic negative guidance tracks p along a stochastic chain: choose sde, ddpm, or ddim with η > 0 (got {method.DisplayName}).", nameof(Sampler));
    }
}
