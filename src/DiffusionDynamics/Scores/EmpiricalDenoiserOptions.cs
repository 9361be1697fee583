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
public sealed record EmpiricalDenoiserOptions(Precision Precision = Precision.Float32, long MaxChunkElements = 1L << 24)
{
    internal ScalarType ScalarType => Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
}
