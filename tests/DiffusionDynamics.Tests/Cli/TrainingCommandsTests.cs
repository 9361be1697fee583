using System.Text.Json;
using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Tests.Cli;

public class TrainingCommandsTests : CliHarness
{
    private const string Data = "two-cluster:d=8,n=200,mu=1,sigma=0.5,seed=2";

    [Fact]
    public void Train_WritesCheckpointLogReport_AndResumeContinuesToTheNewStepCount()
    {
        string dir = Path.Combine(Root, "model");
        var (code, stdout, stderr) = Run("train", "--data", Data, "--steps", "30", "--width", "32", "--depth", "2", "--samples", "16",
            "--checkpoint-every", "10", "--out", dir);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "checkpoint.json", "train-log.jsonl", "data-request.json", "report/index.html", "report/loss.png", "report/samples-scatter.png", "report/manifest.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"missing {f}");
        Assert.Equal(30, Checkpoint.ReadInfo(dir).Step);
        Assert.Contains("parameters", stdout);

        // Without --resume an existing folder is refused; with it, training continues to the new step count.
        Assert.Equal(2, Run("train", "--data", Data, "--steps", "40", "--width", "32", "--depth", "2", "--out", dir).Code);
        var (code2, _, stderr2) = Run("train", "--data", Data, "--steps", "40", "--width", "32", "--depth", "2", "--samples", "16",
            "--checkpoint-every", "10", "--resume", "--out", dir);
        Assert.True(code2 == 0, stderr2);
        Assert.Equal(40, Checkpoint.ReadInfo(dir).Step);
        // Resuming with other data is refused with a clear error.
        var (code3, _, stderr3) = Run("train", "--data", "two-cluster:d=8,n=100", "--steps", "50", "--width", "32", "--depth", "2", "--resume", "--out", dir);
        Assert.Equal(2, code3);
        Assert.Contains("different data", stderr3);

        // regimes --model runs the model and the exact score side by side, taking the data from the model folder.
        string regimes = Path.Combine(Root, "regimes");
        var (code4, stdout4, stderr4) = Run("regimes", "--model", dir, "--pairs", "8", "--branches", "3", "--steps", "30",
            "--entropy-samples", "16", "--bootstrap", "10", "--out", regimes);
        Assert.True(code4 == 0, stderr4);
        Assert.Contains("exact:", stdout4);
        Assert.True(File.Exists(Path.Combine(regimes, "regimes-exact.json")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(regimes, "regimes.json")));
        Assert.Contains("trained model", json.RootElement.GetProperty("run").GetProperty("score").GetString());
        // The report says what ran: the model folder as the score (not the exact score), the exact run's file listed, t̂_C only when it means something.
        string html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(regimes, "index.html")));
        Assert.Contains($"score: the trained network in {dir}", html);
        Assert.DoesNotContain("The score is the exact empirical score", html);
        Assert.Contains("href=\"regimes-exact.json\"", html);
        Assert.Contains("sampler sde (start noise)", html);
        Assert.DoesNotContain("EulerMaruyama", html);
        double memorized = json.RootElement.GetProperty("collapse").GetProperty("memorizedFraction").GetDouble();
        if (memorized < DiffusionDynamics.Reports.RegimesWriter.CollapsedShare) Assert.Contains("not meaningful", html);
    }

    [Fact]
    public void Memorization_TrainsOneModelPerSize_AndResumesFinishedSizes()
    {
        string dir = Path.Combine(Root, "sweep");
        string[] args = ["memorization", "--data", Data, "--sizes", "8,64", "--steps", "20", "--width", "32", "--depth", "2",
            "--samples", "8", "--score-samples", "16", "--out", dir];
        var (code, stdout, stderr) = Run(args);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "memorization.json", "memorization.csv", "sweep.json", "index.html", "memorized-share.png", "collapse-vs-n.png", "score-distance.png", "n-8/checkpoint.json", "n-64/checkpoint.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"missing {f}");
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "memorization.json"))))
            Assert.Equal(new[] { 8, 64 }, json.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("n").GetInt32()));
        var (code2, stdout2, _) = Run([.. args, "--resume"]);
        Assert.Equal(0, code2);
        Assert.Contains("done in an earlier run", stdout2);
        // The shared sweep state refuses a resume with other options, naming the first one that differs.
        var (code3, _, stderr3) = Run([.. args.Select(a => a == "20" ? "30" : a), "--resume"]);
        Assert.Equal(2, code3);
        Assert.Contains("Cannot resume", stderr3);
        Assert.Contains("options.training.steps", stderr3);
    }

    [Theory]
    [InlineData("train", "--steps", "0")]
    [InlineData("train", "--ema", "1.5")]
    [InlineData("train", "--network", "transformer")]
    [InlineData("train", "--data", "two-cluster:d=8,n=50", "--network", "unet")]
    [InlineData("memorization", "--sizes", "1,64")]
    [InlineData("memorization", "--data", "two-cluster:d=8,n=50", "--sizes", "64,128")]
    [InlineData("regimes", "--model", "/no/such/model")]
    public void BadOptions_ExitWithCode2_AndWriteNothing(params string[] args) => AssertUsageErrorWroteNothing(args);
}
