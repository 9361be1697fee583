using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class SampleSamplersCommandTests : CliHarness
{
    [Fact]
    public void Sample_WithDpmSolverAndTeleport_RunsOnlyTheStepsBelowTSkip_AndReportsTheirNfe()
    {
        // Grid: 40 uniform steps from T = 10 to 0.2 (h = 0.245) + 20 log-tail steps; t_skip = 2.65 = t_30 is a grid time,
        // so 10 uniform + 20 tail = 30 steps run: NFE = 30 + 1 (final denoise).
        string outDir = Path.Combine(Root, "run");
        var (code, stdout, stderr) = Run("sample", "--data", "two-cluster:d=8,n=300", "--samples", "16", "--steps", "40",
            "--sampler", "dpm2m", "--start", "teleport", "--t-skip", "2.65", "--seed", "2", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "samples.npy", "nearest.csv", "sample.json", "manifest.json", "index.html", "samples-scatter.png", "nearest-ratio.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sample.json")));
        var sampler = json.RootElement.GetProperty("sampler");
        Assert.Equal("dpm2m", sampler.GetProperty("kind").GetString());
        Assert.Equal("teleport", sampler.GetProperty("start").GetString());
        Assert.Equal(2.65, sampler.GetProperty("tSkip").GetDouble());
        Assert.Equal(30, sampler.GetProperty("stepsRun").GetInt32());
        Assert.Equal(31, sampler.GetProperty("nfe").GetInt32());
        Assert.Contains("teleport", stdout);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")));
        Assert.Contains("teleport", manifest.RootElement.GetProperty("options").GetRawText());
    }

    [Theory]
    [InlineData("ddim", "uniform", "noise")]
    [InlineData("ddpm", "ddpm", "gaussian")]
    [InlineData("ode-heun", "log-snr", "marginal")]
    public void Sample_EverySamplerGridAndStart_WritesFiniteSamples(string sampler, string grid, string start)
    {
        string outDir = Path.Combine(Root, sampler);
        var args = new List<string> { "sample", "--data", "two-cluster:d=4,n=200", "--samples", "8", "--steps", "20", "--sampler", sampler, "--grid", grid, "--start", start, "--out", outDir };
        if (start == "gaussian") args.AddRange(["--t-skip", "1"]);
        var (code, _, stderr) = Run([.. args]);
        Assert.True(code == 0, stderr);
        var samples = DiffusionDynamics.Data.Npy.Read(Path.Combine(outDir, "samples.npy")).ToDoubleArray();
        Assert.Equal(8 * 4, samples.Length);
        Assert.All(samples, v => Assert.True(double.IsFinite(v)));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sample.json")));
        int stepsRun = json.RootElement.GetProperty("sampler").GetProperty("stepsRun").GetInt32();
        Assert.Equal(stepsRun * (sampler == "ode-heun" ? 2 : 1) + 1, json.RootElement.GetProperty("sampler").GetProperty("nfe").GetInt32());
    }

    [Fact]
    public void Sample_WithDdimEta_DrawsNoisePerStep_AndRecordsEta()
    {
        string outDir = Path.Combine(Root, "ddim-eta");
        var (code, stdout, stderr) = Run("sample", "--data", "two-cluster:d=4,n=200", "--samples", "8", "--steps", "20", "--sampler", "ddim", "--eta", "0.5",
            "--seed", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sample.json")));
        Assert.Equal(0.5, json.RootElement.GetProperty("sampler").GetProperty("ddimEta").GetDouble());
        Assert.Contains("η = 0.5", stdout);
        // Different η, different samples (the deterministic run from the same x(T) ends elsewhere).
        string det = Path.Combine(Root, "ddim-eta0");
        Assert.Equal(0, Run("sample", "--data", "two-cluster:d=4,n=200", "--samples", "8", "--steps", "20", "--sampler", "ddim", "--seed", "3", "--out", det).Code);
        Assert.NotEqual(DiffusionDynamics.Data.Npy.Read(Path.Combine(outDir, "samples.npy")).ToDoubleArray(),
            DiffusionDynamics.Data.Npy.Read(Path.Combine(det, "samples.npy")).ToDoubleArray());
    }

    [Theory]
    [InlineData("sample", "--start", "teleport")]                         // no --t-skip
    [InlineData("sample", "--start", "gaussian", "--t-skip", "0.0005")]  // t_skip ≤ t_min
    [InlineData("sample", "--start", "gaussian", "--t-skip", "0.001")]   // t_skip = t_min
    [InlineData("sample", "--start", "teleport", "--t-skip", "12")]      // t_skip > T
    [InlineData("sample", "--start", "teleport", "--t-skip", "-1")]
    [InlineData("sample", "--start", "teleport", "--t-skip", "NaN")]
    [InlineData("sample", "--t-skip", "2")]                               // t_skip with the noise start
    [InlineData("sample", "--start", "warp", "--t-skip", "2")]
    [InlineData("sample", "--sampler", "euler-a")]
    [InlineData("sample", "--grid", "ddpm", "--steps", "1000")]           // the table has 999 steps at most
    [InlineData("sample", "--grid", "karras")]
    [InlineData("sample", "--grid", "ddpm", "--start", "teleport", "--t-skip", "6")] // above the DDPM grid's T ≈ 5.06
    [InlineData("sample", "--eta", "0.5")]                                 // η with the SDE sampler
    [InlineData("sample", "--sampler", "ddim", "--eta", "1.5")]
    public void BadSamplerOrStartOptions_ExitWithCode2_OneClearLine_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing([.. args, "--data", "two-cluster:d=4,n=50"]);
    }
}
