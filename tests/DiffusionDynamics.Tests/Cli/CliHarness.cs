using DiffusionDynamics.Cli;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>Runs <c>diffdyn</c> in-process with captured output, under a temporary folder removed afterwards.</summary>
public abstract class CliHarness : IDisposable
{
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), "diffdyn-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, true);
        GC.SuppressFinalize(this);
    }

    protected static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A failed run: exit code 2, one "error:" line, and no output or staging folder left behind.</summary>
    protected void AssertUsageErrorWroteNothing(string[] args)
    {
        string outDir = Path.Combine(Root, "bad");
        var (code, _, stderr) = Run([.. args, "--out", outDir]);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")));
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "output folder was written");
        if (Directory.Exists(Root)) Assert.Empty(Directory.EnumerateDirectories(Root, ".*partial*"));
    }
}
