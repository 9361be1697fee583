using DiffusionDynamics.Scores;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// The inputs of one grid step from t down to s = <see cref="TNext"/> &lt; t (OU clock, docs/theory.md §3):
/// the state x_t, its denoised estimate D = D(x_t, t) (already evaluated by the runner, so observers see it) and, for
/// the stochastic methods, this step's N(0, I) draw z from the samples' own streams. All tensors: [B, d], valid during the step only.
/// </summary>
/// <param name="Denoiser">D(x, t), for methods that evaluate it again within the step (Heun's corrector).</param>
/// <param name="X">x_t: [B, d].</param>
/// <param name="Denoised">D(x_t, t): [B, d].</param>
/// <param name="T">OU time t of <paramref name="X"/>.</param>
/// <param name="TNext">OU time s &lt; t after the step.</param>
/// <param name="Noise">z ~ N(0, I): [B, d] for a stochastic step, null for a deterministic one.</param>
/// <param name="DdimEta">DDIM's η ∈ [0, 1] (0 for every other method).</param>
/// <param name="Scratch">A [B, d] work buffer of the run for an <see cref="InPlaceStepFunction"/> (null for a <see cref="StepFunction"/>).</param>
public readonly record struct StepInput(IDenoiser Denoiser, Tensor X, Tensor Denoised, double T, double TNext, Tensor? Noise, double DdimEta,
    Tensor? Scratch = null)
{
    /// <summary>Step size h = t − s &gt; 0.</summary>
    public double H => T - TNext;
}

/// <summary>
/// Per-run memory of a multistep method (e.g. DPM-Solver++(2M)'s previous D). Created fresh for every run by
/// <see cref="SamplerMethod.NewMemory"/>, so a step function stays a plain function of its inputs and this object; disposed by the runner.
/// </summary>
public interface ISamplerMemory : IDisposable;

/// <summary>One step of a sampler: x_s from the step's inputs (and the run's memory, for multistep methods).</summary>
/// <param name="step">The state, its denoised estimate, the times and the noise of this step.</param>
/// <param name="memory">The run's memory (null for one-step methods).</param>
/// <returns>x_s: [B, d], allocated in the caller's dispose scope.</returns>
public delegate Tensor StepFunction(in StepInput step, ISamplerMemory? memory);

/// <summary>
/// The same step as a method's <see cref="StepFunction"/>, fused into the run's buffers: overwrites <see cref="StepInput.X"/> with x_s
/// and may overwrite <see cref="StepInput.Denoised"/>, <see cref="StepInput.Noise"/> and <see cref="StepInput.Scratch"/> (all owned by
/// the runner, used once per step). It must give the same bits as the method's <see cref="StepFunction"/> and allocate nothing of size [B, d].
/// </summary>
public delegate void InPlaceStepFunction(in StepInput step, ISamplerMemory? memory);

/// <summary>
/// A registered sampler: its identity (<see cref="Kind"/>, used in options records and JSON), its CLI token, its display
/// name, its cost and order, and its step function. Registered once in <see cref="SamplerRegistry"/>.
/// </summary>
/// <param name="Kind">The enum identity.</param>
/// <param name="Token">CLI token (e.g. <c>sde</c>, <c>ode-heun</c>, <c>dpm2m</c>).</param>
/// <param name="DisplayName">Name in reports and figures (e.g. "DPM-Solver++(2M)").</param>
/// <param name="EvaluationsPerStep">Denoiser evaluations per grid step (NFE/step). Range: ≥ 1.</param>
/// <param name="Order">Order of convergence in the step size (deterministic methods; weak order for the stochastic ones).</param>
/// <param name="Stochastic">True when every step draws noise (Euler–Maruyama, DDPM ancestral).</param>
/// <param name="TakesEta">True for DDIM: η &gt; 0 makes it stochastic (<see cref="IsStochastic"/>).</param>
/// <param name="Step">The step function.</param>
/// <param name="NewMemory">Creates the per-run memory of a multistep method; null for one-step methods.</param>
/// <param name="StepInPlace">The step fused into the runner's buffers (same bits as <paramref name="Step"/>), used by <see cref="TrajectoryRunner"/>
/// where present; null: the runner calls <paramref name="Step"/>.</param>
public sealed record SamplerMethod(SamplerKind Kind, string Token, string DisplayName, int EvaluationsPerStep, int Order,
    bool Stochastic, bool TakesEta, StepFunction Step, Func<ISamplerMemory>? NewMemory = null, InPlaceStepFunction? StepInPlace = null)
{
    /// <summary>True when a run draws noise at each step: <see cref="Stochastic"/>, or DDIM with η &gt; 0.</summary>
    public bool IsStochastic(double ddimEta = 0) => Stochastic || (TakesEta && ddimEta > 0);

    /// <summary>NFE of a run of <paramref name="steps"/> grid steps: steps · <see cref="EvaluationsPerStep"/> (+1 for the final denoise). Range: steps ≥ 0.</summary>
    public int DenoiserEvaluations(int steps, bool finalDenoise = true)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be ≥ 0.");
        return steps * EvaluationsPerStep + (finalDenoise ? 1 : 0);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (parameter <c>ddimEta</c>) unless 0 ≤ η ≤ 1, and unless η = 0 for methods other than DDIM.</summary>
    public void ValidateEta(double ddimEta)
    {
        if (!(ddimEta >= 0 && ddimEta <= 1)) throw new ArgumentOutOfRangeException(nameof(ddimEta), ddimEta, "DDIM's η must lie in [0, 1] (0: deterministic DDIM, 1: DDPM's posterior noise).");
        if (ddimEta > 0 && !TakesEta) throw new ArgumentOutOfRangeException(nameof(ddimEta), ddimEta, $"η applies to the DDIM sampler only (got {Kind}).");
    }
}
