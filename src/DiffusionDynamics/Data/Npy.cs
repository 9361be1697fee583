using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DiffusionDynamics.Data;

/// <summary>
/// NumPy .npy files (format versions 1.0, 2.0 and 3.0): magic "\x93NUMPY", version bytes, a little-endian
/// header length (uint16 in 1.0, uint32 in 2.0/3.0), a Python-literal header dictionary (latin-1, UTF-8 in
/// 3.0) padded to a multiple of 64 bytes, then the elements in C order. Supported dtypes: &lt;f4, &lt;f8, |u1,
/// &lt;i4, &lt;i8; big-endian data, Fortran order and structured dtypes are rejected with a clear error.
/// </summary>
public static class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file; the file must end right after the data.</summary>
    /// <exception cref="DataFormatException">Bad magic or version, bad header, unsupported dtype or order, truncated data, trailing bytes.</exception>
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        var array = Read(stream, path);
        if (stream.Position != stream.Length)
            throw new DataFormatException(path, $"{stream.Length - stream.Position} trailing bytes after the array data.", stream.Position);
        return array;
    }

    /// <summary>
    /// Reads one array from <paramref name="stream"/> and leaves it positioned just after the data (so several
    /// arrays saved one after another can be read in turn); <paramref name="name"/> names the source in errors.
    /// </summary>
    public static NpyArray Read(Stream stream, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Magic, version, header length.
        Span<byte> preamble = stackalloc byte[12];
        int got = stream.ReadAtLeast(preamble[..10], 10, throwOnEndOfStream: false);
        if (got == 0) throw new DataFormatException(name, "the file is empty.", 0);
        if (got < 8 || !preamble[..6].SequenceEqual(Magic))
            throw new DataFormatException(name, "not a .npy file (the magic string \\x93NUMPY is missing).", 0);
        byte major = preamble[6], minor = preamble[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw new DataFormatException(name, $".npy format version {major}.{minor} is not supported (1.0, 2.0, 3.0).", 6);
        int lengthBytes = major == 1 ? 2 : 4;
        if (major > 1) got += stream.ReadAtLeast(preamble[10..12], 2, throwOnEndOfStream: false);
        if (got < 8 + lengthBytes) throw new DataFormatException(name, "truncated: the header length is missing.", got);
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
        long headerStart = 8 + lengthBytes;

        // Header dictionary.
        var headerBytes = new byte[headerLength];
        got = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (got < headerLength)
            throw new DataFormatException(name, $"truncated header: {got} of {headerLength} bytes.", headerStart + got);
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var header = NpyHeader.Parse(text, name, headerStart);

        // Data, C order.
        long dataStart = headerStart + headerLength;
        long count = 1;
        foreach (int s in header.Shape) count *= s;
        if (count > Array.MaxLength) throw new DataFormatException(name, $"shape ({string.Join(", ", header.Shape)}) has {count} elements, more than an array can hold.", headerStart);
        Array data = header.DType switch
        {
            NpyDType.Float32 => new float[count],
            NpyDType.Float64 => new double[count],
            NpyDType.UInt8 => new byte[count],
            NpyDType.Int32 => new int[count],
            _ => new long[count],
        };
        var bytes = Bytes(data);
        got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (got < bytes.Length)
            throw new DataFormatException(name,
                $"truncated data: shape ({string.Join(", ", header.Shape)}) of {NpyArray.Descr(header.DType)} needs {bytes.Length} bytes, found {got}.", dataStart + got);
        return new NpyArray(data, header.Shape);
    }

    /// <summary>Writes <paramref name="array"/> as a .npy file (version 1.0, or 2.0 if the header exceeds 65535 bytes).</summary>
    public static void Write(string path, NpyArray array)
    {
        using var stream = File.Create(path);
        Write(stream, array);
    }

    /// <summary>Writes <paramref name="array"/> in .npy format to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string dict = NpyHeader.Format(array.DType, array.Shape);
        int major = dict.Length + 1 + 10 <= ushort.MaxValue ? 1 : 2;
        int prefix = major == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string text = dict + new string(' ', padded - prefix - dict.Length - 1) + "\n";
        var head = new byte[padded];
        Magic.CopyTo(head);
        head[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), (uint)text.Length);
        Encoding.Latin1.GetBytes(text, head.AsSpan(prefix));
        stream.Write(head);
        stream.Write(Bytes(array.Data));
    }

    /// <summary>Writes float32 data of the given C-order shape (Π shape = data.Length).</summary>
    public static void Write(string path, float[] data, int[] shape) => Write(path, new NpyArray(data, shape));

    /// <summary>Writes float64 data of the given C-order shape (Π shape = data.Length).</summary>
    public static void Write(string path, double[] data, int[] shape) => Write(path, new NpyArray(data, shape));

    /// <summary>Writes uint8 data of the given C-order shape (Π shape = data.Length).</summary>
    public static void Write(string path, byte[] data, int[] shape) => Write(path, new NpyArray(data, shape));

    /// <summary>Writes int32 data of the given C-order shape (Π shape = data.Length).</summary>
    public static void Write(string path, int[] data, int[] shape) => Write(path, new NpyArray(data, shape));

    /// <summary>Writes int64 data of the given C-order shape (Π shape = data.Length).</summary>
    public static void Write(string path, long[] data, int[] shape) => Write(path, new NpyArray(data, shape));

    /// <summary>
    /// Writes the values of <paramref name="data"/> as float32 of shape [n, ..itemShape] and, when
    /// <paramref name="labelsPath"/> is given, its labels as int64 of shape [n].
    /// </summary>
    /// <exception cref="ArgumentException">A labels path was given for a dataset without labels.</exception>
    public static void WriteDataset(Dataset data, string path, string? labelsPath = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Write(path, data.ToArray(), [data.Count, .. data.ItemShape]);
        if (labelsPath is null) return;
        if (data.Labels is null) throw new ArgumentException("A labels path was given but the dataset has no labels.", nameof(labelsPath));
        Write(labelsPath, data.Labels.Select(l => (long)l).ToArray(), [data.Count]);
    }

    /// <summary>
    /// Reads a .npy array as a dataset, and optionally a .npy label vector. Shapes: [n] → n items of d = 1;
    /// [n, d] → vectors; [n, h, w] → images of item shape [1, h, w]; [n, c, h, w] → item shape [c, h, w].
    /// Labels: an integer (or integer-valued float) array of shape [n] or [n, 1].
    /// </summary>
    /// <exception cref="DataFormatException">Malformed file, unsupported rank, n = 0 or d = 0, non-finite values, bad labels.</exception>
    public static Dataset ReadDataset(string path, string? labelsPath = null, string? name = null)
    {
        var x = Read(path);
        int[]? labels = labelsPath is null ? null : ToLabels(Read(labelsPath), labelsPath);
        return ToDataset(x, labels, path, labelsPath, name ?? Path.GetFileName(path));
    }

    /// <summary>Builds a dataset from an array (see <see cref="ReadDataset"/> for the shape rules).</summary>
    internal static Dataset ToDataset(NpyArray x, int[]? labels, string xName, string? labelsName, string name)
    {
        if (x.Rank is < 1 or > 4)
            throw new DataFormatException(xName, $"a {x.Rank}-d array of shape ({string.Join(", ", x.Shape)}) cannot be a dataset; need [n], [n, d], [n, h, w] or [n, c, h, w].");
        int n = x.Shape[0];
        if (n == 0) throw new DataFormatException(xName, $"the array of shape ({string.Join(", ", x.Shape)}) holds no items (n = 0).");
        if (x.Length == 0) throw new DataFormatException(xName, $"the items of shape ({string.Join(", ", x.Shape)}) are empty (d = 0).");
        int[] itemShape = x.Rank switch
        {
            1 => [1],
            2 => [x.Shape[1]],
            3 => [1, x.Shape[1], x.Shape[2]],
            _ => x.Shape[1..],
        };
        int d = x.Length / n;
        var values = x.ToSingleArray();
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new DataFormatException(xName, $"element {i} (item {i / d}, coordinate {i % d}) is {x[i]}; data must be finite (in float32).");
        if (labels is not null && labels.Length != n)
            throw new DataFormatException(labelsName!, $"holds {labels.Length} labels but {xName} holds {n} items.");
        return new Dataset(values, n, d, labels, itemShape, name: name);
    }

    /// <summary>Converts a label array of shape [n] or [n, 1] with integer values to int[].</summary>
    internal static int[] ToLabels(NpyArray y, string name)
    {
        if (!(y.Rank == 1 || (y.Rank == 2 && y.Shape[1] == 1)))
            throw new DataFormatException(name, $"labels must have shape [n] or [n, 1], found ({string.Join(", ", y.Shape)}).");
        var labels = new int[y.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            double v = y[i];
            if (v != Math.Round(v) || v < int.MinValue || v > int.MaxValue)
                throw new DataFormatException(name, $"label {i} is {v}, not an integer.");
            labels[i] = (int)v;
        }
        return labels;
    }

    private static Span<byte> Bytes(Array data)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy I/O assumes a little-endian machine.");
        return data switch
        {
            float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
            double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
            byte[] b => b.AsSpan(),
            int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
            _ => MemoryMarshal.AsBytes(((long[])data).AsSpan()),
        };
    }
}
