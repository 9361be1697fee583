using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class EntropyGuideCommandTests : CliHarness
{
    private const string TwoCluster = "two-cluster:d=2,n=400,mu=1,sigma=0.5,seed=2";

    [Fact]
    public void Entropy_TwoCluster_WritesTheJsonContract_AndProgressOnStderr()
    {
        string dir = Path.Combine(Root, "entropy");
        var (code, stdout, stderr) = Run("entropy", "--data", TwoCluster, "--samples", "32", "--steps", "20", "--immse-samples", "64", "--out", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("peak of dH/dt", stdout);
        Assert.Contains("trajectories:", stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "entropy.json")));
        var root = json.RootElement;
        foreach (var key in new[] { "clock", "curve", "peak", "perClass", "speciationTheory" }) Assert.True(root.TryGetProperty(key, out _), key);
        var point = root.GetProperty("curve")[0];
        foreach (var key in new[] { "t", "H", "stderr", "rate", "rateStderr", "theory", "online", "immse" }) Assert.True(point.TryGetProperty(key, out _), key);
        Assert.Equal(JsonValueKind.Number, point.GetProperty("theory").ValueKind);
        foreach (var key in new[] { "t", "rate", "theory" }) Assert.True(root.GetProperty("peak").TryGetProperty(key, out _), key);
        foreach (var f in new[] { "entropy.png", "rate.png", "per-class-rates.png", "state-information.png", "index.html", "manifest.json", "entropy.csv",
                     "state-information.csv" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var state = root.GetProperty("stateInformation");
        Assert.Equal(0, state.GetProperty("probes").GetInt32());
        foreach (var key in new[] { "t", "divergence", "rate", "rateStderr", "theory", "information" }) Assert.True(state.GetProperty("curve")[0].TryGetProperty(key, out _), key);
        // The report opens with what ran: the data, the class-conditional scores the command built and the sampler's CLI word.
        string entropyHtml = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("What ran: data two-cluster", entropyHtml);
        Assert.Contains("score: two-cluster model (exact)", entropyHtml);
        Assert.Contains("sampler sde", entropyHtml);
        var symmetry = root.GetProperty("symmetryBreaking");
        Assert.Equal(symmetry.GetProperty("closedForm").GetDouble(), symmetry.GetProperty("criticalTime").GetDouble(), 3);
        Assert.Contains("symmetry-breaking time", stdout);
    }

    [Fact]
    public void Entropy_NoOnline_WritesNullOnline()
    {
        string dir = Path.Combine(Root, "entropy2");
        var (code, _, stderr) = Run("entropy", "--data", "points:-1,1", "--samples", "16", "--steps", "10", "--no-online", "--no-immse", "--sampler", "ode-heun", "--out", dir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "entropy.json")));
        var point = json.RootElement.GetProperty("curve")[0];
        Assert.Equal(JsonValueKind.Null, point.GetProperty("online").ValueKind);
        Assert.Equal(JsonValueKind.Null, point.GetProperty("immse").ValueKind);
        Assert.Equal(JsonValueKind.Number, point.GetProperty("theory").ValueKind);   // two points ±1: the closed form applies
    }

    [Fact]
    public void Guide_TwoCluster_WritesTheJsonContract()
    {
        string dir = Path.Combine(Root, "guide");
        var (code, stdout, stderr) = Run("guide", "--avoid", "1", "--data", TwoCluster, "--samples", "32", "--steps", "20", "--sweep", "2", "--out", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("dynamic λ = 1", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "guide.json")));
        var root = json.RootElement;
        var modes = root.GetProperty("modes");
        Assert.Equal(5, modes.GetArrayLength());
        foreach (var key in new[] { "mode", "lambda", "forbiddenShare", "forbiddenShareStderr", "klToTarget", "frechet", "collateral" }) Assert.True(modes[0].TryGetProperty(key, out _), key);
        Assert.Equal(new[] { "none", "static", "dynamic" }, modes.EnumerateArray().Select(m => m.GetProperty("mode").GetString()).Distinct().ToArray());
        Assert.True(root.GetProperty("tracking").TryGetProperty("maxAbsError", out _));
        Assert.True(root.GetProperty("tracking").TryGetProperty("meanAbsError", out _));
        Assert.True(root.GetProperty("classifierAccuracy").GetDouble() > 0.9);
        foreach (var f in new[] { "tradeoff.png", "histograms.png", "tracking.png", "index.html", "guide.csv" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string guideHtml = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("What ran: data ", guideHtml);
        Assert.Contains("sampler sde", guideHtml);
    }

    [Theory]
    [InlineData("guide", "--avoid", "1", "--lambda", "-1")]
    [InlineData("guide", "--avoid", "1", "--p-min", "0.5", "--p-max", "0.4")]
    [InlineData("guide", "--avoid", "5")]
    [InlineData("guide", "--avoid", "1", "--classes", "1")]
    [InlineData("guide", "--avoid", "1", "--sampler", "ode-heun")]
    [InlineData("entropy", "--classes", "1")]
    [InlineData("guide", "--lambda", "1")]
    [InlineData("entropy", "--sampler", "ddim")]
    [InlineData("entropy", "--strip", "40")]
    [InlineData("entropy", "--probes", "0")]
    public void InvalidInputs_ExitCode2_WithOneErrorLine(params string[] args) =>
        AssertUsageErrorWroteNothing([.. args, "--data", TwoCluster, "--samples", "4", "--steps", "4"]);
}
