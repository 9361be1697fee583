using System.Globalization;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// How to read an ONNX model, as the words a user types (e.g. on the command line): the prediction token
/// (<c>epsilon | v | sample</c>), the schedule token (<c>ddpm-linear | ddpm-cosine | vp | edm</c> or a file path),
/// the mapping token (<c>nearest | interpolate</c>), an item shape <c>d</c> or <c>C,H,W</c>, a class label and further
/// fixed inputs <c>NAME=V[,V…]</c>. <see cref="ToOptions"/> turns it into validated <see cref="OnnxModelOptions"/>;
/// null fields keep the defaults of <see cref="OnnxModelOptions"/> (diffusers': inputs <c>sample</c>, <c>timestep</c>;
/// an integer timestep means ε on the DDPM linear table, K = 1000, β 1e−4 → 0.02).
/// Malformed values throw <see cref="ArgumentException"/> naming the field (<see cref="OptionMessage"/>).
/// </summary>
public sealed record OnnxModelRequest
{
    /// <summary>epsilon | v | sample (x₀).</summary>
    public string? Prediction { get; init; }

    /// <summary>ddpm-linear | ddpm-cosine | vp | edm, or a table / diffusers scheduler_config.json path.</summary>
    public string? Schedule { get; init; }

    /// <summary>Name of the noisy-sample input.</summary>
    public string? SampleInput { get; init; }

    /// <summary>Name of the noise-level input.</summary>
    public string? TimestepInput { get; init; }

    /// <summary>Name of the output to read (null: the first).</summary>
    public string? Output { get; init; }

    /// <summary>nearest | interpolate.</summary>
    public string? Mapping { get; init; }

    /// <summary>K of the DDPM tables (null: 1000).</summary>
    public int? TrainSteps { get; init; }

    /// <summary>β₀ of the linear table.</summary>
    public double? BetaStart { get; init; }

    /// <summary>β_{K−1} of the linear table.</summary>
    public double? BetaEnd { get; init; }

    /// <summary>Item shape "d" or "C,H,W" for graphs that leave it free.</summary>
    public string? ItemShape { get; init; }

    /// <summary>A fixed class label fed to <see cref="ClassInput"/> (the class-conditional D_y).</summary>
    public int? ClassLabel { get; init; }

    /// <summary>Name of the class-label input (default <c>class_labels</c>).</summary>
    public string ClassInput { get; init; } = "class_labels";

    /// <summary>Further fixed inputs, each "NAME=V[,V…]".</summary>
    public IReadOnlyList<string> ExtraInputs { get; init; } = [];

    /// <summary>True when <paramref name="path"/> names an ONNX file (extension .onnx, any case).</summary>
    public static bool IsOnnx(string? path) => path is not null && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The options of the model at <paramref name="modelPath"/>.</summary>
    public OnnxModelOptions ToOptions(string modelPath)
    {
        var options = new OnnxModelOptions { ModelPath = modelPath };
        if (Prediction is { } prediction)
            options = options with
            {
                Prediction = prediction.ToLowerInvariant() switch
                {
                    "epsilon" => OnnxPrediction.Epsilon,
                    "v" => OnnxPrediction.V,
                    "sample" => OnnxPrediction.Sample,
                    _ => throw OptionMessage.Argument($"{{Prediction}} expects epsilon, v or sample, got '{prediction}'.", nameof(Prediction)),
                },
            };
        if (Schedule is { } schedule)
            options = schedule.ToLowerInvariant() switch
            {
                "ddpm-linear" => options with { Schedule = OnnxScheduleKind.DdpmLinear },
                "ddpm-cosine" => options with { Schedule = OnnxScheduleKind.DdpmCosine },
                "vp" => options with { Schedule = OnnxScheduleKind.VpSde },
                "edm" => options with { Schedule = OnnxScheduleKind.Edm },
                _ => options with { Schedule = OnnxScheduleKind.Table, SchedulePath = schedule },
            };
        if (SampleInput is { } sample) options = options with { SampleInput = sample };
        if (TimestepInput is { } timestep) options = options with { TimestepInput = timestep };
        if (Output is { } output) options = options with { Output = output };
        if (Mapping is { } mapping)
            options = options with
            {
                Mapping = mapping.ToLowerInvariant() switch
                {
                    "nearest" => OnnxTimestepMapping.Nearest,
                    "interpolate" => OnnxTimestepMapping.Interpolate,
                    _ => throw OptionMessage.Argument($"{{Mapping}} expects nearest or interpolate, got '{mapping}'.", nameof(Mapping)),
                },
            };
        if (TrainSteps is { } k) options = options with { TrainSteps = k };
        if (BetaStart is { } b0) options = options with { BetaStart = b0 };
        if (BetaEnd is { } b1) options = options with { BetaEnd = b1 };
        if (ItemShape is { } shape) options = options with { ItemShape = ParseInts(shape) };

        var extra = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (ClassLabel is int label) extra[ClassInput] = [label];
        foreach (var item in ExtraInputs)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw OptionMessage.Argument($"{{ExtraInputs}} expects NAME=V[,V...], got '{item}'.", nameof(ExtraInputs));
            extra[item[..eq]] = ParseDoubles(item[(eq + 1)..]);
        }
        return extra.Count > 0 ? options with { ExtraInputs = extra } : options;
    }

    private static int[] ParseInts(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v
            : throw OptionMessage.Argument($"{{ItemShape}} expects positive integers separated by commas, got '{text}'.", nameof(ItemShape))).ToArray();

    private static double[] ParseDoubles(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
            : throw OptionMessage.Argument($"{{ExtraInputs}} expects finite numbers separated by commas, got '{text}'.", nameof(ExtraInputs))).ToArray();
}
