using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>
/// The folder of one shard of a sweep: <c>sweep-manifest.json</c> (<see cref="SweepManifest"/>) and one file per finished point,
/// <c>points/point-KKKKK.json</c> (index, label, the point's result), each written atomically (temporary file, then rename). A point
/// already on disk is not run again, so a retried array task resumes where the killed one stopped; a folder of another sweep or
/// another shard is refused.
/// </summary>
/// <typeparam name="TPoint">The result of one point; must round-trip through <see cref="RunManifest.JsonOptions"/>.</typeparam>
public sealed class ShardStore<TPoint>
{
    /// <summary>Folder of the point files inside a shard folder.</summary>
    public const string PointsFolder = "points";

    private ShardStore(string folder, SweepManifest manifest)
    {
        Folder = folder;
        Manifest = manifest;
    }

    /// <summary>The shard folder.</summary>
    public string Folder { get; }

    /// <summary>The sweep this shard belongs to.</summary>
    public SweepManifest Manifest { get; }

    /// <summary>Path of point <paramref name="index"/>'s file inside <paramref name="folder"/>.</summary>
    public static string PointFile(string folder, int index) => Path.Combine(folder, PointsFolder, $"point-{index:D5}.json");

    /// <summary>
    /// Opens (creating when missing) the shard folder <paramref name="folder"/> for <paramref name="manifest"/>. A folder that already
    /// holds a manifest must describe the same sweep and shard (<see cref="ArgumentException"/> naming the first difference); any other
    /// non-empty folder is refused (<see cref="IOException"/>).
    /// </summary>
    public static ShardStore<TPoint> Open(string folder, SweepManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string dir = Path.GetFullPath(folder);
        if (File.Exists(dir)) throw OptionMessage.IO($"Output path {dir} is a file ({{Out}}).", null, "Out");
        if (File.Exists(Path.Combine(dir, SweepManifest.FileName)))
        {
            var stored = SweepManifest.Read(dir);
            if (stored.FirstDifference(manifest) is string diff)
                throw OptionMessage.Argument($"{dir} holds a shard of another sweep ({diff}); choose another {{Out}}.", "Out");
            if (stored.Shard != manifest.Shard)
                throw OptionMessage.Argument($"{dir} holds shard {stored.Shard} of this sweep, not {manifest.Shard}; give each shard its own {{Out}}.", "Out", "Shard");
        }
        else if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw OptionMessage.IO($"Output folder {dir} already exists, is not empty and holds no shard of a sweep; choose another {{Out}}.", null, "Out");
        RunDirectory.CreateFolder(Path.Combine(dir, PointsFolder));
        manifest.Write(dir);
        return new ShardStore<TPoint>(dir, manifest);
    }

    /// <summary>The finished point <paramref name="index"/>, if its file is there.</summary>
    public bool TryGet(int index, out TPoint point)
    {
        point = default!;
        string file = PointFile(Folder, index);
        if (!File.Exists(file)) return false;
        point = ReadPoint(file, index).Point;
        return true;
    }

    /// <summary>Writes point <paramref name="index"/> atomically.</summary>
    public void Save(int index, TPoint point) =>
        AtomicFile.WriteAllText(PointFile(Folder, index), JsonSerializer.Serialize(new PointFile<TPoint>(index, Manifest.Points[index], point), RunManifest.JsonOptions));

    /// <summary>Reads a point file, checking it holds point <paramref name="index"/>.</summary>
    internal static PointFile<TPoint> ReadPoint(string file, int index)
    {
        try
        {
            var p = JsonSerializer.Deserialize<PointFile<TPoint>>(File.ReadAllText(file), RunManifest.JsonOptions) ?? throw new JsonException("empty file");
            if (p.Index != index) throw new JsonException($"it holds point {p.Index}");
            return p;
        }
        catch (JsonException e)
        {
            throw new IOException($"{file} is not point {index} of this sweep ({e.Message}); delete it to run the point again.", e);
        }
    }
}

/// <summary>One finished point on disk.</summary>
public sealed record PointFile<TPoint>(int Index, string Label, TPoint Point);

/// <summary>
/// The one loop of a shardable sweep: runs the points of <paramref name="shard"/> (all points when null) that <paramref name="isDone"/> does
/// not report finished, in index order, keeping each as soon as it is done.
/// </summary>
public static class ShardedSweep
{
    /// <summary>Runs the missing points of one shard of a sweep of <paramref name="count"/> points into <paramref name="store"/>; returns (run, found).</summary>
    public static (int Run, int Found) Run<TPoint>(ShardStore<TPoint> store, Shard shard, Func<int, TPoint> runPoint, Action<int>? found = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(shard);
        int ran = 0, skipped = 0;
        for (int k = 0; k < store.Manifest.Points.Count; k++)
        {
            if (!shard.Owns(k)) continue;
            cancellationToken.ThrowIfCancellationRequested();
            if (File.Exists(ShardStore<TPoint>.PointFile(store.Folder, k)))
            {
                skipped++;
                found?.Invoke(k);
                continue;
            }
            store.Save(k, runPoint(k));
            ran++;
        }
        return (ran, skipped);
    }
}
