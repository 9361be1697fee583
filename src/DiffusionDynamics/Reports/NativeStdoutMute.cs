using System.Runtime.InteropServices;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Silences the process's native standard output (file descriptor 1) for the duration of a call. Skia's SVG backend
/// writes "Unsupported path effect in addPaint." to C stdout for every dashed line it cannot express; the library
/// never prints, so that line must not reach the user's terminal. Managed writes through <see cref="Console.Out"/>
/// are flushed before and are not affected afterwards. Linux only; elsewhere the call runs unchanged.
/// </summary>
internal static partial class NativeStdoutMute
{
    private const int StdoutFd = 1;
    private const int WriteOnly = 1; // O_WRONLY
    private static readonly object Gate = new();

    /// <summary>Runs <paramref name="action"/> with fd 1 pointed at /dev/null, then restores it.</summary>
    public static void Run(Action action)
    {
        if (!OperatingSystem.IsLinux())
        {
            action();
            return;
        }
        lock (Gate)
        {
            Console.Out.Flush();
            Flush(IntPtr.Zero);
            int saved = Dup(StdoutFd);
            int devNull = saved < 0 ? -1 : Open("/dev/null", WriteOnly);
            if (devNull < 0)
            {
                if (saved >= 0) Close(saved);
                action();
                return;
            }
            Dup2(devNull, StdoutFd);
            Close(devNull);
            try
            {
                action();
            }
            finally
            {
                Flush(IntPtr.Zero); // push buffered C stdio text into /dev/null before restoring
                Dup2(saved, StdoutFd);
                Close(saved);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int from, int to);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fflush")]
    private static partial int Flush(IntPtr stream);
}
