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
/// points whose weight is provably below ε/n of the largest are left out, so the posterior mass dropped from every sample is ≤ ε (the bound
/// actually achieved, round-off included, is computed at every call: <see cref="EmpiricalDenoiser.LastDroppedMass"/>). Two stages: where a
/// projection bound can rule points out, their logits are never computed; otherwise the logits are exact and only the second product
/// W·A skips the negligible points. 0: the dense path, bit for bit. Default <see cref="CertifiedTolerance"/> = 1e-7. Range: [0, 1).
/// </param>
/// <param name="PruneComponents">Principal directions k of the pruning index (the bound's product costs (k + 1)/d of the exact one). Range: ≥ 1.</param>
public sealed record EmpiricalDenoiserOptions(Precision Precision = Precision.Float32, long MaxChunkElements = 1L << 24,
    double PruneTolerance = 1e-7, int PruneComponents = 32)
{
    /// <summary>The default certified bound on the posterior mass dropped per sample.</summary>
    public const double CertifiedTolerance = 1e-7;

    /// <summary>The same options with pruning off (the dense path, bit for bit).</summary>
    public EmpiricalDenoiserOptions Exact => this with { PruneTolerance = 0 };

    internal ScalarType ScalarType => Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
}
