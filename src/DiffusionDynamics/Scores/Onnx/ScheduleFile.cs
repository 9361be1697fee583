using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Time;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// Reads a model's discrete noise schedule from a file (docs/theory.md §1, §9):
/// <list type="bullet">
/// <item>a .npy of K values, β_k or ᾱ_k (<see cref="ScheduleTableKind"/>);</item>
/// <item>a .json array of the same;</item>
/// <item>a diffusers <c>scheduler_config.json</c> object: <c>num_train_timesteps</c> (K, default 1000),
/// <c>beta_start</c> (1e−4), <c>beta_end</c> (0.02), <c>beta_schedule</c> ("linear": β_k = linspace(β_s, β_e, K);
/// "scaled_linear": β_k = linspace(√β_s, √β_e, K)²; "squaredcos_cap_v2": the cosine schedule, s = 0.008, β ≤ 0.999),
/// <c>trained_betas</c> (explicit β_k, overrides the rest) and <c>prediction_type</c> (epsilon, v_prediction, sample).</item>
/// </list>
/// ᾱ_k tables are turned into β_k = 1 − ᾱ_k/ᾱ_{k−1} (β_0 = 1 − ᾱ_0), so t_k = −½ ln ᾱ_k is reproduced to rounding.
/// </summary>
public static class ScheduleFile
{
    /// <summary>A schedule read from a file, and the prediction type a scheduler config names (else null).</summary>
    public sealed record Result(DiscreteSchedule Schedule, OnnxPrediction? Prediction);

    /// <summary>Reads <paramref name="path"/> (.npy, or .json: an array or a diffusers scheduler config).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">Naming the file: bad format, unsupported schedule, values out of range.</exception>
    public static Result Read(string path, ScheduleTableKind kind = ScheduleTableKind.Auto)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Schedule file '{path}' does not exist.", path);
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var array = Npy.Read(path);
            if (array.Rank != 1)
                throw new DataFormatException(path, $"a schedule table must be 1-d [K], found shape ({string.Join(", ", array.Shape)}).");
            return new Result(FromValues(array.ToDoubleArray(), kind, path), null);
        }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DataFormatException(path, $"not a .npy file and not valid JSON ({e.Message}).", innerException: e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
                return new Result(FromValues(Numbers(root, path, "the table"), kind, path), null);
            if (root.ValueKind == JsonValueKind.Object)
                return FromSchedulerConfig(root, path);
            throw new DataFormatException(path, $"a schedule JSON must be an array of β/ᾱ or a diffusers scheduler config object, found {root.ValueKind}.");
        }
    }

    /// <summary>A schedule from K values, β_k or ᾱ_k (Auto: strictly decreasing ⇒ ᾱ, else β).</summary>
    /// <exception cref="DataFormatException">Fewer than 2 values, or values outside (0, 1), or ᾱ not strictly decreasing.</exception>
    public static DiscreteSchedule FromValues(IReadOnlyList<double> values, ScheduleTableKind kind, string source)
    {
        if (values.Count < 2) throw new DataFormatException(source, $"a schedule table needs K ≥ 2 values, found {values.Count}.");
        for (int k = 0; k < values.Count; k++)
            if (!(values[k] > 0 && values[k] < 1))
                throw new DataFormatException(source, $"value {k} is {values[k]}; β_k and ᾱ_k must lie in (0, 1) (a zero-terminal-SNR table, ᾱ = 0, has t = ∞ and is not supported).");
        bool decreasing = true;
        for (int k = 1; k < values.Count && decreasing; k++) decreasing = values[k] < values[k - 1];
        if (kind == ScheduleTableKind.Auto) kind = decreasing ? ScheduleTableKind.AlphaBars : ScheduleTableKind.Betas;
        string name = $"table({Path.GetFileName(source)}, K={values.Count})";
        if (kind == ScheduleTableKind.Betas) return new DiscreteSchedule(values, name);
        if (!decreasing) throw new DataFormatException(source, "an ᾱ table must strictly decrease in k.");
        var betas = new double[values.Count];
        betas[0] = 1 - values[0];
        for (int k = 1; k < betas.Length; k++) betas[k] = 1 - values[k] / values[k - 1];
        return new DiscreteSchedule(betas, name);
    }

    /// <summary>β_k = (√β_s + k (√β_e − √β_s)/(K − 1))², diffusers' "scaled_linear" (Stable Diffusion's schedule).</summary>
    public static DiscreteSchedule ScaledLinear(int steps, double betaStart, double betaEnd)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "K must be ≥ 2.");
        double a = Math.Sqrt(betaStart), b = Math.Sqrt(betaEnd);
        var betas = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            double r = a + k * (b - a) / (steps - 1);
            betas[k] = r * r;
        }
        return new DiscreteSchedule(betas, $"scaled-linear(K={steps}, β {betaStart}→{betaEnd})");
    }

    private static Result FromSchedulerConfig(JsonElement root, string path)
    {
        int steps = root.TryGetProperty("num_train_timesteps", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 1000;
        double betaStart = Number(root, "beta_start", 1e-4, path), betaEnd = Number(root, "beta_end", 0.02, path);
        string schedule = root.TryGetProperty("beta_schedule", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "linear";
        if (root.TryGetProperty("rescale_betas_zero_snr", out var z) && z.ValueKind == JsonValueKind.True)
            throw new DataFormatException(path, "rescale_betas_zero_snr = true makes ᾱ_{K−1} = 0 (t = ∞), which an OU-time denoiser cannot represent.");
        OnnxPrediction? prediction = null;
        if (root.TryGetProperty("prediction_type", out var p) && p.ValueKind == JsonValueKind.String)
            prediction = p.GetString() switch
            {
                "epsilon" => OnnxPrediction.Epsilon,
                "v_prediction" => OnnxPrediction.V,
                "sample" => OnnxPrediction.Sample,
                var other => throw new DataFormatException(path, $"prediction_type '{other}' is not one of epsilon, v_prediction, sample."),
            };
        if (steps < 2) throw new DataFormatException(path, $"num_train_timesteps = {steps} must be ≥ 2.");
        if (!(betaStart > 0 && betaStart < 1 && betaEnd > 0 && betaEnd < 1))
            throw new DataFormatException(path, $"beta_start = {betaStart} and beta_end = {betaEnd} must lie in (0, 1).");
        DiscreteSchedule table;
        if (root.TryGetProperty("trained_betas", out var tb) && tb.ValueKind == JsonValueKind.Array)
            table = FromValues(Numbers(tb, path, "trained_betas"), ScheduleTableKind.Betas, path);
        else
            table = schedule switch
            {
                "linear" => DdpmLinearSchedule.Create(steps, betaStart, betaEnd),
                "scaled_linear" => ScaledLinear(steps, betaStart, betaEnd),
                "squaredcos_cap_v2" => CosineSchedule.Create(steps),
                _ => throw new DataFormatException(path, $"beta_schedule '{schedule}' is not supported (linear, scaled_linear, squaredcos_cap_v2, or trained_betas)."),
            };
        return new Result(table, prediction);
    }

    private static double Number(JsonElement root, string name, double fallback, string path)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        if (v.ValueKind != JsonValueKind.Number) throw new DataFormatException(path, $"{name} must be a number, found {v.ValueKind}.");
        return v.GetDouble();
    }

    private static double[] Numbers(JsonElement array, string path, string what)
    {
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number) throw new DataFormatException(path, $"{what}: element {i} is {e.ValueKind}, not a number.");
            values[i++] = e.GetDouble();
        }
        return values;
    }
}
