using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Commands;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;

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
                     "fixed-points.png", "ring-radius.png", "energy-landscape.png", "energy-landscape.svg", "basins.png", "basins-vs-radius.png", "basins.csv", "sweep.json" })
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
            Assert.Equal(4, s.GetProperty("basins").GetArrayLength());
            Assert.Equal(4, s.GetProperty("basinAll").GetProperty("count").GetInt32());
            Assert.Equal(3, s.GetProperty("fixedPoints").GetArrayLength());
        }
        // n = 4 at t = 1e-5 (kernel width 0.0045 ≪ spacing): every fixed point is a training point.
        var first = sizes[0].GetProperty("fixedPoints")[0];
        Assert.Equal(0, first.GetProperty("spurious").GetInt32());
        // n = 64 at t = 0.6 > t_c: a single fixed point near the centre.
        Assert.Equal(1, sizes[1].GetProperty("fixedPoints")[2].GetProperty("count").GetInt32());
        Assert.Equal(64, r.GetProperty("landscape").GetProperty("n").GetInt32());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "memory.csv")).Length); // header + 2 sizes
        Assert.Equal(9, File.ReadAllLines(Path.Combine(outDir, "basins.csv")).Length); // header + 2 sizes × 4 samples
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, "fixed-points.csv")).Length); // header + 2 × 3 times (exact score only: no network rows)
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
        var (code, stdout, stderr) = Run("memory", "--data", "circle:n=16", "--sizes", "4,16", "--times", "0.01,0.5", "--samples", "8",
            "--steps", "20", "--starts", "8", "--basin-points", "2", "--basin-trials", "2", "--train", "--train-steps", "20", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.True(Directory.Exists(Path.Combine(outDir, "models", "n-4")));
        Assert.True(Directory.Exists(Path.Combine(outDir, "models", "n-16")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "memory.json")));
        Assert.StartsWith("trained", json.RootElement.GetProperty("score").GetString());
        // The networks' own fixed points, searched at the times ≥ t_min, in the JSON, the CSV (network = 1) and their figure.
        var net = json.RootElement.GetProperty("sizes")[0].GetProperty("modelFixedPoints");
        Assert.True(net.GetArrayLength() > 0);
        Assert.True(File.Exists(Path.Combine(outDir, "network-fixed-points.png")));
        var rows = File.ReadAllLines(Path.Combine(outDir, "fixed-points.csv"));
        Assert.Equal("n,network", string.Join(',', rows[0].Split(',').Take(2)));
        Assert.Contains(rows.Skip(1), r => r.Split(',')[1] == "1");
        Assert.Contains("network fixed points", stdout);
    }

    private static DataRequest Circle16 => new("circle:n=16");

    private static MemoryOptions TinyOptions => new([4, 16], Times: [0.01, 0.5], Samples: 8, SamplerSteps: 20, BasinPoints: 2,
        FixedPoints: new FixedPointOptions(Starts: 8), Basins: new BasinOptions([1e-4, 1e-2, 0.3], Trials: 4));

    private static TrainingOptions TinyTraining => new(Steps: 40, CheckpointEvery: 10, LogEvery: 5, Seed: 1);

    // memory.json without the wall-clock fields, which differ between any two runs.
    private static string WithoutTimings(string path)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is System.Text.Json.Nodes.JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).Where(k => k is "seconds" or "totalSeconds").ToList()) o.Remove(key);
                foreach (var p in o) Strip(p.Value);
            }
            else if (n is System.Text.Json.Nodes.JsonArray a) foreach (var e in a) Strip(e);
        }
        Strip(node);
        return node.ToJsonString();
    }

    /// <summary>Cancels when the second size's network reports training progress, i.e. mid-way through its training.</summary>
    private sealed class CancelOnLine(CancellationTokenSource cts, string marker) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(marker)) cts.Cancel();
        }
    }

    [Fact]
    public void Memory_WithTrain_KilledMidTraining_ResumesFromTheSweepAndCheckpoint_ToTheUninterruptedResult()
    {
        string whole = Path.Combine(Root, "whole"), resumed = Path.Combine(Root, "resumed");
        Assert.Equal(0, MemoryCommand.Execute(Circle16, TinyOptions, whole, TinyTraining, resume: false, [], new StringWriter()));

        // Interrupt: n = 4 finishes, n = 16 is cancelled at its first training report (step 5 of 40; the trainer checkpoints on cancel).
        using var cts = new CancellationTokenSource();
        var log = new CancelOnLine(cts, "n = 16: training: 5/40");
        var errors = ProgressDisplay.Errors;
        ProgressDisplay.Errors = log; // progress goes to the error writer
        try
        {
            Assert.ThrowsAny<OperationCanceledException>(() => MemoryCommand.Execute(Circle16, TinyOptions, resumed, TinyTraining, resume: false, [], log, cts.Token));
        }
        finally
        {
            ProgressDisplay.Errors = errors;
        }
        Assert.Contains("n = 4: done", log.ToString());
        Assert.False(File.Exists(Path.Combine(resumed, "memory.json")));
        Assert.Equal(5, DiffusionDynamics.Neural.Checkpoint.ReadInfo(Path.Combine(resumed, "models", "n-16")).Step);

        // Without --resume the folder is refused; with it, n = 4 comes from sweep.json and n = 16 continues from step 5.
        Assert.Contains("--resume", Assert.Throws<IOException>(() => MemoryCommand.Execute(Circle16, TinyOptions, resumed, TinyTraining, resume: false, [], new StringWriter())).Message);
        var output = new StringWriter();
        Assert.Equal(0, MemoryCommand.Execute(Circle16, TinyOptions, resumed, TinyTraining, resume: true, [], output));
        Assert.Contains("n = 4: done in an earlier run", output.ToString());
        Assert.Equal(40, DiffusionDynamics.Neural.Checkpoint.ReadInfo(Path.Combine(resumed, "models", "n-16")).Step);
        Assert.Equal(WithoutTimings(Path.Combine(whole, "memory.json")), WithoutTimings(Path.Combine(resumed, "memory.json")));

        // Resuming with other options is refused, naming the option.
        var e = Assert.Throws<ArgumentException>(() => MemoryCommand.Execute(Circle16, TinyOptions with { Samples = 16 }, resumed, TinyTraining, resume: true, [], new StringWriter()));
        Assert.Contains("Cannot resume", e.Message);
        Assert.Contains("options.memory.samples", e.Message);
    }

    [Fact]
    public void Memory_ResumeOnTheCommandLine_SkipsFinishedSizes_AndRefusesOtherOptionsWithOneErrorLine()
    {
        string dir = Path.Combine(Root, "cli-resume");
        string[] args = ["memory", "--data", "circle:n=16", "--sizes", "4,16", "--times", "0.01", "--samples", "8", "--steps", "20", "--starts", "8",
            "--basin-points", "2", "--basin-trials", "2", "--basin-levels", "0.001,0.1", "--out", dir];
        Assert.Equal(0, Run(args).Code);
        string first = WithoutTimings(Path.Combine(dir, "memory.json"));
        var (code, stdout, _) = Run([.. args, "--resume"]);
        Assert.Equal(0, code);
        Assert.Contains("n = 16: done in an earlier run", stdout);
        Assert.Equal(first, WithoutTimings(Path.Combine(dir, "memory.json")));
        var (code2, _, stderr2) = Run([.. args.Select(a => a == "0.001,0.1" ? "0.001,0.2" : a), "--resume"]);
        Assert.Equal(2, code2);
        Assert.StartsWith("error: Cannot resume", stderr2);
        Assert.Contains("options.memory.basins.levels[1]", stderr2);
        var (code3, _, stderr3) = Run(args);
        Assert.Equal(2, code3);
        Assert.Contains("not empty", stderr3);
    }

    [Theory]
    [InlineData("memory", "--basin-return", "1.5")]
    [InlineData("memory", "--basin-levels", "0.1,x")]
    [InlineData("memory", "--basin-t-min", "0")]
    [InlineData("memory", "--basin-t-min", "0.5")]
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
