using DiffusionDynamics.Sampling;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Step observer that follows μ*(t) = argmin_μ |a^μ e^{−t} − x(t)| = argmin_μ |a^μ − x e^{t}| along each trajectory of a
/// batch and records t̂_C, the last (smallest) grid time at which it changed (Biroli et al. 2024, arXiv 2402.18491,
/// Sec. 5: collapse on trajectories). Optionally keeps copies of the states at chosen step indices. Progress comes from
/// <see cref="TrajectoryRunner"/>.
/// </summary>
public sealed class NearestPointTracker : IStepObserver, IDisposable
{
    private readonly NearestNeighbourIndex index;
    private readonly bool ownsIndex;
    private readonly long[] current;
    private readonly int[] keepIndices;

    /// <param name="trainingSet">A: [n, d].</param>
    /// <param name="batch">Trajectories B.</param>
    /// <param name="keepIndices">Step indices whose states x(t) are copied into <see cref="States"/>.</param>
    public NearestPointTracker(Tensor trainingSet, int batch, int[]? keepIndices = null)
        : this(new NearestNeighbourIndex(trainingSet), batch, keepIndices, ownsIndex: true)
    {
    }

    /// <param name="index">The training set's search index (shared; not disposed by the tracker).</param>
    /// <param name="batch">Trajectories B.</param>
    /// <param name="keepIndices">Step indices whose states x(t) are copied into <see cref="States"/>.</param>
    public NearestPointTracker(NearestNeighbourIndex index, int batch, int[]? keepIndices = null)
        : this(index, batch, keepIndices, ownsIndex: false)
    {
    }

    private NearestPointTracker(NearestNeighbourIndex index, int batch, int[]? keepIndices, bool ownsIndex)
    {
        this.index = index;
        this.ownsIndex = ownsIndex;
        current = Enumerable.Repeat(-1L, batch).ToArray();
        this.keepIndices = keepIndices ?? [];
        States = new Tensor[this.keepIndices.Length];
        LastChange = new double[batch];
    }

    /// <summary>States at the requested step indices (same order), detached copies owned by this tracker.</summary>
    public Tensor[] States { get; }

    /// <summary>t̂_C per trajectory.</summary>
    public double[] LastChange { get; }

    /// <summary>μ* at the last step seen.</summary>
    public IReadOnlyList<long> Current => current;

    public void OnStep(in StepRecord step)
    {
        int b = Array.IndexOf(keepIndices, step.Index);
        if (b >= 0) States[b] = step.X.detach().clone().DetachFromDisposeScope();
        using var rescaled = step.X * Math.Exp(step.T);
        var mu = index.Find(rescaled).Nearest;
        for (int i = 0; i < mu.Length; i++)
        {
            if (mu[i] != current[i]) LastChange[i] = step.T;
            current[i] = mu[i];
        }
    }

    public void Dispose()
    {
        foreach (var s in States) s?.Dispose();
        if (ownsIndex) index.Dispose();
    }
}
