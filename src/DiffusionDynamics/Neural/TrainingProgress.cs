namespace DiffusionDynamics.Neural;

/// <summary>One progress report of <see cref="Trainer.Train"/>, every LogEvery steps.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps the run will reach.</param>
/// <param name="Loss">Mean loss over the steps since the previous report.</param>
/// <param name="StepsPerSecond">Throughput over the steps since the previous report.</param>
public readonly record struct TrainingProgress(int Step, int TotalSteps, double Loss, double StepsPerSecond);
