using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>Issue 15: runs that used to crash or lose work at the end, on tiny or odd inputs.</summary>
public class ReliabilityCommandTests : CliHarness
{
    [Fact]
    public void Sample_WithATrailingSlashOnOut_KeepsTheFinishedRun()
    {
        string outDir = Path.Combine(Root, "run") + "/";
        var (code, _, stderr) = Run("sample", "--data", "two-cluster:d=2,n=20", "--samples", "4", "--steps", "4", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(Root, "run", "samples.npy")));
        Assert.Empty(Directory.EnumerateDirectories(Root, ".*"));
    }

    [Fact]
    public void Sample_And_Train_OnOnePoint_Finish_EverySampleACopy()
    {
        var (code, _, stderr) = Run("sample", "--data", "points:1", "--samples", "4", "--steps", "5", "--out", Path.Combine(Root, "s"));
        Assert.True(code == 0, stderr);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "s", "sample.json"))))
            Assert.Equal(1.0, json.RootElement.GetProperty("memorizedFraction").GetDouble());
        (code, _, stderr) = Run("train", "--data", "points:1", "--steps", "10", "--width", "16", "--depth", "1", "--samples", "4", "--out", Path.Combine(Root, "t"));
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(Root, "t", "report", "index.html")));
    }

    [Fact]
    public void NearestNeighbours_OfOnePoint_HaveNoSecond()
    {
        using var a = TorchSharp.torch.tensor(new float[] { 1f }, [1, 1]);
        using var x = TorchSharp.torch.tensor(new float[] { 0.5f, 2f }, [2, 1]);
        var r = NearestNeighbours.Find(x, a);
        Assert.Equal(new long[] { -1, -1 }, r.SecondNearest);
        Assert.All(r.SecondDistance, d => Assert.Equal(double.PositiveInfinity, d));
        Assert.Equal(new[] { 0.5, 1.0 }, r.NearestDistance);
    }

    [Fact]
    public void Regimes_OnTwoPoints_ClassifiesByTheNearestPoint()
    {
        string outDir = Path.Combine(Root, "r");
        var (code, _, stderr) = Run("regimes", "--data", "points:-1,1", "--pairs", "8", "--steps", "20", "--entropy-samples", "16", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "regimes.json")));
        Assert.Contains("nearest training point", json.RootElement.GetProperty("speciation").GetProperty("classRule").GetString());
    }

    [Fact]
    public void Train_Diverging_IsAClearError_AndTheFolderTakesARerun()
    {
        string outDir = Path.Combine(Root, "dv");
        string[] args = ["train", "--data", "two-cluster:d=4,n=64", "--width", "16", "--depth", "1", "--steps", "200", "--samples", "4", "--out", outDir];
        var (code, _, stderr) = Run([.. args, "--lr", "1e6"]);
        Assert.Equal(2, code);
        Assert.Contains("Training diverged", stderr);
        Assert.DoesNotContain("enable", stderr);
        Assert.False(Directory.Exists(outDir));
        (code, _, stderr) = Run(args);
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void Sample_WithACorruptModelCheckpoint_NamesTheFile()
    {
        string model = Path.Combine(Root, "m");
        var (code, _, stderr) = Run("train", "--data", "two-cluster:d=2,n=16", "--width", "16", "--depth", "1", "--steps", "20", "--samples", "2", "--out", model);
        Assert.True(code == 0, stderr);
        File.WriteAllText(Path.Combine(model, "checkpoint.json"), "{bad");
        (code, _, stderr) = Run("sample", "--model", model, "--samples", "2", "--steps", "2", "--out", Path.Combine(Root, "s"));
        Assert.Equal(2, code);
        Assert.Contains("checkpoint.json", stderr);
        File.WriteAllText(Path.Combine(model, "data-request.json"), "[");
        (code, _, stderr) = Run("sample", "--model", model, "--samples", "2", "--steps", "2", "--out", Path.Combine(Root, "s"));
        Assert.Equal(2, code);
        Assert.Contains("data-request.json", stderr);
    }

    [Fact]
    public void GaussianSpec_WithoutSpectrum_IsIsotropicUnitVariance()
    {
        var data = (GaussianData)DataSource.Generate("gaussian:d=3,n=5");
        Assert.Equal(new[] { 1.0, 1.0, 1.0 }, data.Spec.Spectrum);
    }

    [Fact]
    public void CollapseNote_SaysWhenTheNearestPointNeverChangedAfterT()
    {
        Assert.Null(RegimesExperiment.CollapseNote([10, 3.2], 10, 0.8));
        string note = RegimesExperiment.CollapseNote([10, 10], 10, 67)!;
        Assert.Contains("t̂_C = T = 10", note);
        Assert.Contains("a larger T", note);
    }
}
