namespace DiffusionDynamics.Data;

/// <summary>
/// A data file (or a named stream such as an embedded resource or an .npz entry) is malformed: wrong magic
/// number, unsupported element type, inconsistent header, truncated or over-long content, a bad CSV cell.
/// The message names the file, what is wrong and, where it applies, the byte offset or line and column.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message reads "<c>file: problem (at byte offset k)</c>".</summary>
    /// <param name="filePath">Path (or source name) of the offending data.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="offset">Byte offset of the problem in the (decompressed) content, if known.</param>
    /// <param name="innerException">Underlying error, if any.</param>
    public DataFormatException(string filePath, string problem, long? offset = null, Exception? innerException = null)
        : base($"{filePath}: {problem}{(offset is { } o ? $" (at byte offset {o})" : "")}", innerException)
    {
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>Path or source name of the malformed data.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset of the problem in the decompressed content, or null when not byte-addressed (e.g. a CSV cell).</summary>
    public long? Offset { get; }
}
