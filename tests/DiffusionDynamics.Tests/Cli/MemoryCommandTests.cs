using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class MemoryCommandTests : CliHarness
{
    [Fact]
    public void Memory_OnTheCircle_WritesSharesFixedPointsBasinsFiguresAndReport()
    {
        string outDir = Path.Combine(Root, "circle");
        var (code, stdout, stderr) = Run("memory", "--data", "circle:n=64", "--sizes", "4,64", "--times", "0.00001,0.05,0.6",
            "--samples", "32", "--steps", "60", "--starts", "64", "--basin-points", "4", "--basin-trials", "8", "--landscape-n", "64", "--seed", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "memory.json", "memory.csv", "fixed-points.csv", "manifest.json", "index.html", "shares.png", "shares.svg",
                     "fixed-points.png", "ring-radius.png", "energy-landscape.png", "energy-landscape.svg", "basins.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "memory.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        Assert.Equal(0.5 * Math.Log(1.5), r.GetProperty("criticalTime").GetDouble(), 12);
        var sizes = r.GetProperty("sizes");
        Assert.Equal(2, sizes.GetArrayLength());
        foreach (var s in sizes.EnumerateArray())
        {
            double sum = s.GetProperty("memorized").GetDouble() + s.GetProperty("spurious").GetDouble() + s.GetProperty("generalized").GetDouble();
            Assert.Equal(1.0, sum, 12);
            Assert.Equal(0.1 * s.GetProperty("spacing").GetDouble(), s.GetProperty("deltaM").GetDouble(), 12);
            Assert.Equal(4, s.GetProperty("basinSizes").GetArrayLength());
            Assert.Equal(3, s.GetProperty("fixedPoints").GetArrayLength());
        }
        // n = 4 at t = 1e-5 (kernel width 0.0045 ≪ spacing): every fixed point is a training point.
        var first = sizes[0].GetProperty("fixedPoints")[0];
        Assert.Equal(0, first.GetProperty("spurious").GetInt32());
        // n = 64 at t = 0.6 > t_c: a single fixed point near the centre.
        Assert.Equal(1, sizes[1].GetProperty("fixedPoints")[2].GetProperty("count").GetInt32());
        Assert.Equal(64, r.GetProperty("landscape").GetProperty("n").GetInt32());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "memory.csv")).Length); // header + 2 sizes
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, "fixed-points.csv")).Length); // header + 2 × 3 times
        Assert.Contains("samples memorized / spurious / generalized", stdout);
        Assert.Contains("energy-landscape.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Memory_OnVectorData_SkipsTheCircleFigures()
    {
        string outDir = Path.Combine(Root, "gauss");
        var (code, _, stderr) = Run("memory", "--data", "two-cluster:d=8,n=64", "--sizes", "8,64", "--times", "0.01,0.3",
            "--samples", "16", "--steps", "40", "--starts", "16", "--basin-points", "0", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "energy-landscape.png")));
        Assert.False(File.Exists(Path.Combine(outDir, "ring-radius.png")));
        Assert.False(File.Exists(Path.Combine(outDir, "basins.png")));
    }

    [Fact]
    public void Memory_WithTrain_TrainsOneNetworkPerSizeAndGeneratesWithIt()
    {
        string outDir = Path.Combine(Root, "train");
        var (code, _, stderr) = Run("memory", "--data", "circle:n=16", "--sizes", "4,16", "--times", "0.01,0.5", "--samples", "8",
            "--steps", "20", "--starts", "8", "--basin-points", "2", "--basin-trials", "2", "--train", "--train-steps", "20", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.True(Directory.Exists(Path.Combine(outDir, "models", "n-4")));
        Assert.True(Directory.Exists(Path.Combine(outDir, "models", "n-16")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "memory.json")));
        Assert.StartsWith("trained", json.RootElement.GetProperty("score").GetString());
    }

    [Theory]
    [InlineData("memory", "--train-steps", "0")]
    [InlineData("memory", "--sizes", "1,8")]
    [InlineData("memory", "--sizes", "8,x")]
    [InlineData("memory", "--sizes", "1000")]
    [InlineData("memory", "--times", "0,0.1")]
    [InlineData("memory", "--delta-m", "0")]
    [InlineData("memory", "--delta-s", "-1")]
    [InlineData("memory", "--samples", "1")]
    [InlineData("memory", "--t-min", "-1")]
    [InlineData("memory", "--t-min", "6")]
    [InlineData("memory", "--starts", "0")]
    [InlineData("memory", "--data", "circle:n=0")]
    [InlineData("memory", "--data", "no-such-file.npy")]
    public void Memory_BadOptionsOrData_FailWithOneErrorLine_AndWriteNothing(params string[] args) => AssertUsageErrorWroteNothing(args);
}
