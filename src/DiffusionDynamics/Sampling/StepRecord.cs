using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// What an observer sees at each grid time: the state X = x(T) before stepping to <see cref="TNext"/>, and
/// the denoiser's estimate D(X, T) used by that step. The last record of a run has
/// <see cref="IsFinal"/> = true, T = the grid's last time and TNext = 0, X the final state and Denoised =
/// D(X, T) (the sampler's output when it ends with a denoising step).
/// Tensors are valid only during the callback: clone what you keep.
/// </summary>
/// <param name="Index">Step index k (0 at the first grid time).</param>
/// <param name="T">OU time of X.</param>
/// <param name="TNext">OU time after this step (0 for the final record).</param>
/// <param name="X">State x(T): [B, d].</param>
/// <param name="Denoised">D(x(T), T): [B, d].</param>
/// <param name="IsFinal">True for the record after the last step.</param>
public readonly record struct StepRecord(int Index, double T, double TNext, Tensor X, Tensor Denoised, bool IsFinal);

/// <summary>Receives every step of a sampler run (recording, probes, progress).</summary>
public interface IStepObserver
{
    /// <summary>Called once per grid time, in order.</summary>
    void OnStep(in StepRecord step);
}
