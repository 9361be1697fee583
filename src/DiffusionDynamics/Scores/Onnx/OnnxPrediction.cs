using System.Text.Json.Serialization;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// What an imported network predicts (diffusers' <c>prediction_type</c>), converted to the denoiser D(x, t) of
/// docs/theory.md §2 and §9. For a VP model at its own level with α = √ᾱ, σ = √(1 − ᾱ) (α² + σ² = 1, the OU state
/// x_t = α a + σ ε with α = e^{−t}, σ = √Δ_t):
/// <list type="bullet">
/// <item><see cref="Epsilon"/>: D = (x − σ ε̂)/α.</item>
/// <item><see cref="V"/>: v = α ε − σ a ⇒ D = α x − σ v̂ (Salimans &amp; Ho 2022, arXiv 2202.00512).</item>
/// <item><see cref="Sample"/>: D = x̂₀, the output itself.</item>
/// </list>
/// For an EDM-σ model without preconditioning (x_σ = a + σ n): <see cref="Epsilon"/> gives D = x_σ − σ ε̂ and
/// <see cref="Sample"/> gives D = the output; <see cref="V"/> is not defined there.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<OnnxPrediction>))]
public enum OnnxPrediction
{
    /// <summary>Noise ε (diffusers "epsilon").</summary>
    Epsilon,

    /// <summary>Velocity v = α ε − σ x₀ (diffusers "v_prediction").</summary>
    V,

    /// <summary>The clean sample x₀ (diffusers "sample"), i.e. D itself.</summary>
    Sample,
}
