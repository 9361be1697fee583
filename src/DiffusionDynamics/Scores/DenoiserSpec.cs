using System.Text.Json;
using System.Text.Json.Serialization;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Which denoiser to build, as one immutable value that round-trips through JSON (<see cref="ToJson"/>, <see cref="FromJson"/>)
/// and is built by a <see cref="DenoiserFactory"/> for a dataset. Each option applies to one kind only; <see cref="Validate"/>
/// rejects the others, so a spec never carries a value that is silently ignored.
/// </summary>
/// <param name="Kind">The source. Default <see cref="DenoiserKind.Empirical"/>.</param>
/// <param name="Precision">Arithmetic of the empirical score (<see cref="DenoiserKind.Empirical"/> only). Default float32.</param>
/// <param name="Rank">Kept eigenpairs of the fitted Gaussian (<see cref="DenoiserKind.Gaussian"/> only; default all d). Range: 1 ≤ rank ≤ d.</param>
/// <param name="Mixture">Fit options (<see cref="DenoiserKind.Mixture"/> only; default <see cref="MixtureOptions"/>()).</param>
/// <param name="Path">The model folder or file (<see cref="DenoiserKind.Trained"/> and <see cref="DenoiserKind.Imported"/>, required there).</param>
/// <param name="Ema">Use the EMA weights of a trained model (default) or its raw weights (<see cref="DenoiserKind.Trained"/> only).</param>
/// <param name="Onnx">How to read an imported ONNX model (<see cref="DenoiserKind.Imported"/> only; default: diffusers' conventions,
/// <see cref="OnnxModelOptions"/> with <see cref="OnnxModelOptions.ModelPath"/> = <paramref name="Path"/>). Its model path must equal <paramref name="Path"/>.</param>
/// <param name="PruneTolerance">Certified pruning of the empirical score (<see cref="EmpiricalDenoiserOptions.PruneTolerance"/>; 0: dense,
/// bit for bit). Default 0.</param>
public sealed record DenoiserSpec(DenoiserKind Kind = DenoiserKind.Empirical, Precision Precision = Precision.Float32, int? Rank = null,
    MixtureOptions? Mixture = null, string? Path = null, bool Ema = true, OnnxModelOptions? Onnx = null,
    double PruneTolerance = 0)
{
    /// <summary>The exact empirical score in the given precision.</summary>
    public static DenoiserSpec Empirical(Precision precision = Precision.Float32, double pruneTolerance = 0) =>
        new(DenoiserKind.Empirical, precision, PruneTolerance: pruneTolerance);

    /// <summary>The Gaussian fitted to the data, of rank <paramref name="rank"/> (default full).</summary>
    public static DenoiserSpec Gaussian(int? rank = null) => new(DenoiserKind.Gaussian, Rank: rank);

    /// <summary>A Gaussian mixture fitted to the data.</summary>
    public static DenoiserSpec MixtureOf(MixtureOptions? options = null) => new(DenoiserKind.Mixture, Mixture: options);

    /// <summary>The analytic two-cluster score of the data's generator.</summary>
    public static DenoiserSpec TwoCluster() => new(DenoiserKind.TwoCluster);

    /// <summary>The generator's population score (two-cluster or Gaussian).</summary>
    public static DenoiserSpec Analytic() => new(DenoiserKind.Analytic);

    /// <summary>A <c>diffdyn train</c> model folder (EMA weights unless <paramref name="ema"/> is false).</summary>
    public static DenoiserSpec Trained(string path, bool ema = true) => new(DenoiserKind.Trained, Path: path, Ema: ema);

    /// <summary>An imported ONNX model file read with diffusers' conventions (default <see cref="OnnxModelOptions"/>).</summary>
    public static DenoiserSpec Imported(string path) => new(DenoiserKind.Imported, Path: path);

    /// <summary>An imported ONNX model read as <paramref name="options"/> say (inputs, prediction, clock, extra inputs).</summary>
    public static DenoiserSpec Imported(OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(DenoiserKind.Imported, Path: options.ModelPath, Onnx: options);
    }

    /// <summary>The ONNX options of an imported model: <see cref="Onnx"/>, else the defaults for <see cref="Path"/>.</summary>
    public OnnxModelOptions OnnxOptions() => Kind == DenoiserKind.Imported
        ? Onnx ?? new OnnxModelOptions { ModelPath = Path! }
        : throw new InvalidOperationException($"Kind = {Kind} is not an imported model.");

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad or misplaced value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown denoiser kind.");
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Unknown precision.");
        if (Precision != Precision.Float32 && Kind != DenoiserKind.Empirical)
            throw new ArgumentException($"Precision = {Precision} applies only to the empirical score, not to Kind = {Kind}.", nameof(Precision));
        if (Rank is not null && Kind != DenoiserKind.Gaussian)
            throw new ArgumentException($"Rank = {Rank} applies only to Kind = Gaussian, not to Kind = {Kind}.", nameof(Rank));
        if (Rank is < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "Rank must be ≥ 1.");
        if (Mixture is not null && Kind != DenoiserKind.Mixture)
            throw new ArgumentException($"Mixture options apply only to Kind = Mixture, not to Kind = {Kind}.", nameof(Mixture));
        Mixture?.Validate();
        bool needsPath = Kind is DenoiserKind.Trained or DenoiserKind.Imported;
        if (needsPath && string.IsNullOrWhiteSpace(Path))
            throw new ArgumentException($"Kind = {Kind} needs Path, the model {(Kind == DenoiserKind.Trained ? "folder" : "file")}.", nameof(Path));
        if (!needsPath && Path is not null)
            throw new ArgumentException($"Path = \"{Path}\" applies only to trained or imported models, not to Kind = {Kind}.", nameof(Path));
        if (!Ema && Kind != DenoiserKind.Trained)
            throw new ArgumentException($"Ema = false applies only to Kind = Trained, not to Kind = {Kind}.", nameof(Ema));
        if (Onnx is not null && Kind != DenoiserKind.Imported)
            throw new ArgumentException($"ONNX options apply only to Kind = Imported, not to Kind = {Kind}.", nameof(Onnx));
        if (Onnx is not null && Onnx.ModelPath != Path)
            throw new ArgumentException($"The ONNX options read '{Onnx.ModelPath}', but Path = \"{Path}\".", nameof(Onnx));
        Onnx?.Validate();
    }

    /// <summary>One line for reports, e.g. <c>exact empirical score (float64)</c>.</summary>
    public string Describe() => Kind switch
    {
        DenoiserKind.Empirical => $"exact empirical score ({Precision.ToString().ToLowerInvariant()})",
        DenoiserKind.Gaussian => Rank is int r ? $"Gaussian fitted to the data (rank {r})" : "Gaussian fitted to the data (mean, covariance)",
        DenoiserKind.Mixture => $"Gaussian mixture fitted to the data ({(Mixture ?? new MixtureOptions()).Describe()})",
        DenoiserKind.TwoCluster => "analytic two-cluster score (tanh)",
        DenoiserKind.Analytic => "population score of the data's generator",
        DenoiserKind.Trained => $"trained model ({Path}{(Ema ? "" : ", raw weights")})",
        _ => $"imported model ({Path})",
    };

    /// <summary>JSON settings: camelCase, enums as names, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The spec as JSON (<see cref="JsonOptions"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads and validates a spec written by <see cref="ToJson"/>; throws <see cref="ArgumentException"/> on malformed text or a bad value.</summary>
    public static DenoiserSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        DenoiserSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<DenoiserSpec>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Not a denoiser spec: {e.Message}", nameof(json), e);
        }
        if (spec is null) throw new ArgumentException("Not a denoiser spec: the JSON is null.", nameof(json));
        spec.Validate();
        return spec;
    }
}
