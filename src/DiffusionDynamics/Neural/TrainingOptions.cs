namespace DiffusionDynamics.Neural;

/// <summary>
/// Denoising score matching in the OU clock (docs/theory.md §2): x_t = e^{−t} a + √Δ_t z, Δ_t = 1 − e^{−2t}.
/// </summary>
/// <param name="Steps">Total optimizer steps (a resumed run continues up to this). Range: ≥ 1. Default 4000.</param>
/// <param name="BatchSize">Examples per step B. Range: ≥ 1. Default 128.</param>
/// <param name="LearningRate">Adam learning rate. Range: &gt; 0. Default 1e-3.</param>
/// <param name="EmaDecay">Decay β of the exponential moving average of the weights, θ̄ ← β_k θ̄ + (1 − β_k) θ after step k,
/// with the usual warm-up β_k = min(β, (1 + k)/(10 + k)) so that short runs are not dominated by the initial weights.
/// Range: [0, 1). Default 0.999.</param>
/// <param name="TimeSampling">Distribution of t on [TMin, TMax]. Default log-uniform.</param>
/// <param name="TMin">Smallest training time. Range: &gt; 0, &lt; TMax. Default 1e-3.</param>
/// <param name="TMax">Largest training time. Default 10 (e^{−10} ≈ 4.5e−5: pure noise).</param>
/// <param name="Weighting">Loss weight λ(t). Default ε-MSE.</param>
/// <param name="CheckpointEvery">Checkpoint every this many steps (and at the end). Range: ≥ 1. Default 500.</param>
/// <param name="LogEvery">One line of train-log.jsonl and one progress report every this many steps (the loss figure draws every line). Range: ≥ 1. Default 10.</param>
/// <param name="GradClip">Maximum global L2 norm of the gradient; 0 disables clipping. Range: ≥ 0. Default 1.</param>
/// <param name="Seed">Seed of the initial weights and of the per-step streams Xoshiro.ForStream(Seed, step). Default 0.</param>
public sealed record TrainingOptions(int Steps = 4000, int BatchSize = 128, double LearningRate = 1e-3, double EmaDecay = 0.999,
    TimeSampling TimeSampling = TimeSampling.LogUniform, double TMin = 1e-3, double TMax = 10.0, LossWeighting Weighting = LossWeighting.Epsilon,
    int CheckpointEvery = 500, int LogEvery = 10, double GradClip = 1.0, long Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"TrainingOptions.Steps must be ≥ 1 (got {Steps}).", nameof(Steps));
        if (BatchSize < 1) throw new ArgumentException($"TrainingOptions.BatchSize must be ≥ 1 (got {BatchSize}).", nameof(BatchSize));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"TrainingOptions.LearningRate must be finite and > 0 (got {LearningRate}).", nameof(LearningRate));
        if (!(EmaDecay >= 0 && EmaDecay < 1))
            throw new ArgumentException($"TrainingOptions.EmaDecay must lie in [0, 1) (got {EmaDecay}).", nameof(EmaDecay));
        if (!(TMin > 0) || !double.IsFinite(TMin))
            throw new ArgumentException($"TrainingOptions.TMin must be finite and > 0 (got {TMin}).", nameof(TMin));
        if (!double.IsFinite(TMax) || !(TMin < TMax))
            throw new ArgumentException($"TrainingOptions needs TMin < TMax, both finite (got TMin = {TMin}, TMax = {TMax}).", nameof(TMax));
        if (!Enum.IsDefined(TimeSampling)) throw new ArgumentException($"Unknown time sampling {TimeSampling}.", nameof(TimeSampling));
        if (!Enum.IsDefined(Weighting)) throw new ArgumentException($"Unknown loss weighting {Weighting}.", nameof(Weighting));
        if (CheckpointEvery < 1)
            throw new ArgumentException($"TrainingOptions.CheckpointEvery must be ≥ 1 (got {CheckpointEvery}).", nameof(CheckpointEvery));
        if (LogEvery < 1) throw new ArgumentException($"TrainingOptions.LogEvery must be ≥ 1 (got {LogEvery}).", nameof(LogEvery));
        if (!(GradClip >= 0) || !double.IsFinite(GradClip))
            throw new ArgumentException($"TrainingOptions.GradClip must be finite and ≥ 0 (got {GradClip}).", nameof(GradClip));
    }
}
