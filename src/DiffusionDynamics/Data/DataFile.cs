using System.IO.Compression;

namespace DiffusionDynamics.Data;

/// <summary>Whole-content reads with transparent gzip decompression (detected by the magic bytes 1f 8b, not the extension).</summary>
internal static class DataFile
{
    /// <summary>True when <paramref name="head"/> starts with the gzip magic 1f 8b.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    /// <summary>The content of the file at <paramref name="path"/>, gunzipped when it is gzip.</summary>
    public static byte[] ReadAll(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadAll(stream, path);
    }

    /// <summary>The rest of <paramref name="stream"/>, gunzipped when it is gzip; <paramref name="name"/> names it in errors.</summary>
    public static byte[] ReadAll(Stream stream, string name)
    {
        using var raw = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length - stream.Position, Array.MaxLength) : 0);
        stream.CopyTo(raw);
        byte[] bytes = raw.Length == raw.Capacity ? raw.GetBuffer() : raw.ToArray();
        if (bytes.Length == 0) throw new DataFormatException(name, "the file is empty.", 0);
        if (!IsGzip(bytes)) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            if (plain.Length == 0) throw new DataFormatException(name, "the gzip stream decompresses to nothing.");
            return plain.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(name, $"corrupt or truncated gzip stream ({e.Message}).", null, e);
        }
    }

    /// <summary>Reads the first bytes of a file (gunzipping if needed) to sniff its format; fewer if the file is short.</summary>
    public static byte[] Head(string path, int count)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[count];
        int read = stream.ReadAtLeast(head, count, throwOnEndOfStream: false);
        if (!IsGzip(head.AsSpan(0, read))) return head[..read];
        stream.Position = 0;
        try
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            read = gzip.ReadAtLeast(head, count, throwOnEndOfStream: false);
            return head[..read];
        }
        catch (InvalidDataException) { return []; }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, gzipped (smallest size) when <paramref name="gzip"/>.</summary>
    public static void WriteAll(string path, ReadOnlySpan<byte> content, bool gzip)
    {
        using var file = File.Create(path);
        if (!gzip)
        {
            file.Write(content);
            return;
        }
        using var zip = new GZipStream(file, CompressionLevel.SmallestSize);
        zip.Write(content);
    }
}
