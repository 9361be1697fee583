using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Tests.Scores;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Cli;

public class TimelineCommandTests(ITestOutputHelper output) : CliHarness
{
    private static readonly string[] Quick = ["--pairs", "16", "--branches", "4", "--steps", "40", "--entropy-samples", "128", "--trajectories", "8", "--modes", "2", "--symmetry-times", "6", "--ev-samples", "16"];

    [Fact]
    public void Timeline_WritesItsFiles_AndOneRowPerTime()
    {
        string outDir = Path.Combine(Root, "tl");
        var (code, stdout, stderr) = Run(["timeline", "--data", "two-cluster:d=20,n=300,mu=0.4,sigma=1,seed=1", .. Quick, "--out", outDir]);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "timeline.json", "timeline.csv", "timeline.png", "timeline.svg", "index.html", "manifest.json" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "timeline.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("modelClock").ValueKind); // exact score: no model clock
        int events = json.RootElement.GetProperty("events").GetArrayLength();
        Assert.Equal(events + 1, File.ReadAllLines(Path.Combine(outDir, "timeline.csv")).Length);
        Assert.Contains("t_S (cloning)", stdout);
        Assert.Contains("timeline.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Timeline_OnTheExactGaussianOnnxGraph_ModeEmergenceFollowsTheGaussianClosedForm()
    {
        // For the Gaussian N(m, C) graph the denoiser's coordinate on mode k follows the Gaussian theory exactly; the variance rule's
        // closed form uses the data's λ_k (n = 2000 samples of N(m, C): λ within ~3 % of C's), so each emergence time must lie within
        // 0.03 of it (3 % in λ moves ½ ln(1 + λ) by ≤ 0.01; the bootstrap errors are ~0.002).
        var mean = Npy.Read(OnnxDenoiserTests.Fixture("gaussian_mean.npy")).ToDoubleArray();
        var cov = Npy.Read(OnnxDenoiserTests.Fixture("gaussian_cov.npy")).ToDoubleArray();
        var chol = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(4, 4, cov).Cholesky().Factor;
        var rng = new System.Random(11);
        int n = 2000;
        var values = new float[n * 4];
        for (int i = 0; i < n; i++)
        {
            var x = chol * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(4, _ => MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1));
            for (int j = 0; j < 4; j++) values[4 * i + j] = (float)(mean[j] + x[j]);
        }
        Directory.CreateDirectory(Root);
        string data = Path.Combine(Root, "g.npy"), outDir = Path.Combine(Root, "onnx");
        Npy.Write(data, values, [n, 4]);
        var (code, _, stderr) = Run(["timeline", "--model", OnnxDenoiserTests.Fixture("gaussian_eps_ddpm_int64.onnx"), "--data", data,
            "--pairs", "16", "--branches", "4", "--steps", "100", "--entropy-samples", "128", "--trajectories", "32", "--modes", "3", "--symmetry-times", "6", "--out", outDir]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "timeline.json")));
        // The model's clock: DDPM linear, K = 1000, represents t ∈ [t_0, t_999] = [5.0e−5, 5.06]; nearest-step rounding is at most half
        // the local step, ½ (t_k − t_{k−1}) ≤ 0.0051 (t_k − t_{k−1} = −½ ln(1 − β_k) ≤ 0.0102 for β ≤ 0.02).
        var clock = json.RootElement.GetProperty("modelClock");
        Assert.Equal(-0.5 * Math.Log(Enumerable.Range(0, 1000).Aggregate(1.0, (a, k) => a * (1 - (1e-4 + k * (0.02 - 1e-4) / 999)))), clock.GetProperty("clockMax").GetDouble(), 9);
        Assert.InRange(clock.GetProperty("maxTimeError").GetDouble(), 0, 0.0051);
        foreach (var e in json.RootElement.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("group").GetString() == "modes"))
        {
            double measured = e.GetProperty("measured").GetDouble(), theory = e.GetProperty("theory").GetDouble();
            output.WriteLine($"{e.GetProperty("label").GetString()}: {measured:F4} vs {theory:F4}");
            Assert.True(Math.Abs(measured - theory) <= 0.03, $"{measured} vs {theory}");
        }
    }

    [Fact]
    public void Timeline_BadThreshold_IsAUsageError() =>
        AssertUsageErrorWroteNothing(["timeline", "--data", "points:-1,1", "--ev-threshold", "1.5"]);
}
