using DiffusionDynamics.Random;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>A batch of samples in a batched run.</summary>
/// <param name="FirstId">Id of the batch's first sample (sample i uses stream (seed, i)).</param>
/// <param name="Count">Samples in the batch.</param>
/// <param name="Noise">The batch's per-sample noise source (positioned after the start's draws and the steps run).</param>
/// <param name="Grid">The grid the batch ran on (shorter than the request's for the Gaussian late starts).</param>
/// <param name="Indices">Training indices of a forward-marginal start (null otherwise).</param>
public sealed record TrajectoryBatch(long FirstId, int Count, NoiseSource Noise, TimeGrid Grid, long[]? Indices);

/// <summary>Receives the batches of <see cref="TrajectoryRunner.RunBatches"/>: an observer per batch, its final states and its clones.</summary>
public interface ITrajectoryHandler
{
    /// <summary>The observer of the batch's (parent) trajectories, or null. Called before the batch runs.</summary>
    IStepObserver? Observe(TrajectoryBatch batch) => null;

    /// <summary>The batch's final states ([B, d]: D(x(t_min)) with the final denoise). Valid during the call only.</summary>
    void OnFinal(TrajectoryBatch batch, Tensor final) { }

    /// <summary>
    /// The clones of branch index k: <paramref name="parents"/> = x(t_k) [B, d], <paramref name="clones"/> = their final states
    /// [B·K, d] (row b·K + c is clone c of parent b). Called after <see cref="OnFinal"/>, in the order of the branch indices given.
    /// Valid during the call only.
    /// </summary>
    void OnClones(TrajectoryBatch batch, int branchIndex, Tensor parents, Tensor clones) { }
}

/// <summary>An <see cref="ITrajectoryHandler"/> made of delegates, for handlers written inline at the call site.</summary>
public sealed class TrajectoryCallbacks : ITrajectoryHandler
{
    /// <summary>The observer of a batch (see <see cref="ITrajectoryHandler.Observe"/>).</summary>
    public Func<TrajectoryBatch, IStepObserver?>? Observe { get; init; }

    /// <summary>A batch's final states (see <see cref="ITrajectoryHandler.OnFinal"/>).</summary>
    public Action<TrajectoryBatch, Tensor>? OnFinal { get; init; }

    /// <summary>The clones of one branch index (see <see cref="ITrajectoryHandler.OnClones"/>).</summary>
    public Action<TrajectoryBatch, int, Tensor, Tensor>? OnClones { get; init; }

    IStepObserver? ITrajectoryHandler.Observe(TrajectoryBatch batch) => Observe?.Invoke(batch);

    void ITrajectoryHandler.OnFinal(TrajectoryBatch batch, Tensor final) => OnFinal?.Invoke(batch, final);

    void ITrajectoryHandler.OnClones(TrajectoryBatch batch, int branchIndex, Tensor parents, Tensor clones) =>
        OnClones?.Invoke(batch, branchIndex, parents, clones);
}
