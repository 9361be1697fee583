using DiffusionDynamics.Random;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// How a batch of trajectories is integrated: the registered sampler, DDIM's η, the final denoising jump, and the part of
/// the grid to run (grid indices <see cref="FromIndex"/> → <see cref="ToIndex"/>, default the whole grid).
/// </summary>
/// <param name="Sampler">The registered method (default: Euler–Maruyama, Biroli et al. 2024).</param>
public sealed record TrajectoryRequest(SamplerKind Sampler = SamplerKind.EulerMaruyama)
{
    /// <summary>DDIM's η ∈ [0, 1] (<see cref="SamplerSteps.DdimEta"/>; &gt; 0 makes DDIM stochastic); 0 for every other sampler.</summary>
    public double DdimEta { get; init; }

    /// <summary>End with the posterior-mean jump D(x(t_min), t_min) to t = 0 (only when the run reaches the grid's last index).</summary>
    public bool FinalDenoise { get; init; } = true;

    /// <summary>First grid index of the run (x is at grid[FromIndex]). Range: 0 ≤ FromIndex ≤ ToIndex.</summary>
    public int FromIndex { get; init; }

    /// <summary>Last grid index of the run (null: the grid's last index, with the final record and optional denoise).</summary>
    public int? ToIndex { get; init; }

    /// <summary>The registered method of <see cref="Sampler"/>.</summary>
    public SamplerMethod Method => SamplerRegistry.Get(Sampler);

    /// <summary>True when the run draws noise at each step (needs a <see cref="NoiseSource"/>).</summary>
    public bool IsStochastic => Method.IsStochastic(DdimEta);
}
