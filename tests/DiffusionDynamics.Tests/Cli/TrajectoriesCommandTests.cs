using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

public class TrajectoriesCommandTests : CliHarness
{
    [Fact]
    public void Trajectories_OnBuiltinImages_WritesTheDocumentedKeys_FiguresStripAndReport()
    {
        string outDir = Path.Combine(Root, "builtin");
        var (code, stdout, stderr) = Run("trajectories", "--n", "200", "--trajectories", "8", "--steps", "30", "--modes", "3",
            "--perturb-times", "3,0.5", "--bootstrap", "20", "--strip", "2", "--seed", "4", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "trajectories.json", "trajectories.csv", "mode-curves.csv", "plane-residual.csv", "perturbation.csv", "manifest.json", "index.html",
                     "emergence.png", "emergence.svg", "mode-curves.png", "plane-residual.png", "perturbation-change.png", "perturbation-rates.png",
                     "denoised-strip.png", "denoised-strip.npy" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "trajectories.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        Assert.Equal(784, r.GetProperty("data").GetProperty("d").GetInt32());
        var modes = r.GetProperty("emergence").GetProperty("modes");
        Assert.Equal(3, modes.GetArrayLength());
        foreach (var m in modes.EnumerateArray())
        {
            double lambda = m.GetProperty("lambda").GetDouble();
            Assert.Equal(0.5 * Math.Log(1 + lambda), m.GetProperty("theory").GetDouble(), 9);
            foreach (var key in new[] { "k", "variance", "varianceStderr", "trajectoryMean", "trajectoryStderr", "theoryTrajectoryRule" })
                Assert.True(m.TryGetProperty(key, out _), key);
        }
        var lambdas = modes.EnumerateArray().Select(m => m.GetProperty("lambda").GetDouble()).ToArray();
        Assert.True(lambdas[0] >= lambdas[1] && lambdas[1] >= lambdas[2], "modes are not in descending λ");
        var plane = r.GetProperty("planeResidual").GetProperty("curve");
        Assert.Equal(0.0, plane[0].GetProperty("mean").GetDouble(), 6); // x(T) lies in its own plane
        foreach (var key in new[] { "t", "mean", "stderr", "theory" }) Assert.True(plane[0].TryGetProperty(key, out _), key);
        var perturbation = r.GetProperty("perturbation").GetProperty("curve");
        Assert.Equal(2, perturbation.GetArrayLength());
        foreach (var key in new[] { "t", "meanChange", "stderr", "classChangeRate", "nearestChangeRate", "theoryGaussianRms" })
            Assert.True(perturbation[0].TryGetProperty(key, out _), key);
        Assert.Equal(0.1 * Math.Sqrt(784), r.GetProperty("perturbation").GetProperty("epsilon").GetDouble(), 9);
        var strip = DiffusionDynamics.Data.Npy.Read(Path.Combine(outDir, "denoised-strip.npy"));
        Assert.Equal(2, strip.Shape[0]);                     // --strip 2 trajectories × columns × one image
        Assert.Equal(new[] { 1, 28, 28 }, strip.Shape[2..]);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(outDir, "trajectories.csv")).Length); // header + 3 modes
        Assert.Contains("emergence time of mode k", stdout);
        Assert.Contains("held-out accuracy", stdout);
        Assert.Contains("denoised-strip.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Trajectories_WithTheGaussianScore_ReproducesTheTheoryOnTwoClusterData()
    {
        // The Gaussian score of the data with the PF-ODE is the setting of the closed forms: the variance rule of the top mode lands on
        // ½ ln(1 + λ₁) up to the grid (h ≈ 0.1 here: interpolation error ≈ h²/4 ≈ 0.003, tolerance 0.02).
        string outDir = Path.Combine(Root, "two-cluster");
        var (code, _, stderr) = Run("trajectories", "--data", "two-cluster:d=16,n=400,mu=1,sigma=1,seed=1", "--score", "gaussian",
            "--trajectories", "16", "--steps", "100", "--modes", "2", "--perturbations", "2", "--bootstrap", "20", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "trajectories.json")));
        var top = json.RootElement.GetProperty("emergence").GetProperty("modes")[0];
        Assert.Equal(top.GetProperty("theoryVarianceRule").GetDouble(), top.GetProperty("variance").GetDouble(), 0.02);
        Assert.Contains("overlap", json.RootElement.GetProperty("classRule").GetString());
        Assert.False(File.Exists(Path.Combine(outDir, "denoised-strip.png"))); // vector data: no image strip
    }

    [Fact]
    public void Trajectories_WithATrainedModel_TakesTheDataFromTheModelFolder()
    {
        const string data = "two-cluster:d=8,n=200,mu=1,sigma=0.5,seed=2";
        string model = Path.Combine(Root, "model");
        var (trainCode, _, trainErr) = Run("train", "--data", data, "--steps", "20", "--width", "32", "--depth", "2", "--samples", "8", "--out", model);
        Assert.True(trainCode == 0, trainErr);
        string outDir = Path.Combine(Root, "with-model");
        var (code, stdout, stderr) = Run("trajectories", "--model", model, "--trajectories", "8", "--steps", "30", "--modes", "2",
            "--perturbations", "2", "--bootstrap", "10", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "trajectories.json")));
        Assert.Contains("trained model", json.RootElement.GetProperty("score").GetString());
        Assert.Equal(200, json.RootElement.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Contains("trained model", stdout);
    }

    [Theory]
    [InlineData("trajectories", "--trajectories", "1")]
    [InlineData("trajectories", "--modes", "0")]
    [InlineData("trajectories", "--steps", "1")]
    [InlineData("trajectories", "--sampler", "ddim")]
    [InlineData("trajectories", "--score", "mixture")]
    [InlineData("trajectories", "--epsilon", "-1")]
    [InlineData("trajectories", "--perturb-times", "0.5,abc")]
    [InlineData("trajectories", "--perturb-times", "20")]
    [InlineData("trajectories", "--t-min", "0")]
    [InlineData("trajectories", "--data", "points:-1,1", "--modes", "2")]
    [InlineData("trajectories", "--data", "/nonexistent.idx")]
    [InlineData("trajectories", "--model", "/no/such/model")]
    public void BadOptionsOrData_ExitWithCode2_AndWriteNothing(params string[] args) => AssertUsageErrorWroteNothing(args);
}
