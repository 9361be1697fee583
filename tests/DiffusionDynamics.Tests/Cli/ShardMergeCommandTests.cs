using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>
/// Sharded sweeps end to end: a sweep run in 3 shards (separate --shard runs) and merged writes the same result files as the sweep run
/// whole — byte for byte apart from timings and the run folder's own path — and merge refuses an incomplete or mixed set.
/// </summary>
[Collection(RunAloneCollection.Name)]
public class ShardMergeCommandTests : CliHarness
{
    private static readonly string[] Phase = ["phase", "--d", "3,6", "--n", "24,48", "--pairs", "8", "--steps", "40", "--entropy-samples", "128", "--seed", "3"];

    private static readonly string[] Memorization = ["memorization", "--data", "two-cluster:d=4,n=64,mu=1,sigma=0.5,seed=2", "--sizes", "8,16,32", "--steps", "15",
        "--width", "16", "--depth", "1", "--samples", "8", "--score-samples", "8", "--seed", "1"];

    /// <summary>JSON with every timing ("seconds", "…Seconds") removed and the run folder's path replaced.</summary>
    private static string WithoutTimings(string file, string folder)
    {
        var node = JsonNode.Parse(File.ReadAllText(file).Replace(folder, "RUN", StringComparison.Ordinal))!;
        void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).Where(k => k.EndsWith("seconds", StringComparison.OrdinalIgnoreCase)).ToList()) o.Remove(key);
                foreach (var p in o.ToList()) Strip(p.Value);
            }
            else if (n is JsonArray a) foreach (var x in a) Strip(x);
        }
        Strip(node);
        return node.ToJsonString();
    }

    private (string Whole, string Merged) WholeAndMerged(string[] sweep, string name)
    {
        string whole = Path.Combine(Root, name + "-whole"), merged = Path.Combine(Root, name + "-merged");
        var (code, _, err) = Run([.. sweep, "--out", whole]);
        Assert.True(code == 0, err);
        var shards = Enumerable.Range(0, 3).Select(i => Path.Combine(Root, $"{name}-shard-{i}")).ToArray();
        for (int i = 0; i < 3; i++)
        {
            var (c, o, e) = Run([.. sweep, "--shard", $"{i}/3", "--out", shards[i]]);
            Assert.True(c == 0, e);
            Assert.Contains($"shard {i}/3", o);
            Assert.False(File.Exists(Path.Combine(shards[i], "index.html")), "a shard writes points, not the report");
        }
        // A retried task finds its points done.
        Assert.Contains("done in an earlier run", Run([.. sweep, "--shard", "1/3", "--out", shards[1]]).Out);

        // Incomplete and mixed sets are refused, naming the missing points / the difference.
        var (ci, _, ei) = Run("merge", shards[0], shards[2], "--out", Path.Combine(Root, name + "-incomplete"));
        Assert.Equal(2, ci);
        Assert.Contains("missing", ei);
        Assert.Contains("shard 1/3", ei);
        Assert.False(Directory.Exists(Path.Combine(Root, name + "-incomplete")));

        var (cm, om, em) = Run(["merge", .. shards.Reverse(), "--out", merged]);
        Assert.True(cm == 0, em);
        Assert.Contains("merge:", om);
        return (whole, merged);
    }

    private static void AssertSameResults(string whole, string merged, params string[] jsonAndCsv)
    {
        var wholeFiles = Directory.GetFiles(whole, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(whole, f)).Order().ToArray();
        var mergedFiles = Directory.GetFiles(merged, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(merged, f)).Order().ToArray();
        Assert.Equal(wholeFiles, mergedFiles);
        foreach (var f in jsonAndCsv)
        {
            if (f.EndsWith(".csv")) Assert.Equal(File.ReadAllBytes(Path.Combine(whole, f)), File.ReadAllBytes(Path.Combine(merged, f)));
            else Assert.Equal(WithoutTimings(Path.Combine(whole, f), whole), WithoutTimings(Path.Combine(merged, f), merged));
        }
    }

    [Fact]
    public void Phase_InThreeShardsMerged_EqualsTheWholeRun()
    {
        var (whole, merged) = WholeAndMerged(Phase, "phase");
        AssertSameResults(whole, merged, "phase.json", "phase.csv");
        // The report shows the same summary (timings are not in it).
        string Table(string dir) => Regex.Match(File.ReadAllText(Path.Combine(dir, "index.html")), "<table>.*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(Table(whole), Table(merged));

        // A shard of another sweep (another seed) is refused, naming the option that differs.
        string other = Path.Combine(Root, "phase-other");
        Assert.Equal(0, Run([.. Phase.Select(a => a == "3" ? "4" : a), "--shard", "1/3", "--out", other]).Code);
        var (code, _, err) = Run("merge", Path.Combine(Root, "phase-shard-0"), other, Path.Combine(Root, "phase-shard-2"), "--out", Path.Combine(Root, "mixed"));
        Assert.Equal(2, code);
        Assert.Contains("options.seed", err);
    }

    [Fact]
    public void Memorization_InThreeShardsMerged_EqualsTheWholeRun()
    {
        var (whole, merged) = WholeAndMerged(Memorization, "memorization");
        AssertSameResults(whole, merged, "memorization.json", "sweep.json");
        // The CSV's last column is the training time; every other column is equal.
        string[] Csv(string dir) => File.ReadAllLines(Path.Combine(dir, "memorization.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();
        Assert.Equal(Csv(whole), Csv(merged));
        foreach (var n in new[] { 8, 16, 32 })
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, $"n-{n}", "checkpoint.weights.bin")), File.ReadAllBytes(Path.Combine(merged, $"n-{n}", "checkpoint.weights.bin")));
    }

    private static readonly string[] MemoryTrain = ["memory", "--data", "circle:n=16", "--sizes", "4,8,16", "--times", "0.01,0.5", "--samples", "8",
        "--steps", "20", "--starts", "8", "--basin-points", "2", "--basin-trials", "2", "--train", "--train-steps", "15"];

    [Fact]
    public void MemoryTrain_InThreeShardsMerged_EqualsTheWholeRun()
    {
        var (whole, merged) = WholeAndMerged(MemoryTrain, "memory");
        AssertSameResults(whole, merged, "memory.json", "sweep.json");
        foreach (var n in new[] { 4, 8, 16 })
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "models", $"n-{n}", "checkpoint.weights.bin")), File.ReadAllBytes(Path.Combine(merged, "models", $"n-{n}", "checkpoint.weights.bin")));
    }

    private static readonly string[] SpectrumSizes = ["spectrum", "--data", "manifold:d=12,n=60,stds=2x1;3x0.3;rest0.01", "--sizes", "20,40,60",
        "--point-count", "3", "--times", "6", "--seed", "3"];

    [Fact]
    public void SpectrumSizes_InThreeShardsMerged_EqualsTheWholeRun()
    {
        var (whole, merged) = WholeAndMerged(SpectrumSizes, "spectrum");
        AssertSameResults(whole, merged, "spectrum.json", "spectrum.csv");
    }

    private static readonly string[] Accelerate = ["accelerate", "--data", "two-cluster:d=4,n=300,seed=1", "--samples", "32", "--nfe", "5,11",
        "--samplers", "sde,ode-heun", "--bootstrap", "10", "--features", "identity", "--seed", "3"];

    [Fact]
    public void Accelerate_InThreeShardsMerged_EqualsTheWholeRun()
    {
        // 2 samplers × (baseline, teleport, late start) × 2 budgets = 12 cells; every shard computes the shared t_skip, features and floor itself.
        var (whole, merged) = WholeAndMerged(Accelerate, "accelerate");
        AssertSameResults(whole, merged, "accelerate.json");
        // The CSV's last column is the wall time of the cell; every other column is equal.
        string[] Csv(string dir) => File.ReadAllLines(Path.Combine(dir, "accelerate.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();
        Assert.Equal(13, Csv(whole).Length);
        Assert.Equal(Csv(whole), Csv(merged));
    }

    [Fact]
    public void DryRun_ListsThePointsAndTheirShard_AndWritesNothing()
    {
        string dir = Path.Combine(Root, "dry");
        var (code, output, _) = Run([.. Phase, "--shard", "1/3", "--dry-run", "--out", dir]);
        Assert.Equal(0, code);
        Assert.Contains("4 points in 3 shards", output);
        Assert.Contains("1\t1*\td=3,n=48", output);
        Assert.Contains("3\t0\td=6,n=48", output);
        Assert.False(Directory.Exists(dir));
        // --shard-count alone shows the split without choosing a shard.
        var (code2, split, _) = Run([.. Phase, "--shard-count", "2", "--dry-run"]);
        Assert.Equal(0, code2);
        Assert.Contains("4 points in 2 shards", split);
        Assert.Contains("3\t1\td=6,n=48", split);
        Assert.DoesNotContain("*", split);
    }

    [Theory]
    [InlineData("--shard", "3/3")]
    [InlineData("--shard", "x")]
    [InlineData("--shard-count", "2")]
    [InlineData("--shard", "0/2", "--shard-count", "3")]
    public void BadShardOptions_AreRefusedWithOneLine(params string[] bad) => AssertUsageErrorWroteNothing([.. Phase, .. bad]);

    [Fact]
    public void Merge_OfAFolderThatIsNoShard_IsRefused()
    {
        Directory.CreateDirectory(Path.Combine(Root, "empty"));
        var (code, _, err) = Run("merge", Path.Combine(Root, "empty"), "--out", Path.Combine(Root, "m"));
        Assert.Equal(2, code);
        Assert.Contains("sweep-manifest.json", err);
    }
}
