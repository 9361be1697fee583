namespace DiffusionDynamics.Neural;

/// <summary>Outcome of <see cref="Trainer.Train"/>.</summary>
/// <param name="Steps">Steps completed (the run's total, including steps before a resume).</param>
/// <param name="FinalLoss">Bias-corrected exponential moving average of the per-step loss with factor 0.98
/// (an effective window of the last ~50 steps), carried across resumes through the checkpoint.</param>
/// <param name="Seconds">Wall time of this call.</param>
/// <param name="ParameterCount">Trainable parameters of the network.</param>
/// <param name="CheckpointPath">Path of the final checkpoint's checkpoint.json.</param>
public sealed record TrainingResult(int Steps, double FinalLoss, double Seconds, long ParameterCount, string CheckpointPath);
