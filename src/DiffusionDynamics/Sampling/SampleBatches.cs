namespace DiffusionDynamics.Sampling;

/// <summary>Samples of a batched run: how many, in which batches, from which run seed, started how, branching where.</summary>
/// <param name="Count">Samples (parent trajectories) S. Range: ≥ 1.</param>
/// <param name="Batch">Samples per batch; results do not depend on it (sample i always uses stream (Seed, i)). Range: ≥ 1.</param>
/// <param name="Seed">Run seed.</param>
public sealed record SampleBatches(int Count, int Batch = 256, long Seed = 0)
{
    /// <summary>Where each batch starts (default: x(T) ~ N(0, I)).</summary>
    public TrajectoryStart Start { get; init; } = TrajectoryStart.Noise;

    /// <summary>Where trajectories branch into clones (null: no clones).</summary>
    public BranchOptions? Branches { get; init; }

    /// <summary>Number of batches ⌈S / Batch⌉.</summary>
    public int Batches => (Count + Batch - 1) / Batch;
}
