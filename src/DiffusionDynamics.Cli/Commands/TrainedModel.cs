using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Loads a model folder written by <c>diffdyn train</c> and checks it against the data it is analysed with.</summary>
public static class TrainedModel
{
    /// <summary>The data request stored beside the model (the training set it was trained on).</summary>
    public static DataRequest DataRequestOf(string modelDir)
    {
        string path = Path.Combine(modelDir, TrainCommand.DataRequestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{modelDir} is not a diffdyn train folder (no {TrainCommand.DataRequestFile}).", path);
        try
        {
            return JsonSerializer.Deserialize<DataRequest>(File.ReadAllText(path), RunManifest.JsonOptions) is { Spec: not null } request
                ? request
                : throw new DataFormatException(path, "empty, or not a data request.");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not a valid data request ({e.Message})", innerException: e);
        }
    }

    /// <summary>The EMA denoiser of the folder, after checking that it was trained on data of this n and d.</summary>
    public static NeuralDenoiser Load(string modelDir, Dataset data)
    {
        var info = Checkpoint.ReadInfo(modelDir);
        if (info.D != data.Dimension)
            throw new ArgumentException($"The model in {modelDir} was trained in d = {info.D}, the data have d = {data.Dimension}.");
        if (info.N != data.Count)
            throw new ArgumentException($"The model in {modelDir} was trained on n = {info.N} points, the data have n = {data.Count}: pass the same data options (or none, to use the model's).");
        return Checkpoint.LoadDenoiser(modelDir, ema: true);
    }

    /// <summary>
    /// The training set stored beside each model folder, ascending in n; throws <see cref="ArgumentException"/> when two folders were
    /// trained on the same size (one network per size).
    /// </summary>
    public static IReadOnlyList<(string Dir, Dataset Data, SyntheticData? Truth)> LoadEach(IReadOnlyList<string> modelDirs)
    {
        var loaded = modelDirs.Select(dir => (Dir: dir, Loaded: DataRequestOf(dir).LoadWithTruth())).ToList();
        if (loaded.Select(x => x.Loaded.Data.Count).Distinct().Count() != loaded.Count)
            throw new ArgumentException($"--model: the networks were trained on sizes {string.Join(", ", loaded.Select(x => x.Loaded.Data.Count))}; each size must appear once.");
        return loaded.OrderBy(m => m.Loaded.Data.Count).Select(m => (m.Dir, m.Loaded.Data, m.Loaded.Truth)).ToList();
    }
}
