using DiffusionDynamics.Data;
using System.Diagnostics;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Tests;

public class RunDirectoryTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "diffdyn-rundir-" + Guid.NewGuid().ToString("N"));

    public RunDirectoryTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void ATrailingSlash_NamesTheSameFolder_AndTheRunCommits()
    {
        string target = Path.Combine(root, "run") + Path.DirectorySeparatorChar;
        using (var run = RunDirectory.Create(target))
        {
            Assert.Equal(root, Path.GetDirectoryName(run.Staging));
            File.WriteAllText(run.File("a.txt"), "x");
            run.Commit();
        }
        Assert.True(File.Exists(Path.Combine(root, "run", "a.txt")));
        Assert.Empty(Directory.EnumerateDirectories(root, ".*"));
    }

    [Fact]
    public void StagingOfADeadProcess_IsRemovedByTheNextRunBesideIt_ButNotThatOfALiveOne()
    {
        // A pid that is certainly gone: a finished child process.
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        child.WaitForExit();
        string stale = Path.Combine(root, $".run.partial-{child.Id}");
        string live = Path.Combine(root, $".run.partial-{Environment.ProcessId}");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "half.npy"), "x");
        Assert.True(RunDirectory.IsStale(stale));
        Assert.False(RunDirectory.IsStale(Path.Combine(root, ".run.partial-1"))); // pid 1 runs
        using (var run = RunDirectory.Create(Path.Combine(root, "run")))
        {
            Assert.Equal(live, run.Staging);
            Assert.False(Directory.Exists(stale));
        }
        Assert.False(Directory.Exists(live)); // not committed: removed on dispose
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/")]
    public void EmptyOrRootTargets_AreArgumentErrorsNamingOut(string target)
    {
        var e = Assert.Throws<ArgumentException>(() => RunDirectory.Create(target));
        Assert.Equal("Out", e.ParamName);
        Assert.True(OptionMessage.TryRender(e, o => o == "Out" ? "--out" : o, out var shown) && shown.Contains("(--out)"), shown);
    }

    [Fact]
    public void AnUnwritableParent_IsAnIOExceptionNamingOut()
    {
        var e = Assert.Throws<IOException>(() => RunDirectory.Create("/proc/diffdyn-x"));
        Assert.True(OptionMessage.TryRender(e, o => o == "Out" ? "--out" : o, out var shown) && shown.Contains("(--out)"), shown);
        Assert.Contains("/proc/diffdyn-x", e.Message);
    }
}
