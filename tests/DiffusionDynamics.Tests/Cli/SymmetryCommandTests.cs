using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class SymmetryCommandTests : CliHarness
{
    [Fact]
    public void Symmetry_OnTwoPoints_WritesTheDocumentedKeys_AndTheClosedFormCriticalTime()
    {
        string outDir = Path.Combine(Root, "points");
        var (code, stdout, stderr) = Run("symmetry", "--data", "points:-1,1", "--times", "20", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "symmetry.json", "symmetry.csv", "branches.csv", "manifest.json", "index.html",
                     "bifurcation.png", "bifurcation.svg", "eigenvalues.png", "eigenvalues.svg", "potential.png", "potential.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "symmetry.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        double closed = -0.5 * Math.Log(Math.Sqrt(2) - 1);
        // Bisection in t to 1e-7: the measured and closed-form critical times agree to 1e-6.
        Assert.Equal(closed, r.GetProperty("criticalTime").GetDouble(), 1e-6);
        Assert.Equal(closed, r.GetProperty("criticalTimeClosedForm").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("speciationTime").ValueKind); // Λ = 1: ½ ln Λ = 0 is not a speciation time
        Assert.Equal(20, r.GetProperty("centreCurve").GetArrayLength());
        var branch = r.GetProperty("branches")[0];
        foreach (var key in new[] { "direction", "t", "q", "stable", "slope" }) Assert.True(branch.TryGetProperty(key, out _), key);
        var centre = r.GetProperty("centreCurve")[0];
        foreach (var key in new[] { "t", "eigenvalues", "residual", "converged" }) Assert.True(centre.TryGetProperty(key, out _), key);
        Assert.Equal(21, File.ReadAllLines(Path.Combine(outDir, "symmetry.csv")).Length); // header + 20 times
        Assert.Contains("critical time", stdout);
        Assert.Contains("bifurcation.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Symmetry_TwoClusterScore_ProjectedOnImagesLikeDimensions_MatchesTheTanhClosedForm()
    {
        string outDir = Path.Combine(Root, "two-cluster");
        var (code, _, stderr) = Run("symmetry", "--data", "two-cluster:d=300,n=2000,mu=0.2,sigma=1,seed=2", "--score", "two-cluster",
            "--times", "10", "--directions", "1", "--eigenvalues", "2", "--potentials", "2", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "symmetry.json")));
        var r = json.RootElement;
        Assert.Equal("Projected", r.GetProperty("method").GetString()); // d = 300 > 256
        Assert.Equal("Origin", r.GetProperty("centre").GetString());
        // Ritz values on sample principal directions: u₁·m̂ < 1, so the effective |m|² is (u₁·m̂)² M and the crossing moves by
        // ½ ln (u₁·m̂)² ≈ −0.007 (BBP overlap for d/n = 0.15, M = 12); a Ritz value never exceeds the top eigenvalue, so never later.
        double closed = 0.5 * Math.Log(2 * 300 * 0.04);
        Assert.Equal(closed, r.GetProperty("criticalTimeClosedForm").GetDouble(), 10);
        Assert.InRange(r.GetProperty("criticalTime").GetDouble(), closed - 0.03, closed + 1e-6);
    }

    [Fact]
    public void Symmetry_WithATrainedModel_UsesFiniteDifferencesOnTheProjection_AndTheModelsData()
    {
        string model = Path.Combine(Root, "model");
        var (code, _, stderr) = Run("train", "--data", "two-cluster:d=4,n=100,mu=1,sigma=0.5,seed=2", "--steps", "20", "--width", "16", "--depth", "2",
            "--samples", "8", "--out", model);
        Assert.True(code == 0, stderr);
        string outDir = Path.Combine(Root, "symmetry-model");
        var (code2, _, stderr2) = Run("symmetry", "--model", model, "--times", "6", "--directions", "1", "--eigenvalues", "2", "--potentials", "1", "--out", outDir);
        Assert.True(code2 == 0, stderr2);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "symmetry.json")));
        var r = json.RootElement;
        Assert.Equal("Projected", r.GetProperty("method").GetString());
        Assert.Contains("trained model", r.GetProperty("score").GetString());
        Assert.Equal(4, r.GetProperty("data").GetProperty("d").GetInt32());
        Assert.All(r.GetProperty("centreCurve").EnumerateArray(), c => Assert.True(double.IsFinite(c.GetProperty("eigenvalues")[0].GetDouble())));
        // A model is its own score: --score with --model is refused.
        AssertUsageErrorWroteNothing(["symmetry", "--model", model, "--score", "gaussian"]);
    }

    [Theory]
    [InlineData("symmetry", "--times", "2")]
    [InlineData("symmetry", "--directions", "0")]
    [InlineData("symmetry", "--brackets", "5")]
    [InlineData("symmetry", "--potentials", "20")]
    [InlineData("symmetry", "--t-min", "0")]
    [InlineData("symmetry", "--t-max", "nan")]
    [InlineData("symmetry", "--data", "points:-1,1", "--t-min", "2", "--t-max", "1")]
    [InlineData("symmetry", "--dynamics", "langevin")]
    [InlineData("symmetry", "--data", "points:1")]
    [InlineData("symmetry", "--data", "points:-1,1", "--score", "two-cluster")]
    [InlineData("symmetry", "--data", "/nonexistent.npy")]
    [InlineData("symmetry", "--model", "/nonexistent-model")]
    public void BadOptionsOrData_ExitWithCode2_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing(args);
    }
}
