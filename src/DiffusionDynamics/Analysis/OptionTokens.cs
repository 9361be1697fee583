using System.Text.Json;
using System.Text.Json.Serialization;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Time;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The words a user types for the option choices that output shows — sampler, start, grid, network, clock — so reports, JSON and
/// the terminal name a run as its command line did (<c>sde</c>, <c>ode-heun</c>, <c>log-snr</c>, <c>noise</c>), never by enum name.
/// Samplers come from <see cref="SamplerRegistry"/>; the other vocabularies are the commands' option values.
/// </summary>
public static class OptionTokens
{
    private static readonly Dictionary<Enum, string> tokens = new()
    {
        [StartKind.Noise] = "noise",
        [StartKind.ForwardMarginal] = "marginal",
        [StartKind.Teleport] = "teleport",
        [StartKind.GaussianLateStart] = "gaussian",
        [AccelerationStart.Baseline] = "baseline",
        [AccelerationStart.Teleport] = "teleport",
        [AccelerationStart.GaussianLateStart] = "gaussian",
        [AccelerationGrid.LogSnr] = "log-snr",
        [AccelerationGrid.Karras] = "karras",
        [AccelerationGrid.Uniform] = "uniform",
        [SamplingGrid.UniformWithLogTail] = "uniform",
        [SamplingGrid.LogSnr] = "log-snr",
        [SamplingGrid.DdpmLinear] = "ddpm",
        [NetworkKind.Mlp] = "mlp",
        [NetworkKind.UNet] = "unet",
        [Clock.Ou] = "ou",
        [Clock.DdpmLinear] = "ddpm-linear",
        [Clock.DdpmCosine] = "ddpm-cosine",
        [Clock.VpSde] = "vp",
        [Clock.Edm] = "edm",
        [PhaseFamily.Gaussian] = "gaussian",
        [PhaseFamily.TwoCluster] = "two-cluster",
        [PhaseFamily.Manifold] = "manifold",
    };

    /// <summary>The enum types whose values are written as tokens (in JSON by <see cref="JsonConverterFactory"/>).</summary>
    public static IReadOnlyCollection<Type> TokenTypes { get; } =
        tokens.Keys.Select(k => k.GetType()).Append(typeof(SamplerKind)).Distinct().ToArray();

    /// <summary>The CLI token of <paramref name="value"/> (e.g. <c>ode-heun</c>, <c>log-snr</c>, <c>gaussian</c>); the enum name for a value without one.</summary>
    public static string Of(Enum value) => value switch
    {
        SamplerKind s => SamplerRegistry.Get(s).Token,
        _ => tokens.TryGetValue(value, out var token) ? token : value.ToString(),
    };

    /// <summary>The value of <paramref name="type"/> whose token (or, for files written before tokens, enum name) is <paramref name="text"/>; null when none.</summary>
    public static Enum? Parse(Type type, string text)
    {
        foreach (Enum value in Enum.GetValues(type))
            if (string.Equals(Of(value), text, StringComparison.OrdinalIgnoreCase)) return value;
        return Enum.TryParse(type, text, ignoreCase: true, out var named) ? (Enum)named! : null;
    }

    /// <summary>Writes the option enums as their tokens and reads tokens or enum names; add before a general enum converter.</summary>
    public sealed class JsonConverterFactory : System.Text.Json.Serialization.JsonConverterFactory
    {
        /// <inheritdoc />
        public override bool CanConvert(Type typeToConvert) => TokenTypes.Contains(typeToConvert);

        /// <inheritdoc />
        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(TokenConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class TokenConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string text = reader.GetString() ?? "";
            return Parse(typeof(T), text) is T value ? value : throw new JsonException($"'{text}' is not a {typeof(T).Name} token.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Of(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(Of(value));
    }
}
