using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Neural;

/// <summary>
/// The denoiser factory every command and analysis uses: the closed-form sources of Scores (<see cref="DenoiserFactory.Exact"/>)
/// plus trained-model folders (<see cref="TrainedModelFolder.Source"/>) and imported ONNX models (<see cref="OnnxDenoiserSource"/>, which lives in Scores). It is composed here because Neural is the lowest part
/// allowed to see both Scores and the networks (Scores may not reference Neural).
/// </summary>
public static class Denoisers
{
    /// <summary>Exact sources + trained models + imported ONNX models (<see cref="OnnxDenoiserSource"/>).</summary>
    public static DenoiserFactory Factory { get; } = DenoiserFactory.Exact.With(new TrainedModelFolder.Source()).With(new OnnxDenoiserSource());
}
