using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Tests.Scores;

namespace DiffusionDynamics.Tests.Cli;

/// <summary><c>diffdyn entropy</c> with models instead of exact scores: one class-conditional ONNX graph (null label = D) and trained networks.</summary>
public class EntropyModelsCommandTests : CliHarness
{
    private static readonly string Graph = OnnxDenoiserTests.Fixture("mixture_eps_class.onnx");

    /// <summary>Labelled d = 4 points of the graph's mixture (CSV data and labels), so the data and the models agree.</summary>
    private (string Data, string Labels) MixtureFiles()
    {
        Directory.CreateDirectory(Root);
        string data = Path.Combine(Root, "x.csv"), labels = Path.Combine(Root, "y.csv");
        double[][] means = [[1.0, 0.0, -1.0, 0.5], [-2.0, 1.0, 0.5, 0.0]];
        var rng = new System.Random(3);
        var rows = new List<string>();
        var ys = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            int y = i % 2;
            rows.Add(string.Join(",", means[y].Select(m => (m + 0.5 * (rng.NextDouble() - 0.5)).ToString("R", CultureInfo.InvariantCulture))));
            ys.Add(y.ToString(CultureInfo.InvariantCulture));
        }
        File.WriteAllLines(data, rows);
        File.WriteAllLines(labels, ys);
        return (data, labels);
    }

    [Fact]
    public void Entropy_OnAClassConditionalOnnxGraph_WithItsNullLabel_UsesTheOnlineClassifier()
    {
        var (data, labels) = MixtureFiles();
        string dir = Path.Combine(Root, "onnx");
        var (code, stdout, stderr) = Run("entropy", "--data", data, "--labels", labels, "--class-models", Graph, "--null-label", "2", "--schedule", "vp",
            "--samples", "48", "--steps", "30", "--t-max", "4", "--immse-samples", "64", "--out", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("online Bayes", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "entropy.json")));
        var root = json.RootElement;
        Assert.Equal("online Bayes", root.GetProperty("estimator").GetString());
        var curve = root.GetProperty("curve");
        var last = curve[curve.GetArrayLength() - 1];
        Assert.Equal(last.GetProperty("H").GetDouble(), last.GetProperty("online").GetDouble(), 12);
        Assert.True(last.GetProperty("H").GetDouble() < 0.35, "the classes are decided at t_min");   // exact posterior: ≈ 0.06 nats (ClassConditionalPairTests)
        Assert.Equal(4, root.GetProperty("stateInformation").GetProperty("probes").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("tracking").ValueKind);
    }

    [Theory]
    [InlineData("--class-models", "GRAPH")]                          // no unconditional D: neither --model nor --null-label
    [InlineData("--class-models", "0=/nonexistent")]                 // class 1 missing
    [InlineData("--class-models", "7=/a,0=/b,1=/c")]                 // class 7 absent from the data
    [InlineData("--class-models", "0=/a,1=/b", "--null-label", "2")] // null label without one graph
    [InlineData("--model", "GRAPH")]                                 // D without D_c
    public void BadModelOptions_ExitCode2_WithOneErrorLine(params string[] args)
    {
        var (data, labels) = MixtureFiles();
        AssertUsageErrorWroteNothing(["entropy", .. args.Select(a => a == "GRAPH" ? Graph : a), "--schedule", "vp", "--data", data, "--labels", labels, "--samples", "4", "--steps", "4"]);
    }
}

/// <summary>A trained-network pair end to end: D on all the data, D_c by <c>train --classes c</c>, then <c>entropy --model --class-models</c>.</summary>
[Collection(RunAloneCollection.Name)]
public class EntropyTrainedModelsCommandTests : CliHarness
{
    [Fact]
    public void EntropyAndGuide_WithTrainedNetworks_RunEndToEnd()
    {
        const string data = "two-cluster:d=2,n=120,mu=1.5,sigma=0.3,seed=2";
        string Train(string name, params string[] extra)
        {
            string dir = Path.Combine(Root, name);
            var (code, _, stderr) = Run(["train", "--data", data, "--steps", "150", "--width", "32", "--depth", "2", "--samples", "8", .. extra, "--out", dir]);
            Assert.True(code == 0, stderr);
            return dir;
        }
        string all = Train("all"), c0 = Train("c0", "--classes", "0"), c1 = Train("c1", "--classes", "1");
        string outDir = Path.Combine(Root, "entropy");
        var (rc, _, err) = Run("entropy", "--data", data, "--model", all, "--class-models", $"0={c0},1={c1}", "--samples", "24", "--steps", "16",
            "--immse-samples", "32", "--out", outDir);
        Assert.True(rc == 0, err);
        Assert.Contains("models: D = all", err);   // the progress line names the scores
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "entropy.json")));
        var curve = json.RootElement.GetProperty("curve");
        foreach (var p in curve.EnumerateArray()) Assert.InRange(p.GetProperty("H").GetDouble(), 0, Math.Log(2) + 1e-9);
        Assert.Equal(JsonValueKind.Number, curve[0].GetProperty("immse").ValueKind);
        // guide with the same networks: D_1 is the forbidden class's model; every mode is written.
        string guideDir = Path.Combine(Root, "guide");
        var (gc, _, gerr) = Run("guide", "--avoid", "1", "--data", data, "--model", all, "--class-models", $"0={c0},1={c1}", "--samples", "24", "--steps", "16",
            "--sweep", "2", "--out", guideDir);
        Assert.True(gc == 0, gerr);
        using (var guide = JsonDocument.Parse(File.ReadAllText(Path.Combine(guideDir, "guide.json"))))
            Assert.Equal(5, guide.RootElement.GetProperty("modes").GetArrayLength());
        // A class whose D_c is missing is a usage error naming it.
        var (bad, _, badErr) = Run("entropy", "--data", data, "--model", all, "--class-models", $"0={c0}", "--samples", "4", "--steps", "4", "--out", Path.Combine(Root, "bad"));
        Assert.Equal(2, bad);
        Assert.Contains("no model for class 1", badErr);
    }
}
