using System.Text.Json;
using DiffusionDynamics.Data;
using System.Text.Json.Serialization;
using TorchSharp.Modules;

namespace DiffusionDynamics.Neural;

/// <summary>
/// A training checkpoint: four files in one directory,
/// <list type="bullet">
/// <item><c>checkpoint.json</c> — <see cref="CheckpointInfo"/> (network and training options, step, training-set description);</item>
/// <item><c>checkpoint.weights.bin</c> — network weights (TorchSharp <c>module.save</c> format);</item>
/// <item><c>checkpoint.ema.bin</c> — weights of the EMA copy;</item>
/// <item><c>checkpoint.adam.bin</c> — Adam state (step count and moments; TorchSharp <c>save_state_dict</c> format).</item>
/// </list>
/// Each file is written to a temporary name and renamed over the old one (atomic per file); checkpoint.json is
/// renamed last, so an interrupted save leaves either the old json or a complete new set.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the description.</summary>
    public const string InfoFile = "checkpoint.json";
    internal const string WeightsFile = "checkpoint.weights.bin";
    internal const string EmaFile = "checkpoint.ema.bin";
    internal const string AdamFile = "checkpoint.adam.bin";

    /// <summary>JSON settings of checkpoint.json (indented, enums as names, camelCase).</summary>
    internal static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// The denoiser of a checkpoint: its EMA weights (default) or its raw weights.
    /// <paramref name="checkpointPathOrDir"/> is the checkpoint directory or any of its files.
    /// </summary>
    public static NeuralDenoiser LoadDenoiser(string checkpointPathOrDir, bool ema = true)
    {
        var info = ReadInfo(checkpointPathOrDir);
        string dir = Directory(checkpointPathOrDir);
        var network = ScoreNetwork.Create(info.Network, 0);
        try
        {
            LoadWeights(network, Path.Combine(dir, ema ? EmaFile : WeightsFile));
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return new NeuralDenoiser(network);
    }

    /// <summary>
    /// Loads weights saved by <see cref="Save"/> into <paramref name="network"/>; a missing, truncated or
    /// mismatched file is a <see cref="DataFormatException"/> naming it.
    /// </summary>
    internal static void LoadWeights(ScoreNetwork network, string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "the checkpoint's weights file is missing.");
        try
        {
            network.load(path);
        }
        catch (Exception e) when (e is not DataFormatException and not OutOfMemoryException)
        {
            throw new DataFormatException(path, $"the weights cannot be read (truncated, or not written for this network): {e.Message}", innerException: e);
        }
    }

    /// <summary>Loads Adam's state saved by <see cref="Save"/>; a missing or unreadable file is a <see cref="DataFormatException"/>.</summary>
    internal static void LoadAdam(Adam adam, string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "the checkpoint's optimizer state file is missing.");
        try
        {
            adam.load_state_dict(path);
        }
        catch (Exception e) when (e is not DataFormatException and not OutOfMemoryException)
        {
            throw new DataFormatException(path, $"the optimizer state cannot be read (truncated?): {e.Message}", innerException: e);
        }
    }

    /// <summary>Reads checkpoint.json of a checkpoint directory (or of the directory of a checkpoint file).</summary>
    public static CheckpointInfo ReadInfo(string checkpointPathOrDir)
    {
        string path = Path.Combine(Directory(checkpointPathOrDir), InfoFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{checkpointPathOrDir}' ({path} is missing).", path);
        CheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not a valid checkpoint description ({e.Message})", innerException: e);
        }
        if (info?.Network is null || info.Training is null || info.ItemShape is null || info.Preprocessing is null || info.DataName is null)
            throw new DataFormatException(path, "not a valid checkpoint description (empty, or fields missing).");
        try
        {
            info.Network.Validate();
            info.Training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, $"not a valid checkpoint description: {e.Message}", innerException: e);
        }
        if (info.Step < 0) throw new DataFormatException(path, $"not a valid checkpoint description: step = {info.Step} < 0.");
        return info;
    }

    /// <summary>
    /// True when <paramref name="dir"/> holds a checkpoint (its checkpoint.json). The other three files are then
    /// required: <see cref="RequireComplete"/> says which one is missing rather than starting over.
    /// </summary>
    internal static bool Exists(string dir) => File.Exists(Path.Combine(dir, InfoFile));

    /// <summary>Throws <see cref="DataFormatException"/> naming the first of the four checkpoint files that is missing.</summary>
    internal static void RequireComplete(string dir)
    {
        foreach (var f in new[] { InfoFile, WeightsFile, EmaFile, AdamFile })
        {
            string path = Path.Combine(dir, f);
            if (!File.Exists(path))
                throw new DataFormatException(path, $"the checkpoint in {dir} is incomplete ({f} is missing); restore it, or train into a new output folder.");
        }
    }

    internal static string Directory(string checkpointPathOrDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPathOrDir);
        return System.IO.Directory.Exists(checkpointPathOrDir)
            ? checkpointPathOrDir
            : Path.GetDirectoryName(Path.GetFullPath(checkpointPathOrDir))!;
    }

    /// <summary>Writes the four files (temp file, then rename; json last). Returns the json path.</summary>
    internal static string Save(string dir, ScoreNetwork network, ScoreNetwork ema, Adam adam, CheckpointInfo info)
    {
        System.IO.Directory.CreateDirectory(dir);
        string Tmp(string f) => Path.Combine(dir, f + ".tmp");
        network.save(Tmp(WeightsFile));
        ema.save(Tmp(EmaFile));
        adam.save_state_dict(Tmp(AdamFile));
        File.WriteAllText(Tmp(InfoFile), JsonSerializer.Serialize(info, Json));
        foreach (var f in new[] { WeightsFile, EmaFile, AdamFile, InfoFile })
            File.Move(Tmp(f), Path.Combine(dir, f), overwrite: true);
        return Path.Combine(dir, InfoFile);
    }
}
