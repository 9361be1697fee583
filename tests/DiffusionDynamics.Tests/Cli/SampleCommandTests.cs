using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class SampleCommandTests : CliHarness
{
    [Fact]
    public void Sample_OnBuiltinImages_WritesResultsFiguresManifestAndReport()
    {
        string outDir = Path.Combine(Root, "run");
        var (code, stdout, stderr) = Run("sample", "--n", "200", "--samples", "8", "--steps", "20", "--seed", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "samples.npy", "nearest.csv", "sample.json", "manifest.json", "index.html", "samples-vs-nearest.png", "nearest-ratio.png", "nearest-ratio.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sample.json")));
        Assert.Equal(200, json.RootElement.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(784, json.RootElement.GetProperty("data").GetProperty("d").GetInt32());
        // The exact empirical score with the final denoising jump at t_min = 1e-3 returns training points: all copies.
        Assert.Equal(1.0, json.RootElement.GetProperty("memorizedFraction").GetDouble());
        var samples = DiffusionDynamics.Data.Npy.Read(Path.Combine(outDir, "samples.npy"));
        Assert.Equal(new[] { 8, 1, 28, 28 }, samples.Shape);
        Assert.Contains("memorized share", stdout);
        Assert.Contains("samples-vs-nearest.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
        var png = File.ReadAllBytes(Path.Combine(outDir, "samples-vs-nearest.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void Sample_IsReproducible_AndIndependentOfBatchSize()
    {
        string a = Path.Combine(Root, "a"), b = Path.Combine(Root, "b");
        Assert.Equal(0, Run("sample", "--data", "two-cluster:d=8,n=300", "--samples", "6", "--steps", "30", "--out", a).Code);
        Assert.Equal(0, Run("sample", "--data", "two-cluster:d=8,n=300", "--samples", "6", "--steps", "30", "--batch", "4", "--out", b).Code);
        var x = DiffusionDynamics.Data.Npy.Read(Path.Combine(a, "samples.npy")).ToDoubleArray();
        var y = DiffusionDynamics.Data.Npy.Read(Path.Combine(b, "samples.npy")).ToDoubleArray();
        Assert.Equal(x.Length, y.Length);
        // Same per-sample streams; only GEMM blocking may differ with the batch size (float32 round-off).
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - y[i]) < 1e-4, $"entry {i}: {x[i]} vs {y[i]}");
        Assert.True(File.Exists(Path.Combine(a, "samples-scatter.png")));
    }

    [Theory]
    [InlineData("sample", "--steps", "0")]
    [InlineData("sample", "--samples", "-3")]
    [InlineData("sample", "--t-min", "0")]
    [InlineData("sample", "--t-max", "0.0001")]
    [InlineData("sample", "--sampler", "rk45")]
    [InlineData("sample", "--data", "/no/such/file.npy")]
    [InlineData("sample", "--data", "two-cluster:d=0,n=10")]
    [InlineData("sample", "--classes", "3")]
    [InlineData("sample", "--n", "100000")]
    [InlineData("sample", "--bogus")]
    public void BadOptionsOrData_ExitWithCode2_OneClearLine_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing(args);
    }

    [Fact]
    public void ExistingNonEmptyOutputFolder_IsRefused()
    {
        string outDir = Path.Combine(Root, "full");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "x");
        var (code, _, stderr) = Run("sample", "--data", "points:-1,1", "--samples", "2", "--steps", "5", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("not empty", stderr);
        Assert.Equal(new[] { "keep.txt" }, Directory.GetFiles(outDir).Select(Path.GetFileName));
    }
}
