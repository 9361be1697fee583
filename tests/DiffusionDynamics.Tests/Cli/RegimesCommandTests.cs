using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class RegimesCommandTests : CliHarness
{
    [Fact]
    public void Regimes_OnBuiltinImages_WritesTheDocumentedKeys_FiguresAndReport()
    {
        string outDir = Path.Combine(Root, "builtin");
        var (code, stdout, stderr) = Run("regimes", "--n", "400", "--pairs", "16", "--branches", "6", "--steps", "60",
            "--entropy-samples", "32", "--bootstrap", "20", "--seed", "7", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "regimes.json", "regimes.csv", "manifest.json", "index.html", "speciation.png", "speciation.svg",
                     "speciation-relative.png", "collapse.png", "excess-entropy.png", "last-change.png", "samples-vs-nearest.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "regimes.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        Assert.Equal(400, r.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(784, r.GetProperty("data").GetProperty("d").GetInt32());
        double lambda = r.GetProperty("data").GetProperty("lambdaMax").GetDouble();
        var s = r.GetProperty("speciation");
        Assert.Equal(0.5 * Math.Log(lambda), s.GetProperty("theory").GetDouble(), 9);
        Assert.True(s.TryGetProperty("measured", out _));
        Assert.True(s.TryGetProperty("stderr", out _));
        var point = s.GetProperty("curve")[0];
        foreach (var key in new[] { "t", "phi", "stderr" }) Assert.True(point.TryGetProperty(key, out _), key);
        var c = r.GetProperty("collapse");
        foreach (var key in new[] { "theoryGaussian", "entropyCrossing", "lastChangeMean", "memorizedFraction" }) Assert.True(c.TryGetProperty(key, out _), key);
        var cp = c.GetProperty("curve")[0];
        foreach (var key in new[] { "t", "phiC", "stderr", "fOverAlpha" }) Assert.True(cp.TryGetProperty(key, out _), key);
        Assert.Contains("t_S theory", stdout);
        Assert.Contains("held-out accuracy", stdout);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, "regimes.csv")).Length); // header + 6 branch times
        Assert.Contains("speciation.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Regimes_OnTwoClusterData_UsesTheOverlapRuleAndTheQuadrature()
    {
        string outDir = Path.Combine(Root, "two-cluster");
        var (code, _, stderr) = Run("regimes", "--data", "two-cluster:d=32,n=500,mu=1,sigma=1,seed=1", "--pairs", "16",
            "--branches", "4", "--steps", "50", "--entropy-samples", "16", "--bootstrap", "10", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "regimes.json")));
        var s = json.RootElement.GetProperty("speciation");
        Assert.Contains("overlap", s.GetProperty("classRule").GetString());
        Assert.All(s.GetProperty("curve").EnumerateArray(), p => Assert.Equal(JsonValueKind.Number, p.GetProperty("theory").ValueKind));
        Assert.NotEqual(JsonValueKind.Null, json.RootElement.GetProperty("collapse").GetProperty("theoryTwoCluster").ValueKind);
        Assert.False(File.Exists(Path.Combine(outDir, "samples-vs-nearest.png"))); // vector data: no image grid
    }

    [Theory]
    [InlineData("regimes", "--pairs", "1")]
    [InlineData("regimes", "--branches", "1")]
    [InlineData("regimes", "--steps", "0")]
    [InlineData("regimes", "--t-min", "-1")]
    [InlineData("regimes", "--branch-min", "50")]
    [InlineData("regimes", "--data", "points:3")]
    [InlineData("regimes", "--data", "/nonexistent.idx")]
    [InlineData("regimes", "--data", "builtin", "--labels", "x.npy")]
    public void BadOptionsOrData_ExitWithCode2_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing(args);
    }
}
