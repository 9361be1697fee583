namespace DiffusionDynamics.Analysis;

/// <summary>Monte-Carlo settings of <see cref="ExplainedVariance"/>.</summary>
/// <param name="Samples">Draws x ~ P_t per time. Default 256 (SE of EV ≈ a few 10⁻³ where EV ≈ 1 on the built-in data). Range: ≥ 2.</param>
/// <param name="Batch">Draws per denoiser call (results do not depend on it). Default 256. Range: ≥ 1.</param>
/// <param name="Seed">Draw i uses stream (seed, i) at every time: the same a^μ and z for every t and every approximation.</param>
public sealed record ExplainedVarianceOptions(int Samples = 256, int Batch = 256, long Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first out-of-range value.</summary>
    public void Validate()
    {
        if (Samples < 2) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Samples must be ≥ 2.");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be ≥ 1.");
    }
}
