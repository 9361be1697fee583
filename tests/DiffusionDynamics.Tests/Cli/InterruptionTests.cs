using System.Diagnostics;
using System.Text.Json;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>
/// Real interruptions of a child <c>diffdyn</c> process: SIGKILL during <c>train</c> after its first checkpoint, then
/// --resume, gives the uninterrupted run's weights bit for bit and a log with each step once; SIGTERM and SIGINT
/// during <c>sample</c> leave no staging folder and no --out.
/// </summary>
public class InterruptionTests : CliHarness
{
    private static Process StartChild(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "diffdyn.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(5);
        }
        return condition();
    }

    private static int[] LogSteps(string dir) => File.ReadAllLines(Path.Combine(dir, "train-log.jsonl"))
        .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32()).ToArray();

    [Fact]
    public void Train_KilledAfterItsFirstCheckpoint_ResumesToTheUninterruptedResult()
    {
        string[] args = ["train", "--data", "two-cluster:d=4,n=64", "--network", "mlp", "--width", "32", "--depth", "1", "--steps", "3000",
            "--checkpoint-every", "100", "--batch", "32", "--samples", "4", "--seed", "2"];
        string straight = Path.Combine(Root, "straight"), killed = Path.Combine(Root, "killed");
        var (code, _, err) = Run([.. args, "--out", straight]);
        Assert.True(code == 0, err);

        using (var child = StartChild([.. args, "--out", killed]))
        {
            Assert.True(WaitFor(() => File.Exists(Path.Combine(killed, "checkpoint.json")), TimeSpan.FromSeconds(120)), "no checkpoint appeared");
            child.Kill(entireProcessTree: true); // SIGKILL
            child.WaitForExit();
        }
        int stepAtKill = JsonDocument.Parse(File.ReadAllText(Path.Combine(killed, "checkpoint.json"))).RootElement.GetProperty("step").GetInt32();
        Assert.True(stepAtKill < 3000, "the child finished before it was killed; the test proves nothing");

        (code, _, err) = Run([.. args, "--resume", "--out", killed]);
        Assert.True(code == 0, err);
        foreach (var f in new[] { "checkpoint.weights.bin", "checkpoint.ema.bin", "checkpoint.adam.bin" })
            Assert.True(File.ReadAllBytes(Path.Combine(straight, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(killed, f))), $"{f} differs after resume");
        Assert.Equal(LogSteps(straight), LogSteps(killed));
    }

    public static TheoryData<string[]> Sweeps => new()
    {
        new[] { "memorization", "--data", "two-cluster:d=4,n=64", "--sizes", "8,64", "--steps", "1500", "--checkpoint-every", "100", "--width", "32", "--depth", "1",
            "--batch", "32", "--samples", "8", "--score-samples", "16", "--seed", "1" },
        new[] { "memory", "--data", "circle:n=16", "--sizes", "4,16", "--times", "0.01,0.5", "--samples", "8", "--steps", "20", "--starts", "8",
            "--basin-points", "2", "--basin-trials", "2", "--train", "--train-steps", "1500", "--checkpoint-every", "100", "--seed", "1" },
    };

    /// <summary>memorization and memory --train: killed after the first checkpoint of their first network, resumed, every network bit-identical.</summary>
    [Theory]
    [MemberData(nameof(Sweeps))]
    public void TrainingSweeps_KilledAfterTheFirstCheckpoint_ResumeToTheUninterruptedNetworks(string[] args)
    {
        string straight = Path.Combine(Root, "straight"), killed = Path.Combine(Root, "killed");
        var (code, _, err) = Run([.. args, "--out", straight]);
        Assert.True(code == 0, err);
        static IEnumerable<string> Checkpoints(string dir) =>
            Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "checkpoint.json", SearchOption.AllDirectories) : [];
        using (var child = StartChild([.. args, "--out", killed]))
        {
            Assert.True(WaitFor(() => Checkpoints(killed).Any(), TimeSpan.FromSeconds(180)), "no checkpoint appeared");
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, args[0] == "memory" ? "memory.json" : "memorization.json")), "the child finished before it was killed");
        (code, _, err) = Run([.. args, "--resume", "--out", killed]);
        Assert.True(code == 0, err);
        var weights = Directory.EnumerateFiles(straight, "checkpoint.*.bin", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(straight, f)).Order().ToArray();
        Assert.True(weights.Length >= 6, $"only {weights.Length} weight files");
        Assert.Equal(weights, Directory.EnumerateFiles(killed, "checkpoint.*.bin", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(killed, f)).Order().ToArray());
        foreach (var f in weights)
            Assert.True(File.ReadAllBytes(Path.Combine(straight, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(killed, f))), $"{f} differs after resume");
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void Sample_EndedBySignal_LeavesNoStagingFolderAndNoOut(string signal)
    {
        Directory.CreateDirectory(Root);
        string outDir = Path.Combine(Root, "sig");
        using var child = StartChild("sample", "--samples", "4000", "--steps", "400", "--out", outDir);
        Assert.True(WaitFor(() => Directory.EnumerateDirectories(Root, ".sig.partial-*").Any(), TimeSpan.FromSeconds(120)), "no staging folder appeared");
        Thread.Sleep(300);
        using (var kill = Process.Start("kill", ["-" + signal, child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(child.WaitForExit(60_000), "the child did not end on the signal");
        Assert.Empty(Directory.EnumerateDirectories(Root, ".sig.partial-*"));
        Assert.False(Directory.Exists(outDir));
    }
}
