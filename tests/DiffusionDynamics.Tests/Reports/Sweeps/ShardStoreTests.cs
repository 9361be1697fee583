using DiffusionDynamics.Analysis;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Tests.ReportTests;

/// <summary>Shard folders: one atomic file per point, resumption, and the checks of merge (same sweep, every point once).</summary>
public sealed class ShardStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "diffdyn-shards-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, true);
    }

    public sealed record Point(int K, double Value);

    private static SweepManifest Manifest(long seed = 0) =>
        SweepManifest.Of("test", new { seed, grid = new[] { 1, 2, 3 } }, SweepManifest.Fingerprint("data"), Enumerable.Range(0, 7).Select(k => $"k={k}"));

    private string RunShard(int i, int n, SweepManifest? manifest = null, List<int>? ran = null)
    {
        string dir = Path.Combine(root, $"shard-{i}-of-{n}-{manifest?.Options?.ToJsonString().GetHashCode() ?? 0}");
        var shard = new Shard(i, n);
        var store = ShardStore<Point>.Open(dir, (manifest ?? Manifest()) with { Shard = shard.ToString() });
        ShardedSweep.Run(store, shard, k => { ran?.Add(k); return new Point(k, Math.Sqrt(k)); });
        return dir;
    }

    [Fact]
    public void EachPointIsItsOwnFile_AndARerunSkipsFinishedPoints()
    {
        var ran = new List<int>();
        string dir = RunShard(1, 3, ran: ran);
        Assert.Equal([1, 4], ran);
        Assert.Equal(["point-00001.json", "point-00004.json"], Directory.GetFiles(Path.Combine(dir, "points")).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*", SearchOption.AllDirectories));
        // A retried task: point 4 lost (killed while writing it), point 1 kept.
        File.Delete(ShardStore<Point>.PointFile(dir, 4));
        ran.Clear();
        RunShard(1, 3, ran: ran);
        Assert.Equal([4], ran);
    }

    [Fact]
    public void AFolderOfAnotherSweepOrShard_IsRefused()
    {
        string dir = RunShard(0, 2);
        var other = Manifest(seed: 1) with { Shard = "0/2" };
        Assert.Contains("options.seed", Assert.ThrowsAny<ArgumentException>(() => ShardStore<Point>.Open(dir, other)).Message);
        Assert.Contains("holds shard 0/2", Assert.ThrowsAny<ArgumentException>(() => ShardStore<Point>.Open(dir, Manifest() with { Shard = "1/2" })).Message);
        string plain = Path.Combine(root, "plain");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "x.txt"), "x");
        Assert.Throws<IOException>(() => ShardStore<Point>.Open(plain, Manifest()));
    }

    [Fact]
    public void Merge_ReturnsEveryPointInOrder()
    {
        var dirs = new[] { RunShard(2, 3), RunShard(0, 3), RunShard(1, 3) };
        var (manifest, points) = SweepMerge.Read<Point>(dirs);
        Assert.Equal("test", manifest.Command);
        Assert.Equal(Enumerable.Range(0, 7).Select(k => new Point(k, Math.Sqrt(k))), points);
    }

    [Fact]
    public void Merge_RefusesMissingPoints_NamingThemAndTheirShard()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => SweepMerge.Read<Point>([RunShard(0, 3), RunShard(2, 3)]));
        Assert.Contains("2 of 7 points are missing", e.Message);
        Assert.Contains("1 (k=1, shard 1/3)", e.Message);
        Assert.Contains("4 (k=4, shard 1/3)", e.Message);
    }

    [Fact]
    public void Merge_RefusesShardsOfDifferentSweeps_AndDuplicatePoints()
    {
        var mixed = Assert.ThrowsAny<ArgumentException>(() => SweepMerge.Read<Point>([RunShard(0, 2), RunShard(1, 2, Manifest(seed: 9))]));
        Assert.Contains("not from one sweep", mixed.Message);
        Assert.Contains("options.seed", mixed.Message);
        var twice = Assert.ThrowsAny<ArgumentException>(() => SweepMerge.Read<Point>([RunShard(0, 1), RunShard(1, 2)]));
        Assert.Contains("is in two shard folders", twice.Message);
        Assert.Throws<IOException>(() => SweepMerge.Read<Point>([root]));
    }
}
