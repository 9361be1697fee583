using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Comma-separated option values shared by several commands: training-set sizes, sampler tokens, integer budgets, model folders.</summary>
public static class ListOption
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, AccelerationStart> AccelerationNames = new()
    {
        ["teleport"] = AccelerationStart.Teleport,
        ["late-start"] = AccelerationStart.GaussianLateStart,
    };

    /// <summary>"a, B" → ["a", "b"] (trimmed, lower case); throws "<paramref name="option"/> is empty." for no item.</summary>
    public static string[] Split(string? text, string option)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).ToArray();
        if (parts.Length == 0) throw new ArgumentException($"{option} is empty.");
        return parts;
    }

    /// <summary>"8,64" → [8, 64]: at least one size, each an integer ≥ 2, distinct; ascending.</summary>
    public static int[] Sizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("--sizes: give at least one training-set size.");
        var sizes = parts.Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out int v) && v >= 2
            ? v : throw new ArgumentException($"--sizes: '{s}' is not an integer ≥ 2.")).ToArray();
        if (sizes.Distinct().Count() != sizes.Length) throw new ArgumentException("--sizes: sizes must be distinct.");
        return sizes.Order().ToArray();
    }

    /// <summary>"100,1000" → [100, 1000] (repeats dropped, ascending); null/empty → null. Each N ≥ 2.</summary>
    public static int[]? SizesOrNull(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out int v) && v >= 2 ? v : throw new ArgumentException($"--sizes: '{s}' is not an integer ≥ 2."))
            .Distinct().Order().ToArray();
        if (list.Length == 0) throw new ArgumentException("--sizes: no size given.");
        return list;
    }

    /// <summary>"0.5,-1" → finite numbers in the given order; null/empty → null.</summary>
    public static double[]? Numbers(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.TryParse(s, NumberStyles.Float, Inv, out double v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"{option}: '{s}' is not a finite number."))
            .ToArray();
    }

    /// <summary>Sampler tokens of the registry (<see cref="SamplerRegistry.Tokens"/>), repeats dropped.</summary>
    public static IReadOnlyList<SamplerKind> Samplers(string? text, string option = "--samplers") =>
        Split(text, option).Select(n => SamplerRegistry.All.FirstOrDefault(m => m.Token == n)?.Kind
            ?? throw new ArgumentException($"{option}: unknown sampler '{n}' (choose from {string.Join(", ", SamplerRegistry.Tokens)}).")).Distinct().ToArray();

    /// <summary>
    /// "a,b" → the model folders; a memorization sweep folder expands to its n-* models (<see cref="TrainedModelFolder.Expand"/>).
    /// Null/empty → null.
    /// </summary>
    /// <summary>
    /// <c>--model</c> of <c>spectrum</c>: one imported ONNX file (PATH.onnx; it stores no training set, so it is analysed on the data options),
    /// or trained folders as <see cref="ModelFolders"/> reads them; a list that mixes in an ONNX file is refused. Null/empty → null.
    /// </summary>
    public static IReadOnlyList<string>? SpectrumModels(string? text)
    {
        var parts = text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (parts.Length > 1 && parts.Any(OnnxModelOptionsCli.IsOnnx))
            throw new ArgumentException("--model takes one ONNX file (PATH.onnx), not a list.");
        return parts is [var file] && OnnxModelOptionsCli.IsOnnx(file) ? [file] : ModelFolders(text);
    }

    public static IReadOnlyList<string>? ModelFolders(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var list = TrainedModelFolder.Expand(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (list.Count == 0) throw new ArgumentException("--model: no folder given.");
        return list;
    }

    /// <summary>"teleport,late-start" → the acceleration rules; "none" → none.</summary>
    public static IReadOnlyList<AccelerationStart> Accelerations(string? text)
    {
        if (text?.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) == true) return [];
        return Split(text, "--accelerations").Select(n => AccelerationNames.TryGetValue(n, out var k) ? k
            : throw new ArgumentException($"--accelerations: unknown rule '{n}' (choose from teleport, late-start, or none).")).Distinct().ToArray();
    }

    /// <summary>"10,20" → distinct ascending NFE budgets, each ≥ 3, at least two.</summary>
    public static IReadOnlyList<int> Budgets(string? text)
    {
        var values = Split(text, "--nfe").Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out int v) && v >= 3 ? v
            : throw new ArgumentException($"--nfe: '{s}' is not an integer ≥ 3.")).Distinct().Order().ToArray();
        if (values.Length < 2) throw new ArgumentException("--nfe needs at least two distinct budgets (e.g. 10,20,50,100).");
        return values;
    }
}
