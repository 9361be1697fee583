using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Reports;

/// <summary>
/// What a run did, written as <c>manifest.json</c> beside its results: command line, options, seed,
/// version (with the git commit the build came from), clock of the printed times, timings and the
/// native runtime settings in force.
/// </summary>
public sealed record RunManifest
{
    public required string Command { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    public required object Options { get; init; }
    public required long Seed { get; init; }
    public string Clock { get; init; } = "OU time t (dx = -x dt + sqrt(2) dW; Delta_t = 1 - exp(-2t))";
    public string Version { get; init; } = ToolVersion;
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
    public Dictionary<string, double> TimingsSeconds { get; init; } = new();
    public IReadOnlyDictionary<string, string> Runtime { get; init; } = RuntimeSettings();
    public IReadOnlyList<string> DataPreprocessing { get; init; } = [];

    /// <summary>Imported (ONNX) models of the run and how their clocks met its OU times (<see cref="ModelClockUse"/>); absent for other runs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ModelClockUse>? ModelClocks { get; init; }

    /// <summary>The library's informational version (includes +commit when built from git).</summary>
    public static string ToolVersion =>
        typeof(RunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static IReadOnlyDictionary<string, string> RuntimeSettings()
    {
        var d = new Dictionary<string, string>(Backend.TorchRuntime.NativeSettings)
        {
            ["threads"] = TorchSharp.torch.get_num_threads().ToString(),
            ["dotnet"] = Environment.Version.ToString(),
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        };
        return d;
    }

    /// <summary>JSON options used for every result file (indented, camelCase, option choices as their CLI tokens and other enums as names, NaN allowed as strings).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new Analysis.OptionTokens.JsonConverterFactory(), new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep "→", "+", "·" readable
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
}
