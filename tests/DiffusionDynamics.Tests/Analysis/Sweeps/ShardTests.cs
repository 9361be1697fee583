using DiffusionDynamics.Analysis;

namespace DiffusionDynamics.Tests.Analysis;

/// <summary>Shard selection: the i/N option and each scheduler's job-array conventions, with the environment injected as a dictionary.</summary>
public class ShardTests
{
    private static Dictionary<string, string> Env(params (string Key, string Value)[] vars) => vars.ToDictionary(v => v.Key, v => v.Value);

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData(" 7 / 8 ", 7, 8)]
    public void Parse_ReadsIndexAndCount(string text, int index, int count)
    {
        var s = Shard.Parse(text);
        Assert.Equal((index, count), (s.Index, s.Count));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void Parse_RefusesBadValues_NamingTheOption(string text)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Shard.Parse(text));
        Assert.Equal("Shard", e.ParamName);
        Assert.Contains("Shard", e.Message);
    }

    [Fact]
    public void RoundRobin_GivesEveryPointToExactlyOneShard()
    {
        for (int n = 1; n <= 5; n++)
            for (int k = 0; k < 23; k++)
                Assert.Single(Enumerable.Range(0, n), i => new Shard(i, n).Owns(k));
        Assert.Equal([1, 4, 7], Enumerable.Range(0, 9).Where(new Shard(1, 3).Owns));
    }

    [Fact]
    public void NoOptionNoScheduler_IsTheWholeSweep() => Assert.Null(Shard.Resolve(null, null, Env()));

    [Fact]
    public void Option_WinsOverTheEnvironment()
    {
        var s = Shard.Resolve("1/2", null, Env((Shard.SlurmId, "5"), (Shard.SlurmMin, "1"), (Shard.SlurmCount, "9")))!;
        Assert.Equal((1, 2), (s.Index, s.Count));
    }

    [Theory]
    // sbatch --array=0-3: ids 0..3.
    [InlineData("2", "0", null, "4", null, 2, 4)]
    // sbatch --array=1-4: arrays starting at 1.
    [InlineData("1", "1", null, "4", null, 0, 4)]
    [InlineData("4", "1", null, "4", null, 3, 4)]
    // sbatch --array=1-9:2: ids 1,3,5,7,9, count 5.
    [InlineData("7", "1", "2", "5", "9", 3, 5)]
    // Count from MAX when COUNT is missing: --array=10-20:5 → 10,15,20.
    [InlineData("20", "10", "5", null, "20", 2, 3)]
    public void Slurm_IndexIsTheOffsetFromMinInSteps(string id, string min, string? step, string? count, string? max, int index, int shards)
    {
        var env = Env((Shard.SlurmId, id), (Shard.SlurmMin, min));
        if (step is not null) env[Shard.SlurmStep] = step;
        if (count is not null) env[Shard.SlurmCount] = count;
        if (max is not null) env[Shard.SlurmMax] = max;
        var s = Shard.Resolve(null, null, env)!;
        Assert.Equal((index, shards), (s.Index, s.Count));
        Assert.Contains("SLURM", s.Source);
    }

    [Theory]
    [InlineData("4", "1", "2", "5", "not on the array's grid")]        // 4 is not in 1,3,5,…
    [InlineData("0", "1", null, "4", "not on the array's grid")]       // below MIN
    [InlineData("9", "1", null, "4", "outside the 4 shards")]          // a list-style array: (9 − 1) ≥ count
    [InlineData("x", "1", null, "4", "not an integer")]
    public void Slurm_RefusesInconsistentValues(string id, string min, string? step, string count, string expected)
    {
        var env = Env((Shard.SlurmId, id), (Shard.SlurmMin, min), (Shard.SlurmCount, count));
        if (step is not null) env[Shard.SlurmStep] = step;
        var e = Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, null, env));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Slurm_WithoutMin_IsRefused() =>
        Assert.Contains(Shard.SlurmMin, Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, null, Env((Shard.SlurmId, "2")))).Message);

    [Fact]
    public void Slurm_CountDisagreeingWithTheCountOption_IsRefused() =>
        Assert.Equal("ShardCount", Assert.ThrowsAny<ArgumentException>(() =>
            Shard.Resolve(null, 5, Env((Shard.SlurmId, "2"), (Shard.SlurmMin, "0"), (Shard.SlurmCount, "4")))).ParamName);

    [Fact]
    public void Kubernetes_IndexIsZeroBased_AndNeedsTheCount()
    {
        var s = Shard.Resolve(null, 4, Env((Shard.KubernetesIndex, "3")))!;
        Assert.Equal((3, 4), (s.Index, s.Count));
        var missing = Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, null, Env((Shard.KubernetesIndex, "3"))));
        Assert.Equal("ShardCount", missing.ParamName);
        Assert.Contains("completions", missing.Message);
        Assert.Contains("outside", Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, 3, Env((Shard.KubernetesIndex, "3")))).Message);
    }

    [Fact]
    public void AwsBatch_ReadsIndexAndSize_OrTheCountOption()
    {
        var s = Shard.Resolve(null, null, Env((Shard.AwsIndex, "0"), (Shard.AwsSize, "10")))!;
        Assert.Equal((0, 10), (s.Index, s.Count));
        var c = Shard.Resolve(null, 6, Env((Shard.AwsIndex, "5")))!;
        Assert.Equal((5, 6), (c.Index, c.Count));
        Assert.Equal("ShardCount", Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, null, Env((Shard.AwsIndex, "5")))).ParamName);
        Assert.Contains("not an integer", Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, null, Env((Shard.AwsIndex, "-1"), (Shard.AwsSize, "3")))).Message);
    }

    [Fact]
    public void TwoSchedulersAtOnce_AreRefused()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, null, Env((Shard.AwsIndex, "0"), (Shard.AwsSize, "2"), (Shard.KubernetesIndex, "1"))));
        Assert.Contains("several schedulers", e.Message);
    }

    [Fact]
    public void CountWithoutIndex_IsRefused() =>
        Assert.Equal("ShardCount", Assert.ThrowsAny<ArgumentException>(() => Shard.Resolve(null, 3, Env())).ParamName);
}
