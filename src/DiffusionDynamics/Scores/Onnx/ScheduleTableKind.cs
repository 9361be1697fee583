using System.Text.Json.Serialization;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>What the numbers of a schedule table file (.npy or JSON array) are.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleTableKind>))]
public enum ScheduleTableKind
{
    /// <summary>Decide from the values: a strictly decreasing table is ᾱ_k, any other is β_k.</summary>
    Auto,

    /// <summary>β_k, k = 0..K−1, each in (0, 1).</summary>
    Betas,

    /// <summary>ᾱ_k = Π_{i≤k}(1 − β_i), strictly decreasing in (0, 1).</summary>
    AlphaBars,
}
