using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class NoetherCommandTests : CliHarness
{
    [Fact]
    public void Ou_WritesTheJsonContract_FiguresAndReport()
    {
        string dir = Path.Combine(Root, "ou");
        var (code, stdout, stderr) = Run("noether", "--drift", "ou", "--from", "1,-0.5", "--to", "0.2,0.8", "--T", "2", "--steps", "60", "--out", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("closed form", stdout);
        Assert.Contains("least-action paths", stderr);            // progress goes to stderr
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "noether.json")));
        var path = json.RootElement.GetProperty("paths")[0];
        Assert.True(path.GetProperty("action").GetDouble() > 0);
        Assert.Equal(61, path.GetProperty("times").GetArrayLength());
        var energy = path.GetProperty("conserved").GetProperty("energy");
        Assert.True(energy.GetProperty("maxRelativeDrift").GetDouble() < 1e-3);
        Assert.True(energy.TryGetProperty("mean", out _));
        var cf = json.RootElement.GetProperty("closedForm");
        Assert.True(cf.GetProperty("maxPathError").GetDouble() < cf.GetProperty("tolerance").GetDouble());
        Assert.True(File.Exists(Path.Combine(dir, "paths.png")) && File.Exists(Path.Combine(dir, "index.html")) && File.Exists(Path.Combine(dir, "manifest.json")));
    }

    [Theory]
    [InlineData("--T", "0")]
    [InlineData("--D", "-1")]
    [InlineData("--to", "1,-0.5")]
    public void InvalidInput_IsAUsageErrorNamingTheOption(string option, string value)
    {
        string[] args = ["noether", "--from", "1,-0.5", "--to", "0.2,0.8"];
        args = option == "--to" ? ["noether", "--from", "1,-0.5", "--to", value] : [.. args, option, value];
        AssertUsageErrorWroteNothing(args);
        var (_, _, stderr) = Run([.. args, "--out", Path.Combine(Root, "x")]);
        Assert.StartsWith($"error: {option}:", stderr);
    }

    [Fact]
    public void RingEndTime_MustBePositive()
    {
        var (code, _, stderr) = Run("noether", "--drift", "ring", "--t-end", "0", "--out", Path.Combine(Root, "r"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: --t-end:", stderr);
    }
}
