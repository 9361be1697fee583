using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>Numerical precision of a denoiser's internal arithmetic.</summary>
public enum Precision
{
    /// <summary>float32 GEMMs (default: twice the throughput; softmax is max-subtracted so it stays stable).</summary>
    Float32,
    /// <summary>float64 throughout (reference computations, tests, very small t).</summary>
    Float64,
}

/// <summary>Options of <see cref="EmpiricalDenoiser"/>.</summary>
/// <param name="Precision">Arithmetic precision. Default float32.</param>
/// <param name="MaxChunkElements">
/// Upper bound on B × chunk, the size of one logits block; n is processed in chunks of
/// ⌊MaxChunkElements / B⌋ rows with an online (streaming) softmax, so memory stays O(n·d + B·chunk).
/// Default 2²⁴ (64 MB of float32). Range: ≥ 1.
/// </param>
/// <param name="PruneTolerance">
/// Certified pruning of the posterior in <see cref="EmpiricalDenoiser.Denoise(TorchSharp.torch.Tensor, double)"/> (docs/theory.md §10.7): training
/// points whose weight is provably below ε/n of a kept point's are skipped, so the dropped posterior mass of every sample is ≤ ε (the bound
/// actually achieved is computed at every call, <see cref="EmpiricalDenoiser.LastDroppedMass"/>). 0: the dense path, bit for bit. Default 0 (off):
/// on Fashion-MNIST (d = 784) the k = 32 projection bound is too loose to drop anything, and the failed attempt cost up to 2× the dense
/// call (bench/README-performance.md); <see cref="CertifiedTolerance"/> = 1e-7 is the value to pass where the data have a fast-decaying spectrum.
/// Range: [0, 1).
/// </param>
/// <param name="PruneComponents">Principal directions k of the pruning index (the bound's product costs (k + 1)/d of the exact one). Range: ≥ 1.</param>
public sealed record EmpiricalDenoiserOptions(Precision Precision = Precision.Float32, long MaxChunkElements = 1L << 24,
    double PruneTolerance = 0, int PruneComponents = 32)
{
    /// <summary>The certified bound on the dropped posterior mass per sample to use when pruning is wanted.</summary>
    public const double CertifiedTolerance = 1e-7;

    /// <summary>The same options with pruning off (the dense path, bit for bit).</summary>
    public EmpiricalDenoiserOptions Exact => this with { PruneTolerance = 0 };

    internal ScalarType ScalarType => Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
}
