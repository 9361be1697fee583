using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>
/// What makes shards parts of one sweep, written by every shard as <c>sweep-manifest.json</c>: the command, its options (everything
/// that determines a point's result, as JSON), a fingerprint of the data, the tool version and the sweep's points in their fixed order.
/// <c>diffdyn merge</c> merges only shards whose manifests agree on all five (<see cref="FirstDifference"/>); <see cref="Shard"/> and
/// <see cref="Arguments"/> say which shard wrote the folder and how, and do not take part in the comparison.
/// </summary>
/// <param name="Command">The sweep's command, e.g. "phase".</param>
/// <param name="Options">The options that determine every point (JSON of the options records; no output folder, no shard).</param>
/// <param name="DataFingerprint">SHA-256 of the data (<see cref="Fingerprint(IEnumerable{Dataset})"/>) or of the synthetic spec (<see cref="Fingerprint(string)"/>).</param>
/// <param name="Version">The tool's informational version (with the git commit when built from a checkout).</param>
/// <param name="Points">Labels of the sweep's points, in the order that defines their indices.</param>
public sealed record SweepManifest(string Command, JsonNode? Options, string DataFingerprint, string Version, IReadOnlyList<string> Points)
{
    /// <summary>File name inside a shard folder.</summary>
    public const string FileName = "sweep-manifest.json";

    /// <summary>The shard that wrote the folder ("i/N").</summary>
    public string Shard { get; init; } = "0/1";

    /// <summary>Where the shard came from (option or scheduler variables).</summary>
    public string ShardSource { get; init; } = "option";

    /// <summary>The command line of the shard (without the command token).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>A manifest of <paramref name="command"/> with <paramref name="options"/> serialized as the result files are.</summary>
    public static SweepManifest Of(string command, object options, string dataFingerprint, IEnumerable<string> points) =>
        new(command, JsonNode.Parse(JsonSerializer.Serialize(options, RunManifest.JsonOptions)), dataFingerprint, RunManifest.ToolVersion, points.ToList());

    /// <summary>SHA-256 (hex) over each dataset's shape, labels and float32 values.</summary>
    public static string Fingerprint(IEnumerable<Dataset> datasets)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var d in datasets)
        {
            sha.AppendData(BitConverter.GetBytes(d.Count));
            sha.AppendData(BitConverter.GetBytes(d.Dimension));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Values));
            if (d.Labels is not null) sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Labels.AsSpan()));
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>SHA-256 (hex) of a text that determines the data exactly (a synthetic spec with its seed).</summary>
    public static string Fingerprint(string spec) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(spec)));

    /// <summary>The first way in which <paramref name="other"/> belongs to another sweep, or null when both describe the same sweep.</summary>
    public string? FirstDifference(SweepManifest other, string left = "stored", string right = "given")
    {
        if (Command != other.Command) return $"command: {left} {Command}, {right} {other.Command}";
        if (Version != other.Version) return $"version: {left} {Version}, {right} {other.Version}";
        if (JsonDifference.First(Options, other.Options, "options", left, right) is string d) return d;
        if (DataFingerprint != other.DataFingerprint) return $"data fingerprint: {left} {DataFingerprint}, {right} {other.DataFingerprint}";
        if (!Points.SequenceEqual(other.Points)) return $"points: {left} {string.Join(",", Points)}, {right} {string.Join(",", other.Points)}";
        return null;
    }

    /// <summary>Reads the manifest of the shard folder <paramref name="folder"/>; <see cref="IOException"/> when it holds none.</summary>
    public static SweepManifest Read(string folder)
    {
        string file = Path.Combine(folder, FileName);
        if (!File.Exists(file)) throw new IOException($"{folder} is not a shard folder of a sweep (no {FileName}).");
        try
        {
            return JsonSerializer.Deserialize<SweepManifest>(File.ReadAllText(file), RunManifest.JsonOptions) ?? throw new JsonException("empty file");
        }
        catch (JsonException e)
        {
            throw new IOException($"{file} is not a sweep manifest of this version ({e.Message}).", e);
        }
    }

    /// <summary>Writes the manifest into <paramref name="folder"/> atomically (temporary file, then rename).</summary>
    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, RunManifest.JsonOptions));
}

/// <summary>Files written whole or not at all: a temporary file beside the target, then a rename over it.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through <c>path.tmp-PID</c> and a rename.</summary>
    public static void WriteAllText(string path, string text)
    {
        string temp = $"{path}.tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
