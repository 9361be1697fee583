using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Cli;

public class SpectrumCommandTests : CliHarness
{
    [Fact]
    public void Spectrum_OnLinearManifoldData_WritesTheDocumentedKeys_TheoryAndFigures()
    {
        string outDir = Path.Combine(Root, "manifold");
        var (code, stdout, stderr) = Run("spectrum", "--data", "manifold:d=30,n=300,stds=2x1;5x0.3;rest0.01", "--sizes", "100,300",
            "--point-count", "4", "--times", "8", "--seed", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "spectrum.json", "spectrum.csv", "manifest.json", "index.html", "tangent-dimension.png", "tangent-dimension.svg",
                     "subspaces.png", "spectra-N100.png", "spectra-N300.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "spectrum.json")));
        var r = json.RootElement;
        Assert.Equal("OU time t", r.GetProperty("clock").GetString());
        Assert.Equal(30, r.GetProperty("d").GetInt32());
        var sizes = r.GetProperty("sizes");
        Assert.Equal(2, sizes.GetArrayLength());
        var s = sizes[1];
        Assert.Equal(300, s.GetProperty("n").GetInt32());
        var th = s.GetProperty("thresholds")[0];
        Assert.Equal(ManifoldLoss.LossTime(1.0, 300), th.GetProperty("lossTime").GetDouble(), 12);
        var point = s.GetProperty("curve")[0];
        foreach (var key in new[] { "t", "noiseVariance", "meanSpectrum", "tangentDimension", "tangentStderr", "predictedTangentDimension", "subspaceValues" })
            Assert.True(point.TryGetProperty(key, out _), key);
        Assert.Equal(30, point.GetProperty("meanSpectrum").GetArrayLength());
        foreach (var key in new[] { "std", "theoryLossTime", "measuredOnsetTime", "measuredLossTime" })
            Assert.True(s.GetProperty("losses")[0].TryGetProperty(key, out _), key);
        Assert.Equal(1 + 2 * 8, File.ReadAllLines(Path.Combine(outDir, "spectrum.csv")).Length); // header + 2 sizes × 8 times
        Assert.Equal(ManifoldLoss.CollapseTime(LinearManifoldSpec.Standard().Stds, 300), s.GetProperty("collapseTime").GetDouble(), 12);
        Assert.Contains("whole-point collapse t_C", stdout);
        Assert.Contains("loss, onset | lost", stdout);
        Assert.Contains("tangent-dimension.png", File.ReadAllText(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public void Spectrum_WithOneNetworkPerSize_AnalysesEachOnItsOwnTrainingSet_WithTheSharedManifoldTheory()
    {
        // Two tiny MLPs on the same 6-d manifold (2 × std 1, 4 × std 0.1) at N = 40 and N = 80, given in reverse order.
        var models = new[] { 80, 40 }.Select(n =>
        {
            string dir = Path.Combine(Root, $"model-{n}");
            var (c, _, e) = Run("train", "--data", $"manifold:d=6,n={n},stds=2x1;4x0.1,seed=4", "--steps", "20", "--width", "16", "--depth", "2",
                "--samples", "8", "--out", dir);
            Assert.True(c == 0, e);
            return dir;
        }).ToArray();
        string outDir = Path.Combine(Root, "spectrum-models");
        var (code, stdout, stderr) = Run("spectrum", "--model", string.Join(',', models), "--times", "4", "--point-count", "4", "--t-min", "1e-3", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "spectrum.json")));
        var sizes = json.RootElement.GetProperty("sizes");
        Assert.Equal([40, 80], sizes.EnumerateArray().Select(x => x.GetProperty("n").GetInt32()));
        var stds = new double[] { 1, 1, 0.1, 0.1, 0.1, 0.1 };
        foreach (var s in sizes.EnumerateArray())
        {
            Assert.StartsWith("trained network", s.GetProperty("score").GetString());
            Assert.Equal(ManifoldLoss.CollapseTime(stds, s.GetProperty("n").GetInt32()), s.GetProperty("collapseTime").GetDouble(), 12);
            Assert.Equal(2, s.GetProperty("losses").GetArrayLength());
        }
        Assert.Contains("trained models", stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "spectra-N80.png")));

        // Data options cannot apply to several networks at once, and each size must appear once.
        var (bad, _, err) = Run("spectrum", "--model", string.Join(',', models), "--data", "manifold:d=6,n=40,stds=2x1;4x0.1", "--out", Path.Combine(Root, "bad1"));
        Assert.NotEqual(0, bad);
        Assert.Contains("own training set", err);
        var (dup, _, err2) = Run("spectrum", "--model", $"{models[1]},{models[1]}", "--out", Path.Combine(Root, "bad2"));
        Assert.NotEqual(0, dup);
        Assert.Contains("each size must appear once", err2);
        var (missing, _, err3) = Run("spectrum", "--model", Path.Combine(Root, "no-such-model"), "--out", Path.Combine(Root, "bad3"));
        Assert.NotEqual(0, missing);
        Assert.Contains("does not exist", err3);
    }

    [Fact]
    public void ModelFolders_ExpandAMemorizationSweepIntoItsModelsOrderedByN()
    {
        string sweep = Path.Combine(Root, "sweep-folder");
        foreach (int n in new[] { 256, 64, 1024 })
        {
            Directory.CreateDirectory(Path.Combine(sweep, $"n-{n}"));
            File.WriteAllText(Path.Combine(sweep, $"n-{n}", DiffusionDynamics.Cli.Commands.TrainCommand.DataRequestFile), "{}");
        }
        Directory.CreateDirectory(Path.Combine(sweep, "n-7-unfinished")); // no stored training set: not a model
        var dirs = DiffusionDynamics.Cli.Commands.ListOption.ModelFolders(sweep)!;
        Assert.Equal(new[] { "n-64", "n-256", "n-1024" }, dirs.Select(Path.GetFileName));
        Assert.Null(DiffusionDynamics.Cli.Commands.ListOption.ModelFolders(" "));
    }

    [Fact]
    public void Spectrum_AtTheOrigin_OnGenericData_RunsWithoutTheory()
    {
        string outDir = Path.Combine(Root, "origin");
        var (code, _, stderr) = Run("spectrum", "--data", "gaussian:d=8,n=200,spectrum=geometric:4:0.9", "--points", "origin", "--times", "5", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "spectrum.json")));
        var s = json.RootElement.GetProperty("sizes")[0];
        Assert.Equal(JsonValueKind.Null, s.GetProperty("thresholds").ValueKind);
        Assert.False(File.Exists(Path.Combine(outDir, "subspaces.png")));
    }

    [Fact]
    public void Spectrum_AtGeneratedPoints_RunsTheSamplerAndIsReproducible()
    {
        string[] args = ["spectrum", "--data", "manifold:d=6,n=200,stds=2x1;4x0.1", "--points", "generated", "--point-count", "3",
            "--times", "4", "--sampler-steps", "40", "--seed", "4"];
        var (code, _, stderr) = Run([.. args, "--out", Path.Combine(Root, "g1")]);
        Assert.True(code == 0, stderr);
        var (code2, _, stderr2) = Run([.. args, "--out", Path.Combine(Root, "g2")]);
        Assert.True(code2 == 0, stderr2);
        // Same seed, same numbers: the CSV holds every measured value.
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "g1", "spectrum.csv")), File.ReadAllText(Path.Combine(Root, "g2", "spectrum.csv")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "g1", "spectrum.json")));
        Assert.Equal("Generated", json.RootElement.GetProperty("options").GetProperty("pointKind").ToString());
    }

    [Theory]
    [InlineData("spectrum", "--sizes", "1,100")]
    [InlineData("spectrum", "--sizes", "abc")]
    [InlineData("spectrum", "--gap", "1.5")]
    [InlineData("spectrum", "--t-min", "0")]
    [InlineData("spectrum", "--t-min", "3", "--t-max", "2")]
    [InlineData("spectrum", "--times", "1")]
    [InlineData("spectrum", "--points", "everywhere")]
    [InlineData("spectrum", "--data", "gaussian:d=8,n=50", "--sizes", "100")]
    [InlineData("spectrum", "--data", "/nonexistent.npy")]
    public void BadOptionsOrData_ExitWithCode2_AndWriteNothing(params string[] args)
    {
        AssertUsageErrorWroteNothing(args);
    }
}
