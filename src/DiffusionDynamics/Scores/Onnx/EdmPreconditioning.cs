using System.Text.Json.Serialization;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// Which part of the EDM preconditioning (Karras et al. 2022, arXiv 2206.00364, Table 1 and Eq. 7) an EDM-σ graph
/// contains (docs/theory.md §9):
/// <code>
///   D(x_σ; σ) = c_skip(σ) x_σ + c_out(σ) F(c_in(σ) x_σ; c_noise(σ))
///   c_skip = σ_data²/(σ² + σ_data²),  c_out = σ σ_data/√(σ² + σ_data²),  c_in = 1/√(σ² + σ_data²),  c_noise = ¼ ln σ
/// </code>
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<EdmPreconditioning>))]
public enum EdmPreconditioning
{
    /// <summary>
    /// "EDM denoiser D": the graph includes the preconditioning. It takes x_σ = x e^{t} and σ, and returns D
    /// (prediction <see cref="OnnxPrediction.Sample"/>, the default for EDM) or ε̂ with D = x_σ − σ ε̂
    /// (<see cref="OnnxPrediction.Epsilon"/>).
    /// </summary>
    Denoiser,

    /// <summary>
    /// "EDM raw network F": the graph is F alone. It takes c_in x_σ and c_noise = ¼ ln σ, and the adapter forms
    /// D = c_skip x_σ + c_out F (prediction must be <see cref="OnnxPrediction.Sample"/>, meaning D).
    /// </summary>
    RawNetwork,
}
