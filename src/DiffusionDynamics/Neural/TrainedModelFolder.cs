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
    };

    /// <summary>The data request stored beside the model (the training set it was trained on).</summary>
    public static DataRequest DataRequestOf(string modelDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDir);
        string path = Path.Combine(modelDir, DataRequestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{modelDir} is not a trained-model folder (no {DataRequestFile}).", path);
        return JsonSerializer.Deserialize<DataRequest>(File.ReadAllText(path), Json)
            ?? throw new IOException($"{path} is empty.");
    }

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
                                        $"use the data it was trained on ({nameof(DataRequestOf)}).", nameof(data));
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
