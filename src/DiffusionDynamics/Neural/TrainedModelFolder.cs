using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Neural;

/// <summary>
/// A model folder written by <c>diffdyn train</c>: a <see cref="Checkpoint"/> plus <see cref="DataRequestFile"/>, the
/// <see cref="DataRequest"/> of its training set. Loading checks the model against the data it is analysed with (same n and d).
/// </summary>
public static class TrainedModelFolder
{
    /// <summary>File name of the stored data request.</summary>
    public const string DataRequestFile = "data-request.json";

    /// <summary>JSON settings of <see cref="DataRequestFile"/> (camelCase, enums as names), as the run manifests write it.</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // as the run manifests write it
    };

    /// <summary>The data request stored beside the model (the training set it was trained on).</summary>
    public static DataRequest DataRequestOf(string modelDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDir);
        string path = Path.Combine(modelDir, DataRequestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{modelDir} is not a trained-model folder (no {DataRequestFile}).", path);
        try
        {
            return JsonSerializer.Deserialize<DataRequest>(File.ReadAllText(path), Json) is { Spec: not null } request
                ? request
                : throw new DataFormatException(path, "empty, or not a data request.");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not a valid data request ({e.Message})", innerException: e);
        }
    }

    /// <summary>
    /// Checks that <paramref name="outDir"/> can take a training run on <paramref name="request"/> (nothing is written): a new run needs
    /// a missing or empty folder (<see cref="IOException"/> otherwise); with <paramref name="resume"/>, a folder that already holds a
    /// model must have been trained on the same data request (<see cref="ArgumentException"/> otherwise). Returns the full path.
    /// </summary>
    public static string Check(string outDir, DataRequest request, bool resume)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        ArgumentNullException.ThrowIfNull(request);
        outDir = Path.GetFullPath(outDir);
        string file = Path.Combine(outDir, DataRequestFile);
        if (!resume && Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw OptionMessage.IO($"Output folder {outDir} already exists and is not empty; choose another {{Out}}, or pass {{Resume}} to continue it.", null, "Out", "Resume");
        if (resume && File.Exists(file))
        {
            var stored = DataRequestOf(outDir);
            if (!SameData(stored, request))
                throw OptionMessage.Argument($"{{Resume}}: {outDir} was trained on different data ({stored.Spec}, n = {stored.Count?.ToString(CultureInfo.InvariantCulture) ?? "all"}); " +
                                             "pass the same data options.", "Resume");
        }
        return outDir;
    }

    /// <summary>Creates <paramref name="outDir"/> and stores <paramref name="request"/> there (<see cref="DataRequestFile"/>).</summary>
    public static void Store(string outDir, DataRequest request)
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, DataRequestFile), JsonSerializer.Serialize(request, Json));
    }

    /// <summary>
    /// The model folders of <paramref name="dirs"/>: a folder without a model of its own but with <c>n-*</c> model folders (a
    /// memorization sweep) expands to those, ordered by n; a missing folder throws <see cref="IOException"/>.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> dirs)
    {
        var list = new List<string>();
        foreach (var dir in dirs)
        {
            if (!Directory.Exists(dir)) throw OptionMessage.IO($"{{modelDirs}}: folder {dir} does not exist.", null, "modelDirs");
            bool isModel = File.Exists(Path.Combine(dir, DataRequestFile));
            var members = isModel ? [] : Directory.GetDirectories(dir, "n-*")
                .Where(m => File.Exists(Path.Combine(m, DataRequestFile)))
                .Select(m => (Dir: m, N: int.TryParse(Path.GetFileName(m)[2..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue))
                .OrderBy(m => m.N).Select(m => m.Dir).ToList();
            if (isModel || members.Count == 0) list.Add(dir); // a model folder, or an error from loading naming what is missing
            else list.AddRange(members);
        }
        return list;
    }

    private static bool SameData(DataRequest a, DataRequest b) =>
        a.Spec == b.Spec && a.LabelsPath == b.LabelsPath && a.Count == b.Count && a.Downsample == b.Downsample && a.Seed == b.Seed
        && (a.Classes ?? []).SequenceEqual(b.Classes ?? []) && a.ScaleImages == b.ScaleImages;

    /// <summary>
    /// The denoiser of the folder (EMA weights unless <paramref name="ema"/> is false), after checking that it was trained on data
    /// of this n and d. Throws <see cref="ArgumentException"/> (parameter <paramref name="data"/>) when they differ.
    /// </summary>
    public static NeuralDenoiser Load(string modelDir, Dataset data, bool ema = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        var info = Checkpoint.ReadInfo(modelDir);
        if (info.D != data.Dimension)
            throw new ArgumentException($"The model in {modelDir} was trained in d = {info.D}, the data have d = {data.Dimension}.", nameof(data));
        if (info.N != data.Count)
            throw new ArgumentException($"The model in {modelDir} was trained on n = {info.N} points, the data have n = {data.Count}: " +
                                        "use the data it was trained on (the data request stored in the folder).", nameof(data));
        return Checkpoint.LoadDenoiser(modelDir, ema);
    }

    /// <summary>The <see cref="DenoiserKind.Trained"/> source of <see cref="Denoisers.Factory"/>: <see cref="Load"/> of <see cref="DenoiserSpec.Path"/>.</summary>
    public sealed class Source : IDenoiserSource
    {
        /// <inheritdoc />
        public DenoiserKind Kind => DenoiserKind.Trained;

        /// <inheritdoc />
        public IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth) => Load(spec.Path!, data, spec.Ema);
    }
}
