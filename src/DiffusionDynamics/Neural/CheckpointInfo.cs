namespace DiffusionDynamics.Neural;

/// <summary>
/// The description stored in checkpoint.json: architecture, training options, steps done, the training set it
/// was fitted to (name, n, d, item shape, preprocessing record) and the running loss average.
/// </summary>
/// <param name="Network">Architecture of the network.</param>
/// <param name="Training">Training options of the run (Steps is the target of the run that wrote it).</param>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="DataName">Dataset name.</param>
/// <param name="N">Number of training items n.</param>
/// <param name="D">Dimension d.</param>
/// <param name="ItemShape">Shape of one item.</param>
/// <param name="Preprocessing">The dataset's preprocessing record, in order.</param>
/// <param name="LossAccumulator">Uncorrected EMA of the per-step loss, a ← 0.98 a + 0.02 loss, from a = 0 at step 0.</param>
public sealed record CheckpointInfo(NetworkOptions Network, TrainingOptions Training, int Step, string DataName, int N, int D,
    int[] ItemShape, string[] Preprocessing, double LossAccumulator)
{
    /// <summary>Factor of the loss EMA (effective window ~50 steps).</summary>
    internal const double LossEmaFactor = 0.98;

    /// <summary>Bias-corrected loss EMA a / (1 − 0.98^Step) (NaN before the first step).</summary>
    public double Loss => Step == 0 ? double.NaN : LossAccumulator / (1 - Math.Pow(LossEmaFactor, Step));
}
