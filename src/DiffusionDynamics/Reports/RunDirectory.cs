using System.Collections.Concurrent;
using System.Globalization;

using DiffusionDynamics.Data;
namespace DiffusionDynamics.Reports;

/// <summary>
/// A results folder written atomically: files go to a hidden staging folder <c>.NAME.partial-PID</c> beside the
/// target, which is renamed into place by <see cref="Commit"/>; on failure <see cref="Dispose"/> removes the
/// staging folder, so a failed run leaves nothing half-written. A process that ends on a signal removes its
/// staging folders through <see cref="RemoveUncommitted"/> (the CLI calls it on SIGINT/SIGTERM); the staging
/// folders of a process killed outright (SIGKILL) are removed by the next <see cref="Create"/> beside them,
/// once their process is gone.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private const string PartialMarker = ".partial-";
    private static readonly ConcurrentDictionary<string, byte> Live = new();
    private bool committed;

    private RunDirectory(string target, string staging)
    {
        Target = target;
        Staging = staging;
    }

    /// <summary>The final folder.</summary>
    public string Target { get; }

    /// <summary>Where files are written until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>
    /// Starts a run into <paramref name="target"/>, which must not exist or be empty. A trailing separator
    /// (<c>runs/x/</c>, as shell completion writes it) names the same folder.
    /// </summary>
    /// <exception cref="ArgumentException">An empty path or a file-system root.</exception>
    /// <exception cref="IOException">The target is a file, a non-empty folder, or cannot be created.</exception>
    public static RunDirectory Create(string target)
    {
        if (string.IsNullOrWhiteSpace(target)) throw OptionMessage.Argument("The output folder ({Out}) is an empty path.", "Out");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        string name = Path.GetFileName(full);
        string? parent = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(name) || parent is null) throw OptionMessage.Argument($"The output folder ({{Out}}) cannot be the root {full}.", "Out");
        if (System.IO.File.Exists(full)) throw new IOException($"Output path {full} is a file.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw OptionMessage.IO($"Output folder {full} already exists and is not empty; choose another {{Out}}.", null, "Out");
        string staging = Path.Combine(parent, $".{name}{PartialMarker}{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(parent);
            RemoveStale(parent, name);
            if (Directory.Exists(staging)) Directory.Delete(staging, true);
            Directory.CreateDirectory(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OptionMessage.IO($"Cannot write the output folder {full} ({{Out}}): cannot create a folder in {parent} " +
                                  (e is UnauthorizedAccessException ? "(permission denied)." : "(the file system refuses it, or a path component is not a folder)."), e, "Out");
        }
        Live[staging] = 0;
        return new RunDirectory(full, staging);
    }

    /// <summary>
    /// Creates the output folder of a run written in place (training folders, sweeps); a path that cannot be made
    /// is an <see cref="IOException"/> naming it and --out, not the file system's bare message.
    /// </summary>
    public static void CreateFolder(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OptionMessage.IO($"Cannot write the output folder {path} ({{Out}}): " +
                                  (e is UnauthorizedAccessException ? "permission denied." : "the file system refuses it, or a path component is not a folder."), e, "Out");
        }
    }

    /// <summary>Path of a file inside the staging folder.</summary>
    public string File(string name) => Path.Combine(Staging, name);

    /// <summary>Moves the staging folder to the target.</summary>
    public void Commit()
    {
        if (Directory.Exists(Target)) Directory.Delete(Target, false); // empty by the check in Create
        Directory.Move(Staging, Target);
        committed = true;
        Live.TryRemove(Staging, out _);
    }

    /// <summary>Removes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (!committed && Directory.Exists(Staging)) Directory.Delete(Staging, true);
        Live.TryRemove(Staging, out _);
    }

    /// <summary>
    /// Removes the staging folders of every run of this process that has not committed (for a signal handler:
    /// the process is about to end). Never throws.
    /// </summary>
    public static void RemoveUncommitted()
    {
        foreach (var staging in Live.Keys)
        {
            try
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file still being written; the next run beside it removes the rest (RemoveStale).
            }
            Live.TryRemove(staging, out _);
        }
    }

    /// <summary>True when <paramref name="path"/> is the staging folder of a process that no longer runs.</summary>
    public static bool IsStale(string path)
    {
        string leaf = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        int at = leaf.LastIndexOf(PartialMarker, StringComparison.Ordinal);
        if (!leaf.StartsWith('.') || at < 0) return false;
        if (!int.TryParse(leaf[(at + PartialMarker.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return false;
        return pid != Environment.ProcessId && !ProcessRuns(pid);
    }

    private static void RemoveStale(string parent, string name)
    {
        foreach (var dir in Directory.EnumerateDirectories(parent, $".{name}{PartialMarker}*"))
        {
            if (!IsStale(dir)) continue;
            try
            {
                Directory.Delete(dir, true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to force; it does not block this run.
            }
        }
    }

    private static bool ProcessRuns(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
