using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// Stateless integrators of the backward dynamics, run from the grid's first time T down to its last time
/// t_min &gt; 0 (science.md §3; Biroli et al. 2024, arXiv 2402.18491). A sampler is a function of
/// (denoiser, x(T), grid, noise, observer); the grid's last time is where the score stops being evaluated,
/// and with <c>finalDenoise</c> the output is D(x(t_min), t_min), the posterior-mean jump to t = 0.
/// </summary>
public static class Samplers
{
    /// <summary>Runs <paramref name="kind"/> over the whole grid. x: [B, d] at time grid.Times[0] (not modified).</summary>
    /// <param name="noise">Per-sample noise; required for <see cref="SamplerKind.EulerMaruyama"/>, ignored by the ODEs.</param>
    public static Tensor Run(SamplerKind kind, IDenoiser denoiser, Tensor x, TimeGrid grid, NoiseSource? noise = null,
        IStepObserver? observer = null, bool finalDenoise = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Run(kind, denoiser, x, grid, 0, grid.Steps, noise, observer, finalDenoise, cancellationToken);
    }

    /// <summary>
    /// Runs grid steps fromIndex → toIndex (grid[fromIndex] down to grid[toIndex]). The final record and the
    /// optional denoising jump happen only when <paramref name="toIndex"/> is the grid's last index.
    /// </summary>
    public static Tensor Run(SamplerKind kind, IDenoiser denoiser, Tensor x, TimeGrid times, int fromIndex, int toIndex,
        NoiseSource? noise = null, IStepObserver? observer = null, bool finalDenoise = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(times);
        if (fromIndex < 0 || toIndex > times.Steps || fromIndex > toIndex)
            throw new ArgumentOutOfRangeException(nameof(fromIndex), $"Step range [{fromIndex}, {toIndex}] is outside the grid [0, {times.Steps}].");
        if (x.dim() != 2 || x.shape[1] != denoiser.Dimension)
            throw new ArgumentException($"x must have shape [B, {denoiser.Dimension}], got [{string.Join(", ", x.shape)}].", nameof(x));
        if (kind == SamplerKind.EulerMaruyama)
        {
            if (noise is null) throw new ArgumentException("The SDE sampler needs a noise source.", nameof(noise));
            if (noise.Batch != x.shape[0] || noise.Dimension != x.shape[1])
                throw new ArgumentException($"Noise source is [{noise.Batch}, {noise.Dimension}] but x is [{x.shape[0]}, {x.shape[1]}].", nameof(noise));
        }
        bool isLast = toIndex == times.Steps;
        using var noiseBuffer = kind == SamplerKind.EulerMaruyama ? torch.empty(x.shape, dtype: x.dtype) : null;
        var state = x.clone();
        for (int k = fromIndex; k < toIndex; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double t = times[k], tNext = times[k + 1], h = t - tNext;
            var denoised = denoiser.Denoise(state, t);
            observer?.OnStep(new StepRecord(k, t, tNext, state, denoised, false));
            var score = Score.FromDenoised(state, denoised, t);
            Tensor next;
            switch (kind)
            {
                case SamplerKind.EulerMaruyama:
                    // Euler–Maruyama step: x + h(x + 2s) + √(2h) η.
                    noise!.Fill(noiseBuffer!);
                    next = state + (state + score * 2.0) * h + noiseBuffer! * Math.Sqrt(2.0 * h);
                    break;
                case SamplerKind.OdeEuler:
                    next = state + (state + score) * h;
                    break;
                case SamplerKind.OdeHeun:
                    // Euler predictor, then the trapezoid correction with the slope at (x̃, tNext).
                    var slope = state + score;
                    var predicted = state + slope * h;
                    var slopeNext = predicted + Score.Evaluate(denoiser, predicted, tNext);
                    next = state + (slope + slopeNext) * (0.5 * h);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sampler.");
            }
            state.Dispose();
            state = next.MoveToOuterDisposeScope();
        }

        if (!isLast) return state;
        double tLast = times[toIndex];
        if (!finalDenoise && observer is null) return state;
        using (var scope = NewDisposeScope())
        {
            var denoised = denoiser.Denoise(state, tLast);
            observer?.OnStep(new StepRecord(toIndex, tLast, 0.0, state, denoised, true));
            if (!finalDenoise) return state;
            state.Dispose();
            return denoised.MoveToOuterDisposeScope();
        }
    }
}
