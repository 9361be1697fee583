using DiffusionDynamics.Data;
namespace DiffusionDynamics.Reports;

/// <summary>
/// A results folder written atomically: files go to a hidden staging folder beside the target, which is
/// renamed into place by <see cref="Commit"/>; on failure <see cref="Dispose"/> removes the staging folder,
/// so a failed run leaves nothing half-written.
/// </summary>
public sealed class RunDirectory : IDisposable
{
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

    /// <summary>Starts a run into <paramref name="target"/>, which must not exist or be empty.</summary>
    public static RunDirectory Create(string target)
    {
        string full = Path.GetFullPath(target);
        if (System.IO.File.Exists(full)) throw new IOException($"Output path {full} is a file.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw OptionMessage.IO($"Output folder {full} already exists and is not empty; choose another {{Out}}.", null, "Out");
        string parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        Directory.CreateDirectory(staging);
        return new RunDirectory(full, staging);
    }

    /// <summary>Path of a file inside the staging folder.</summary>
    public string File(string name) => Path.Combine(Staging, name);

    /// <summary>Moves the staging folder to the target.</summary>
    public void Commit()
    {
        if (Directory.Exists(Target)) Directory.Delete(Target, false); // empty by the check in Create
        Directory.Move(Staging, Target);
        committed = true;
    }

    /// <summary>Removes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (!committed && Directory.Exists(Staging)) Directory.Delete(Staging, true);
    }
}
