using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class AccelerateCommandTests : CliHarness
{
    [Fact]
    public void Accelerate_OnTwoClusterData_WritesTheDocumentedFilesAndKeys()
    {
        string outDir = Path.Combine(Root, "two-cluster");
        var (code, stdout, stderr) = Run("accelerate", "--data", "two-cluster:d=4,n=300,seed=1", "--samples", "64", "--nfe", "5,11",
            "--samplers", "sde,ode-heun", "--bootstrap", "10", "--features", "identity", "--seed", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "accelerate.json", "accelerate.csv", "manifest.json", "index.html", "fd-vs-nfe.png", "fd-vs-nfe.svg",
                     "steps-saved.png", "steps-saved.svg", "explained-variance.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "accelerate.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        Assert.Equal(300, r.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(1000, r.GetProperty("data").GetProperty("referenceN").GetInt32());
        Assert.Equal(4, r.GetProperty("featureDimension").GetInt32());
        var runs = r.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(2 * 3 * 2, runs.Length);   // samplers × (baseline, teleport, late start) × budgets
        foreach (var run in runs)
            foreach (var key in new[] { "sampler", "start", "nfe", "fd", "fdStderr", "memorizedFraction", "wallSeconds" })
                Assert.True(run.TryGetProperty(key, out _), key);
        Assert.Contains(runs, x => x.GetProperty("start").GetString() == "teleport");
        var saved = r.GetProperty("stepsSaved").EnumerateArray().ToArray();
        Assert.Equal(2 * 2, saved.Length);
        foreach (var s in saved)
        {
            Assert.True(s.TryGetProperty("median", out _));
            Assert.Equal(2, s.GetProperty("points").GetArrayLength());
        }
        var floor = r.GetProperty("floor");
        Assert.True(floor.GetProperty("fd").GetDouble() > 0);
        Assert.Equal(64, floor.GetProperty("subsetSize").GetInt32());
        double tSkip = r.GetProperty("tSkip").GetProperty("value").GetDouble();
        Assert.InRange(tSkip, 0.01, 10);
        Assert.Equal(13, File.ReadAllLines(Path.Combine(outDir, "accelerate.csv")).Length);   // header + 12 runs
        Assert.Contains("steps saved", stdout);
        Assert.Contains("FD floor", stdout);
        Assert.Contains("fd-vs-nfe.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Accelerate_WithTheAnalyticScoreAndAGivenTSkip_StartsTheShortcutsThere()
    {
        string outDir = Path.Combine(Root, "analytic");
        var (code, _, stderr) = Run("accelerate", "--data", "two-cluster:d=4,n=200,seed=2", "--score", "analytic", "--t-skip", "1.5",
            "--samples", "32", "--nfe", "4,8", "--samplers", "ode-euler", "--accelerations", "teleport", "--bootstrap", "0",
            "--features", "pca:2", "--grid", "karras", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "accelerate.json")));
        var r = json.RootElement;
        Assert.Contains("analytic", r.GetProperty("denoiser").GetString());
        Assert.Equal(1.5, r.GetProperty("tSkip").GetProperty("value").GetDouble());
        Assert.Equal(0, r.GetProperty("tSkip").GetProperty("curve").GetArrayLength());
        var runs = r.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(4, runs.Length);
        Assert.All(runs.Where(x => x.GetProperty("start").GetString() == "teleport"), x => Assert.Equal(1.5, x.GetProperty("startTime").GetDouble()));
        Assert.False(File.Exists(Path.Combine(outDir, "explained-variance.png")));
    }

    [Theory]
    [InlineData("accelerate", "--nfe", "2,10")]
    [InlineData("accelerate", "--nfe", "10")]
    [InlineData("accelerate", "--nfe", "10,x")]
    [InlineData("accelerate", "--samplers", "euler-maruyama")]
    [InlineData("accelerate", "--accelerations", "warp")]
    [InlineData("accelerate", "--features", "pca:0")]
    [InlineData("accelerate", "--features", "inception")]
    [InlineData("accelerate", "--t-skip", "-1")]
    [InlineData("accelerate", "--t-skip", "20")]
    [InlineData("accelerate", "--samples", "1")]
    [InlineData("accelerate", "--ev-threshold", "1.5")]
    [InlineData("accelerate", "--bootstrap", "1")]
    [InlineData("accelerate", "--grid", "cosine")]
    [InlineData("accelerate", "--data", "/nonexistent.idx")]
    [InlineData("accelerate", "--data", "two-cluster:d=4,n=100", "--features", "cnn")]
    [InlineData("accelerate", "--data", "circle:n=100", "--score", "analytic")]
    public void BadOptionsOrData_ExitWithCode2_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing(args);
    }
}
