using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class VarianceCommandTests : CliHarness
{
    [Fact]
    public void SmallRun_WritesTheJsonContract_FiguresAndReport()
    {
        string dir = Path.Combine(Root, "v");
        var (code, stdout, stderr) = Run("variance", "--models", "2", "--per-model", "50", "--samples", "32,256", "--cutoffs", "0.02", "--no-circle",
            "--points", "16", "--grid", "21", "--steps", "10", "--out", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("ratio map", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "variance.json")));
        var root = json.RootElement;
        Assert.Equal("OU time t", root.GetProperty("clock").GetString());
        var map = root.GetProperty("maps")[0];
        foreach (var key in new[] { "t", "x", "ratio", "traceC", "scoreNorm2" }) Assert.True(map.TryGetProperty(key, out _), key);
        Assert.Equal(21, map.GetProperty("ratio").GetArrayLength());
        var fill = root.GetProperty("fill");
        Assert.Equal(3, fill.GetArrayLength());                  // two P values at ε = 0.02 and the exact score
        foreach (var key in new[] { "features", "samples", "cutoff", "mass", "stderr" }) Assert.True(fill[0].TryGetProperty(key, out _), key);
        Assert.True(File.Exists(Path.Combine(dir, "ratio-maps.png")) && File.Exists(Path.Combine(dir, "fill-vs-features.png")) && File.Exists(Path.Combine(dir, "index.html")));
    }

    [Theory]
    [InlineData("--times", "0.1,0")]
    [InlineData("--cutoffs", "-1")]
    public void InvalidInput_IsAUsageErrorNamingTheOption(string option, string value)
    {
        AssertUsageErrorWroteNothing(["variance", option, value]);
        var (_, _, stderr) = Run("variance", option, value, "--out", Path.Combine(Root, "x"));
        Assert.StartsWith($"error: {option}:", stderr);
    }
}
