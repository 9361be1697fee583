using DiffusionDynamics.Data;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// How to read an ONNX diffusion model as a denoiser D(x, t) in the OU clock (docs/theory.md §1, §2, §9): which
/// inputs carry the noisy sample and the noise level, what the output predicts, and on which clock the model was
/// trained. Immutable; each property checks its own range when set, <see cref="Validate"/> checks the combinations,
/// and the record round-trips through JSON (<see cref="ToJson"/>, <see cref="FromJson"/>).
/// <para>Defaults follow diffusers: inputs <c>sample</c> and <c>timestep</c>, ε-prediction, and for a graph whose
/// timestep input is an integer the DDPM linear schedule with K = 1000 steps, β 1e−4 → 0.02. A float timestep
/// input has no default clock (set <see cref="Schedule"/>).</para>
/// A diffusers-exported ε-model of 1×8×8 images with its scheduler config:
/// <code>
///   new OnnxModelOptions { ModelPath = "unet.onnx", ItemShape = [1, 8, 8], SchedulePath = "scheduler_config.json" }
/// </code>
/// </summary>
public sealed record OnnxModelOptions
{
    private readonly string modelPath = "";
    private readonly string sampleInput = DefaultSampleInput;
    private readonly string timestepInput = DefaultTimestepInput;
    private readonly string? output;
    private readonly ImmutableArray<int>? itemShape;
    private readonly int trainSteps = 1000;
    private readonly double betaStart = 1e-4;
    private readonly double betaEnd = 0.02;
    private readonly double cosineOffset = 0.008;
    private readonly string? schedulePath;
    private readonly double vpBetaMin = Time.VpSde.DefaultBetaMin;
    private readonly double vpBetaMax = Time.VpSde.DefaultBetaMax;
    private readonly double vpTimeScale = 1.0;
    private readonly double sigmaData = 0.5;
    private readonly ImmutableSortedDictionary<string, double[]> extraInputs = ImmutableSortedDictionary<string, double[]>.Empty.WithComparers(StringComparer.Ordinal);
    private readonly int threads;
    private readonly long maxChunkElements = 1L << 18;

    /// <summary>diffusers' name of the sample input, "sample".</summary>
    public const string DefaultSampleInput = "sample";

    /// <summary>diffusers' name of the noise-level input, "timestep".</summary>
    public const string DefaultTimestepInput = "timestep";

    /// <summary>Path of the .onnx file. Required, non-empty.</summary>
    public required string ModelPath
    {
        get => modelPath;
        init => modelPath = !string.IsNullOrWhiteSpace(value) ? value : throw OptionMessage.Argument("{ModelPath} must name an .onnx file.", nameof(ModelPath));
    }

    /// <summary>Name of the graph input that takes the noisy sample, [B, d] or [B, C, H, W]. Default "sample".</summary>
    public string SampleInput
    {
        get => sampleInput;
        init => sampleInput = NonEmpty(value, nameof(SampleInput));
    }

    /// <summary>Name of the graph input that takes the noise level (step, VP time, σ or c_noise). Default "timestep".</summary>
    public string TimestepInput
    {
        get => timestepInput;
        init => timestepInput = NonEmpty(value, nameof(TimestepInput));
    }

    /// <summary>Name of the graph output to read; null (default) takes the first (usually the only) output.</summary>
    public string? Output
    {
        get => output;
        init => output = value is null ? null : NonEmpty(value, nameof(Output));
    }

    /// <summary>
    /// Shape of one item: [d] or [C, H, W]; the denoiser's x: [B, Π shape] is reshaped to [B, ..shape] for the graph.
    /// Null (default) reads it from the graph's sample input, which then must have fixed non-batch dimensions.
    /// Range: every extent ≥ 1.
    /// </summary>
    public IReadOnlyList<int>? ItemShape
    {
        get => itemShape is { } s ? s : null;
        init
        {
            if (value is null) { itemShape = null; return; }
            if (value.Count < 1 || value.Any(e => e < 1))
                throw new ArgumentException($"ItemShape must have at least one extent, each ≥ 1 (got [{string.Join(", ", value)}]).", nameof(ItemShape));
            itemShape = value.ToImmutableArray();
        }
    }

    /// <summary>
    /// What the output predicts. Null (default): the <c>prediction_type</c> of a diffusers scheduler config given as
    /// <see cref="SchedulePath"/>, else <see cref="OnnxPrediction.Sample"/> (D) for <see cref="OnnxScheduleKind.Edm"/>,
    /// else <see cref="OnnxPrediction.Epsilon"/>.
    /// </summary>
    public OnnxPrediction? Prediction { get; init; }

    /// <summary>
    /// The model's training clock. Null (default): <see cref="OnnxScheduleKind.Table"/> when <see cref="SchedulePath"/>
    /// is set, else <see cref="OnnxScheduleKind.DdpmLinear"/> when the graph's timestep input is an integer; a float
    /// timestep input without a schedule is an error (the clock would be a guess).
    /// </summary>
    public OnnxScheduleKind? Schedule { get; init; }

    /// <summary>Number of training steps K of <see cref="OnnxScheduleKind.DdpmLinear"/> and <see cref="OnnxScheduleKind.DdpmCosine"/>. Default 1000. Range: 2 ≤ K ≤ 10⁶.</summary>
    public int TrainSteps
    {
        get => trainSteps;
        init => trainSteps = value is >= 2 and <= 1_000_000 ? value : throw new ArgumentOutOfRangeException(nameof(TrainSteps), value, "TrainSteps must lie in [2, 10⁶].");
    }

    /// <summary>β_0 of <see cref="OnnxScheduleKind.DdpmLinear"/>. Default 1e−4. Range: 0 &lt; β &lt; 1.</summary>
    public double BetaStart
    {
        get => betaStart;
        init => betaStart = Beta(value, nameof(BetaStart));
    }

    /// <summary>β_{K−1} of <see cref="OnnxScheduleKind.DdpmLinear"/>. Default 0.02. Range: 0 &lt; β &lt; 1.</summary>
    public double BetaEnd
    {
        get => betaEnd;
        init => betaEnd = Beta(value, nameof(BetaEnd));
    }

    /// <summary>Offset s of <see cref="OnnxScheduleKind.DdpmCosine"/>. Default 0.008. Range: s &gt; 0.</summary>
    public double CosineOffset
    {
        get => cosineOffset;
        init => cosineOffset = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(CosineOffset), value, "The cosine offset s must be finite and > 0.");
    }

    /// <summary>
    /// Schedule file of <see cref="OnnxScheduleKind.Table"/>: a .npy (or a .json array) of β_k or ᾱ_k (see
    /// <see cref="TableKind"/>), or a diffusers <c>scheduler_config.json</c>. Null by default.
    /// </summary>
    public string? SchedulePath
    {
        get => schedulePath;
        init => schedulePath = value is null ? null : NonEmpty(value, nameof(SchedulePath));
    }

    /// <summary>What the numbers of a .npy or JSON-array table are. Default <see cref="ScheduleTableKind.Auto"/>.</summary>
    public ScheduleTableKind TableKind { get; init; } = ScheduleTableKind.Auto;

    /// <summary>β_min of <see cref="OnnxScheduleKind.VpSde"/>. Default 0.1. Range: ≥ 0.</summary>
    public double VpBetaMin
    {
        get => vpBetaMin;
        init => vpBetaMin = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(VpBetaMin), value, "β_min must be finite and ≥ 0.");
    }

    /// <summary>β_max of <see cref="OnnxScheduleKind.VpSde"/>. Default 20. Range: &gt; 0 (and ≥ β_min, checked by <see cref="Validate"/>).</summary>
    public double VpBetaMax
    {
        get => vpBetaMax;
        init => vpBetaMax = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(VpBetaMax), value, "β_max must be finite and > 0.");
    }

    /// <summary>
    /// The VP time s ∈ [0, 1] is fed as s × scale (score_sde's DDPM-cont models take 999 s). Default 1. Range: &gt; 0.
    /// </summary>
    public double VpTimeScale
    {
        get => vpTimeScale;
        init => vpTimeScale = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(VpTimeScale), value, "The VP time scale must be finite and > 0.");
    }

    /// <summary>Which part of the EDM preconditioning the graph contains. Default <see cref="EdmPreconditioning.Denoiser"/>.</summary>
    public EdmPreconditioning EdmPreconditioning { get; init; } = EdmPreconditioning.Denoiser;

    /// <summary>σ_data of the EDM preconditioning (Karras et al. 2022: 0.5). Default 0.5. Range: &gt; 0.</summary>
    public double SigmaData
    {
        get => sigmaData;
        init => sigmaData = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(SigmaData), value, "σ_data must be finite and > 0.");
    }

    /// <summary>How t between two table steps reaches a discrete-step model. Default <see cref="OnnxTimestepMapping.Nearest"/>.</summary>
    public OnnxTimestepMapping Mapping { get; init; } = OnnxTimestepMapping.Nearest;

    /// <summary>
    /// Fixed values for the graph's other inputs, e.g. <c>{"class_labels": [3]}</c> for the class-conditional D_y.
    /// One value fills the whole input; otherwise the values are one item's (repeated over the batch) or the whole
    /// input's when it has no batch dimension. Every required input besides the sample and the noise level must be
    /// given. Default none. Range: non-empty names, non-empty finite values.
    /// </summary>
    public IReadOnlyDictionary<string, double[]> ExtraInputs
    {
        get => extraInputs;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(ExtraInputs));
            var builder = ImmutableSortedDictionary.CreateBuilder<string, double[]>(StringComparer.Ordinal);
            foreach (var (name, values) in value)
            {
                NonEmpty(name, nameof(ExtraInputs));
                if (values is null || values.Length == 0 || values.Any(v => !double.IsFinite(v)))
                    throw new ArgumentException($"Extra input '{name}' needs at least one value, all finite.", nameof(ExtraInputs));
                builder[name] = (double[])values.Clone();
            }
            extraInputs = builder.ToImmutable();
        }
    }

    /// <summary>
    /// ONNX Runtime intra-op threads. 0 (default) follows the tool's thread setting: the DIFFDYN_THREADS environment
    /// variable, else the number of cores. Range: ≥ 0.
    /// </summary>
    public int Threads
    {
        get => threads;
        init => threads = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads must be ≥ 0 (0 = the tool's setting).");
    }

    /// <summary>
    /// Memory bound of one graph call: at most this many sample elements (B_chunk × d), so a batch runs in chunks of
    /// ⌊MaxChunkElements / d⌋ items (at least 1). The graph's activations scale with it: a small U-Net holds some 30–100
    /// values per input value at once, so the default 2¹⁸ (1 MB of float32 input; 4096 items of 8×8, 334 of 28×28) keeps
    /// one call near 100 MB. Range: ≥ 1.
    /// </summary>
    public long MaxChunkElements
    {
        get => maxChunkElements;
        init => maxChunkElements = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxChunkElements), value, "MaxChunkElements must be ≥ 1.");
    }

    /// <summary>
    /// Checks the combinations the single properties cannot: a schedule file exactly for <see cref="OnnxScheduleKind.Table"/>,
    /// β_max ≥ β_min, v-prediction not on the EDM clock, the raw EDM network F only as D (prediction Sample).
    /// </summary>
    /// <exception cref="ArgumentException">Naming the model file and the offending options.</exception>
    public OnnxModelOptions Validate()
    {
        if (Schedule == OnnxScheduleKind.Table && SchedulePath is null)
            throw OptionMessage.Argument($"{ModelPath}: missing clock option: a table {{Schedule}} needs its file (a .npy/.json β or ᾱ table or a diffusers scheduler_config.json).", nameof(SchedulePath), nameof(Schedule));
        if (SchedulePath is not null && Schedule is not (null or OnnxScheduleKind.Table))
            throw OptionMessage.Argument($"{ModelPath}: the {{Schedule}} file '{SchedulePath}' is only read by a table schedule, but the schedule is {Schedule}.", nameof(SchedulePath), nameof(Schedule));
        if (VpBetaMax < VpBetaMin)
            throw new ArgumentException($"{ModelPath}: VP-SDE β_max = {VpBetaMax} must be ≥ β_min = {VpBetaMin}.", nameof(VpBetaMax));
        if (Schedule == OnnxScheduleKind.Edm && Prediction == OnnxPrediction.V)
            throw OptionMessage.Argument($"{ModelPath}: v-prediction is not defined on the EDM σ clock; set {{Prediction}} to epsilon (D = x_σ − σ ε̂) or sample.", nameof(Prediction));
        if (Schedule == OnnxScheduleKind.Edm && EdmPreconditioning == EdmPreconditioning.RawNetwork && Prediction is not (null or OnnxPrediction.Sample))
            throw OptionMessage.Argument($"{ModelPath}: the raw EDM network F gives D = c_skip x + c_out F; its {{Prediction}} is sample (got {Prediction}).", nameof(Prediction));
        return this;
    }

    /// <summary>Serializer settings of <see cref="ToJson"/>: camelCase names, enums as strings, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The options as JSON (for manifests and files).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Options from <see cref="ToJson"/>'s format; each value is range-checked as it is set.</summary>
    /// <exception cref="JsonException">Malformed JSON or a missing modelPath.</exception>
    public static OnnxModelOptions FromJson(string json) =>
        JsonSerializer.Deserialize<OnnxModelOptions>(json, JsonOptions) ?? throw new JsonException("The JSON holds null, not ONNX model options.");

    /// <summary>Value equality, with the item shape and the extra inputs compared element by element.</summary>
    public bool Equals(OnnxModelOptions? other) =>
        other is not null
        && ModelPath == other.ModelPath && SampleInput == other.SampleInput && TimestepInput == other.TimestepInput
        && Output == other.Output
        && (ItemShape is null ? other.ItemShape is null : other.ItemShape is not null && ItemShape.SequenceEqual(other.ItemShape))
        && Prediction == other.Prediction && Schedule == other.Schedule && TrainSteps == other.TrainSteps
        && BetaStart.Equals(other.BetaStart) && BetaEnd.Equals(other.BetaEnd) && CosineOffset.Equals(other.CosineOffset)
        && SchedulePath == other.SchedulePath && TableKind == other.TableKind
        && VpBetaMin.Equals(other.VpBetaMin) && VpBetaMax.Equals(other.VpBetaMax) && VpTimeScale.Equals(other.VpTimeScale)
        && EdmPreconditioning == other.EdmPreconditioning && SigmaData.Equals(other.SigmaData) && Mapping == other.Mapping
        && ExtraInputs.Count == other.ExtraInputs.Count
        && ExtraInputs.All(kv => other.ExtraInputs.TryGetValue(kv.Key, out var v) && v.SequenceEqual(kv.Value))
        && Threads == other.Threads && MaxChunkElements == other.MaxChunkElements;

    /// <summary>Hash of the identifying fields (consistent with <see cref="Equals(OnnxModelOptions?)"/>).</summary>
    public override int GetHashCode() => HashCode.Combine(ModelPath, SampleInput, TimestepInput, Prediction, Schedule, Mapping, SchedulePath, ExtraInputs.Count);

    private static string NonEmpty(string value, string name) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException($"{name} must be a non-empty name.", name);

    private static double Beta(double value, string name) =>
        value > 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in (0, 1).");
}
