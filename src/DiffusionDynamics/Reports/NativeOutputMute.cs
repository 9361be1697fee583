using System.Runtime.InteropServices;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Silences the process's native standard output and error (file descriptors 1 and 2) for the duration of a call.
/// Skia's SVG backend writes "Unsupported path effect in addPaint." to C stderr (SkDebugf) for every dashed line it
/// cannot express; the library never prints, so that text must not reach the user's terminal. Managed writers are
/// flushed before and work as usual afterwards; an exception thrown by the call is reported by the caller after the
/// descriptors are restored. Linux only; elsewhere the call runs unchanged.
/// </summary>
internal static partial class NativeOutputMute
{
    private const int StdoutFd = 1;
    private const int StderrFd = 2;
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
            Console.Error.Flush();
            Flush(IntPtr.Zero);
            int devNull = Open("/dev/null", WriteOnly);
            if (devNull < 0)
            {
                action();
                return;
            }
            int[] saved = [Dup(StdoutFd), Dup(StderrFd)];
            if (saved[0] >= 0) Dup2(devNull, StdoutFd);
            if (saved[1] >= 0) Dup2(devNull, StderrFd);
            Close(devNull);
            try
            {
                action();
            }
            finally
            {
                Flush(IntPtr.Zero); // push buffered C stdio text into /dev/null before restoring
                if (saved[0] >= 0) { Dup2(saved[0], StdoutFd); Close(saved[0]); }
                if (saved[1] >= 0) { Dup2(saved[1], StderrFd); Close(saved[1]); }
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
