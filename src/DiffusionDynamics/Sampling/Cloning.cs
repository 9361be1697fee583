using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>The outcome of a cloning run.</summary>
/// <param name="BranchTime">OU time t at which trajectories were copied.</param>
/// <param name="Parents">States x(t) at the branch: [B, d].</param>
/// <param name="Clones">Final samples of the clones: [B, K, d] (clone c of parent b at [b, c]).</param>
public sealed record CloningResult(double BranchTime, Tensor Parents, Tensor Clones) : IDisposable
{
    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Parents.Dispose();
        Clones.Dispose();
    }
}

/// <summary>
/// Cloning (Biroli et al. 2024, arXiv 2402.18491, Sec. 4): run a batch from T to the branch time t, copy each
/// trajectory into K clones and continue them to the end with independent noise. With the SDE, the
/// probability that clones end in the same class is φ(t) (speciation); in the same training point, φ_C(t).
/// </summary>
public static class Cloning
{
    /// <summary>Runs the cloning experiment with the branch at grid index <paramref name="branchIndex"/>.</summary>
    /// <param name="xStart">x(T): [B, d] at grid.Times[0].</param>
    /// <param name="noise">The parents' per-sample noise ([B, d]); clones get streams derived from it.</param>
    /// <param name="clones">K ≥ 1 clones per parent (K = 2 for φ).</param>
    public static CloningResult Run(IDenoiser denoiser, Tensor xStart, TimeGrid grid, int branchIndex, int clones,
        NoiseSource noise, SamplerKind kind = SamplerKind.EulerMaruyama, bool finalDenoise = true,
        IStepObserver? cloneObserver = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(noise);
        if (branchIndex < 0 || branchIndex > grid.Steps)
            throw new ArgumentOutOfRangeException(nameof(branchIndex), branchIndex, $"Branch index must be in [0, {grid.Steps}].");
        if (clones < 1) throw new ArgumentOutOfRangeException(nameof(clones), clones, "Clones must be ≥ 1.");
        int last = grid.Steps;
        var parents = branchIndex == 0
            ? xStart.clone()
            : Samplers.Run(kind, denoiser, xStart, grid, 0, branchIndex, noise, null, finalDenoise, cancellationToken);
        long batch = parents.shape[0], d = parents.shape[1];
        var cloneNoise = noise.Branch(clones);
        using var copies = parents.repeat_interleave(clones, 0, null);
        Tensor final = branchIndex == last
            ? (finalDenoise ? denoiser.Denoise(copies, grid[last]) : copies.clone())
            : Samplers.Run(kind, denoiser, copies, grid, branchIndex, last, cloneNoise, cloneObserver, finalDenoise, cancellationToken);
        var shaped = final.reshape(batch, clones, d);
        return new CloningResult(grid[branchIndex], parents, shaped);
    }
}
