using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// Shorthands over <see cref="SamplerRegistry"/> and <see cref="TrajectoryRunner"/> for one batch (kept for tests, benchmarks and
/// short scripts; analyses call the runner with a <see cref="TrajectoryRequest"/>). A sampler runs from the grid's first time T down to
/// its last time t_min &gt; 0 (docs/theory.md §3); with <c>finalDenoise</c> the output is D(x(t_min), t_min), the posterior-mean jump to t = 0.
/// </summary>
public static class Samplers
{
    /// <summary>True for the samplers that draw noise at each step: Euler–Maruyama, DDPM ancestral, and DDIM with η &gt; 0.</summary>
    public static bool IsStochastic(SamplerKind kind, double ddimEta = 0) => SamplerRegistry.Get(kind).IsStochastic(ddimEta);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 ≤ η ≤ 1, and unless η = 0 for samplers other than DDIM.</summary>
    public static void ValidateEta(SamplerKind kind, double ddimEta) => SamplerRegistry.Get(kind).ValidateEta(ddimEta);

    /// <summary>Denoiser evaluations per grid step (<see cref="SamplerMethod.EvaluationsPerStep"/>): 2 for Heun, 1 for the others.</summary>
    public static int EvaluationsPerStep(SamplerKind kind) => SamplerRegistry.Get(kind).EvaluationsPerStep;

    /// <summary>NFE of a run of <paramref name="steps"/> grid steps: steps · <see cref="EvaluationsPerStep"/> (+1 for the final denoise).</summary>
    public static int DenoiserEvaluations(SamplerKind kind, int steps, bool finalDenoise = true) =>
        SamplerRegistry.Get(kind).DenoiserEvaluations(steps, finalDenoise);

    /// <summary>One DDIM (η = 0) step from t to s: <see cref="SamplerSteps.DdimDeterministic"/>.</summary>
    public static Tensor DdimStep(Tensor x, Tensor denoised, double t, double s) => SamplerSteps.DdimDeterministic(x, denoised, t, s);

    /// <summary>The DDIM-η step from t to s: <see cref="SamplerSteps.DdimEta"/>.</summary>
    public static Tensor DdimEtaStep(Tensor x, Tensor denoised, Tensor z, double t, double s, double eta) =>
        SamplerSteps.DdimEta(x, denoised, z, t, s, eta);

    /// <summary>Runs <paramref name="kind"/> over the whole grid (<see cref="TrajectoryRunner.Run"/>). x: [B, d] at grid.Times[0] (not modified).</summary>
    public static Tensor Run(SamplerKind kind, IDenoiser denoiser, Tensor x, TimeGrid grid, NoiseSource? noise = null,
        IStepObserver? observer = null, bool finalDenoise = true, CancellationToken cancellationToken = default, double ddimEta = 0)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Run(kind, denoiser, x, grid, 0, grid.Steps, noise, observer, finalDenoise, cancellationToken, ddimEta);
    }

    /// <summary>Runs grid steps fromIndex → toIndex (<see cref="TrajectoryRunner.Run"/> with <see cref="TrajectoryRequest.FromIndex"/>/<see cref="TrajectoryRequest.ToIndex"/>).</summary>
    public static Tensor Run(SamplerKind kind, IDenoiser denoiser, Tensor x, TimeGrid times, int fromIndex, int toIndex,
        NoiseSource? noise = null, IStepObserver? observer = null, bool finalDenoise = true, CancellationToken cancellationToken = default,
        double ddimEta = 0)
    {
        ArgumentNullException.ThrowIfNull(times);
        var request = new TrajectoryRequest(kind) { DdimEta = ddimEta, FinalDenoise = finalDenoise, FromIndex = fromIndex, ToIndex = toIndex };
        return TrajectoryRunner.Run(denoiser, request, times, x, noise, observer, null, cancellationToken);
    }
}
