using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class CompareScoresCommandTests : CliHarness
{
    [Fact]
    public void CompareScores_OnBuiltinImages_WritesCurvesFiguresAndReport()
    {
        string outDir = Path.Combine(Root, "builtin");
        var (code, stdout, stderr) = Run("compare-scores", "--n", "200", "--downsample", "2", "--approx", "gaussian,mixture:4,mixture:3:full,mixture:2:iso,empirical",
            "--times", "4", "--t-from", "0.02", "--t-to", "4", "--samples", "32", "--seed", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "compare-scores.json", "compare-scores.csv", "manifest.json", "index.html",
                     "explained-variance.png", "explained-variance.svg", "unexplained-variance.png", "unexplained-variance.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "compare-scores.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        Assert.Equal(200, r.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(196, r.GetProperty("data").GetProperty("d").GetInt32());
        Assert.Contains("exact empirical score", r.GetProperty("reference").GetString());
        var approximations = r.GetProperty("approximations").EnumerateArray().ToArray();
        Assert.Equal(["gaussian", "mixture:4:lowrank:64", "mixture:3:full", "mixture:2:iso", "empirical"], approximations.Select(a => a.GetProperty("name").GetString()));
        foreach (var a in approximations)
        {
            var curve = a.GetProperty("curve").EnumerateArray().ToArray();
            Assert.Equal(4, curve.Length);
            Assert.Equal(0.02, curve[0].GetProperty("t").GetDouble(), 12);
            Assert.Equal(4.0, curve[^1].GetProperty("t").GetDouble(), 12);
            foreach (var p in curve)
            {
                Assert.True(p.GetProperty("ev").GetDouble() <= 1.0);
                Assert.True(p.GetProperty("stderr").GetDouble() >= 0);
            }
            // At t = 4 every approximation of the empirical score is exact to far below 1e-3 (1 − EV ∝ θ⁶ for the Gaussian).
            Assert.True(curve[^1].GetProperty("ev").GetDouble() > 0.999, a.GetProperty("name").GetString());
        }
        // The reference against itself: exactly 1 at every time.
        Assert.All(approximations[^1].GetProperty("curve").EnumerateArray(), p => Assert.Equal(1.0, p.GetProperty("ev").GetDouble()));
        Assert.True(r.GetProperty("gaussianAsymptote").GetProperty("kappa3NormSquared").GetDouble() > 0);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(outDir, "compare-scores.csv")).Length); // header + 4 times
        Assert.Contains("EV < 0.99", stdout);
        Assert.Contains("explained-variance.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void CompareScores_HeldOut_DrawsFromTheOtherSet_AndAModelCanBeTheReference()
    {
        string heldOut = Path.Combine(Root, "held-out");
        var (code, _, stderr) = Run("compare-scores", "--n", "100", "--downsample", "4", "--approx", "gaussian", "--held-out", "builtin:test",
            "--times", "3", "--samples", "16", "--out", heldOut);
        Assert.True(code == 0, stderr);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(heldOut, "compare-scores.json"))))
        {
            var data = json.RootElement.GetProperty("data");
            Assert.Contains("builtin:test", data.GetProperty("drawnFrom").GetString());
            Assert.Equal(1000, data.GetProperty("drawPoints").GetInt32());
        }

        // A small trained MLP as the reference: empirical joins the default set; no Gaussian-vs-empirical theory then.
        string model = Path.Combine(Root, "model");
        const string data2 = "two-cluster:d=8,n=200,mu=1,sigma=0.5,seed=2";
        Assert.Equal(0, Run("train", "--data", data2, "--steps", "20", "--width", "32", "--depth", "2", "--samples", "8", "--out", model).Code);
        string outDir = Path.Combine(Root, "model-ref");
        var (code2, stdout2, stderr2) = Run("compare-scores", "--model", model, "--times", "3", "--samples", "16", "--out", outDir);
        Assert.True(code2 == 0, stderr2);
        using var j2 = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "compare-scores.json")));
        Assert.Contains("trained model", j2.RootElement.GetProperty("reference").GetString());
        Assert.Equal(200, j2.RootElement.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Contains("empirical", j2.RootElement.GetProperty("approximations").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, j2.RootElement.GetProperty("gaussianAsymptote").ValueKind);
        Assert.Contains("trained model", stdout2);
    }

    [Theory]
    [InlineData("compare-scores", "--approx", "bogus")]
    [InlineData("compare-scores", "--approx", "mixture:0")]
    [InlineData("compare-scores", "--approx", "mixture:3:wide")]
    [InlineData("compare-scores", "--approx", "mixture:3:lowrank:0")]
    [InlineData("compare-scores", "--approx", "gaussian,gaussian")]
    [InlineData("compare-scores", "--data", "points:-1,1", "--approx", "mixture:5")]
    [InlineData("compare-scores", "--times", "1")]
    [InlineData("compare-scores", "--t-from", "0")]
    [InlineData("compare-scores", "--t-from", "2", "--t-to", "1")]
    [InlineData("compare-scores", "--samples", "1")]
    [InlineData("compare-scores", "--batch", "0")]
    [InlineData("compare-scores", "--precision", "float16")]
    [InlineData("compare-scores", "--data", "points:-1,1", "--held-out", "two-cluster:d=3,n=10")]
    [InlineData("compare-scores", "--data", "/nonexistent.idx")]
    [InlineData("compare-scores", "--model", "/nonexistent-model")]
    public void BadOptionsOrData_ExitWithCode2_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing(args);
    }
}
