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
/// Certified pruning of the posterior in <see cref="EmpiricalDenoiser.Denoise(TorchSharp.torch.Tensor, double)"/> (docs/theory.md §10.7): each row
/// drops the column blocks whose weights are all provably below ε/n of its largest, so the posterior mass dropped from every sample is ≤ ε (the
/// bound actually achieved, round-off included, is computed at every call: <see cref="EmpiricalDenoiser.LastDroppedMass"/>). The logits are
/// exact; a row's result depends on that row alone, bit for bit, in any batch. Default 0: the dense path. Off by default because on image
/// data it saves little and costs a few per cent where nothing drops (README, Performance); <see cref="CertifiedTolerance"/> = 1e-7 is the
/// value to pass where the posterior concentrates on few blocks. Range: [0, 1).
/// </param>
/// <param name="PruneComponents">
/// k &gt; 0 adds a first stage: a projection bound on the top-k principal directions (its product costs (k + 1)/d of the exact one) that skips
/// whole logits where a probe shows it can; it pays only for data whose spectrum decays fast (on Fashion-MNIST it bites only below t ≈ 0.05)
/// and gives up bitwise batch independence (the certified bound still holds). Default 0 (off). Range: ≥ 0.
/// </param>
/// <param name="PruneMinCount">
/// Fewest training points n for which <paramref name="PruneTolerance"/> takes effect. Below it the dense path runs, bit for bit: the second
/// product is split into blocks of <see cref="EmpiricalDenoiser.ColumnBlock"/> points, and with fewer than 8 blocks a batch of random queries
/// almost never leaves one unused, while the split itself costs ≈ 10 % of a call at n = 2,000 (README, Performance). Default 4096. Range: ≥ 2.
/// </param>
public sealed record EmpiricalDenoiserOptions(Precision Precision = Precision.Float32, long MaxChunkElements = 1L << 24,
    double PruneTolerance = 0, int PruneComponents = 0, int PruneMinCount = 4096)
{
    /// <summary>The certified bound on the posterior mass dropped per sample to pass when pruning is wanted.</summary>
    public const double CertifiedTolerance = 1e-7;

    /// <summary>The same options with pruning off (the dense path, bit for bit).</summary>
    public EmpiricalDenoiserOptions Exact => this with { PruneTolerance = 0 };

    internal ScalarType ScalarType => Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
}
