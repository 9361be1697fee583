using System.Text.Json.Serialization;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// How an OU time t between the entries t_k = −½ ln ᾱ_k of a discrete schedule reaches the model
/// (docs/theory.md §9). Continuous clocks (VP-SDE, EDM) represent every t exactly and ignore this.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<OnnxTimestepMapping>))]
public enum OnnxTimestepMapping
{
    /// <summary>
    /// The nearest step k (ties to the lower k; t outside the table is clamped to its ends). The model is evaluated at
    /// k and the conversion uses ᾱ_k, so the result is the model's D(x, t_k): the mapping error is |t − t_k| ≤ half a step.
    /// </summary>
    Nearest,

    /// <summary>
    /// Interpolation in t between the neighbouring steps k ≤ κ(t) ≤ k + 1, κ linear in t (in ln ᾱ). A float timestep
    /// input receives the fractional step κ(t) itself and the conversion uses ᾱ = e^{−2t} (k-diffusion's convention:
    /// exact when the model interpolates its own table in ln ᾱ); an integer input is evaluated at k and k + 1 and the
    /// two denoisers are mixed, D = (1 − w) D_k + w D_{k+1}, w = κ − k (two evaluations; error O(h²) in the step h).
    /// </summary>
    Interpolate,
}
