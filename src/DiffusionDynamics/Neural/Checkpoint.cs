using System.Text.Json;
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
            network.load(Path.Combine(dir, ema ? EmaFile : WeightsFile));
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return new NeuralDenoiser(network);
    }

    /// <summary>Reads checkpoint.json of a checkpoint directory (or of the directory of a checkpoint file).</summary>
    public static CheckpointInfo ReadInfo(string checkpointPathOrDir)
    {
        string path = Path.Combine(Directory(checkpointPathOrDir), InfoFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{checkpointPathOrDir}' ({path} is missing).", path);
        var info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), Json)
                   ?? throw new InvalidDataException($"{path} is empty.");
        info.Network.Validate();
        return info;
    }

    /// <summary>True when <paramref name="dir"/> holds a complete checkpoint.</summary>
    internal static bool Exists(string dir) =>
        new[] { InfoFile, WeightsFile, EmaFile, AdamFile }.All(f => File.Exists(Path.Combine(dir, f)));

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
