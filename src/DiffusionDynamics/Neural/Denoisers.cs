using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Neural;

/// <summary>
/// The denoiser factory every command and analysis uses: the closed-form sources of Scores (<see cref="DenoiserFactory.Exact"/>)
/// plus trained-model folders (<see cref="TrainedModelFolder.Source"/>). It is composed here because Neural is the lowest part
/// allowed to see both Scores and the networks (Scores may not reference Neural). The imported-model source (ONNX, a later
/// issue) is added here with <see cref="DenoiserFactory.With"/>, or in its own part above Scores that composes this factory.
/// </summary>
public static class Denoisers
{
    /// <summary>Exact sources + trained models.</summary>
    public static DenoiserFactory Factory { get; } = DenoiserFactory.Exact.With(new TrainedModelFolder.Source());
}
