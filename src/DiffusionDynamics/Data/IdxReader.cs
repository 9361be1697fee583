using System.Buffers.Binary;

namespace DiffusionDynamics.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format, also Fashion-MNIST), plain or gzipped (detected by the magic bytes
/// 1f 8b). Header: 4 magic bytes [0, 0, type, rank] then rank big-endian int32 extents; only unsigned-byte
/// content (type 0x08) is read. Images: magic 0x00000803, extents n, rows, columns. Labels: magic 0x00000801,
/// extent n. The content must be exactly as long as the header says: truncation and trailing bytes are errors.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an unsigned-byte rank-3 IDX file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an unsigned-byte rank-1 IDX file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an IDX image file (plain or gzipped).</summary>
    /// <exception cref="DataFormatException">Wrong magic, bad extents, truncated content or trailing bytes.</exception>
    public static IdxImages ReadImages(string path) => ParseImages(DataFile.ReadAll(path), path);

    /// <summary>Reads IDX images from the rest of <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static IdxImages ReadImages(Stream stream, string name) => ParseImages(DataFile.ReadAll(stream, name), name);

    /// <summary>Reads an IDX label file (plain or gzipped): n labels 0..255.</summary>
    /// <exception cref="DataFormatException">Wrong magic, truncated content or trailing bytes.</exception>
    public static int[] ReadLabels(string path) => ParseLabels(DataFile.ReadAll(path), path);

    /// <summary>Reads IDX labels from the rest of <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static int[] ReadLabels(Stream stream, string name) => ParseLabels(DataFile.ReadAll(stream, name), name);

    /// <summary>
    /// Reads an image file and, optionally, its label file as a <see cref="Dataset"/>: item shape [1, rows, columns],
    /// values the raw pixels 0..255 as float (no scaling: see <see cref="Preprocess.ScaleToRange"/>).
    /// </summary>
    /// <exception cref="DataFormatException">A malformed file, no images, or a label count different from the image count.</exception>
    public static Dataset ReadDataset(string imagesPath, string? labelsPath = null, string? name = null)
    {
        var images = ReadImages(imagesPath);
        int[]? labels = labelsPath is null ? null : ReadLabels(labelsPath);
        return ToDataset(images, labels, imagesPath, labelsPath, name ?? Path.GetFileName(imagesPath));
    }

    /// <summary>Turns images (and labels) into a dataset of raw 0..255 pixels with item shape [1, rows, columns].</summary>
    internal static Dataset ToDataset(IdxImages images, int[]? labels, string imagesName, string? labelsName, string name)
    {
        if (images.Count == 0) throw new DataFormatException(imagesName, "contains no images (n = 0).", 4);
        if (labels is not null && labels.Length != images.Count)
            throw new DataFormatException(labelsName!, $"holds {labels.Length} labels but the image file {imagesName} holds {images.Count} images.");
        var values = new float[images.Pixels.Length];
        for (int i = 0; i < values.Length; i++) values[i] = images.Pixels[i];
        return new Dataset(values, images.Count, images.Rows * images.Columns, labels, [1, images.Rows, images.Columns], name: name);
    }

    internal static IdxImages ParseImages(byte[] content, string name)
    {
        int[] extents = ParseHeader(content, name, ImagesMagic, "image");
        if (extents[1] < 1 || extents[2] < 1)
            throw new DataFormatException(name, $"image size {extents[1]}×{extents[2]} must be at least 1×1.", 8);
        long size = (long)extents[0] * extents[1] * extents[2];
        CheckLength(content, name, 16, size);
        return new IdxImages(content.AsSpan(16).ToArray(), extents[0], extents[1], extents[2]);
    }

    internal static int[] ParseLabels(byte[] content, string name)
    {
        int[] extents = ParseHeader(content, name, LabelsMagic, "label");
        CheckLength(content, name, 8, extents[0]);
        var labels = new int[extents[0]];
        for (int i = 0; i < labels.Length; i++) labels[i] = content[8 + i];
        return labels;
    }

    private static int[] ParseHeader(byte[] content, string name, int expectedMagic, string kind)
    {
        int rank = expectedMagic & 0xff;
        if (content.Length < 4) throw new DataFormatException(name, $"{content.Length} bytes is too short for an IDX header.", content.Length);
        int magic = BinaryPrimitives.ReadInt32BigEndian(content);
        if (magic != expectedMagic)
        {
            string found = content[0] == 0 && content[1] == 0
                ? $"0x{magic:X8} (element type 0x{content[2]:X2}, rank {content[3]})"
                : $"0x{magic:X8}, which is not an IDX file";
            throw new DataFormatException(name,
                $"wrong magic number {found}; an IDX {kind} file of unsigned bytes has 0x{expectedMagic:X8} (rank {rank}).", 0);
        }
        int headerLength = 4 + 4 * rank;
        if (content.Length < headerLength)
            throw new DataFormatException(name, $"truncated header: {content.Length} bytes, the IDX {kind} header needs {headerLength}.", content.Length);
        var extents = new int[rank];
        for (int k = 0; k < rank; k++)
        {
            extents[k] = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * k));
            if (extents[k] < 0) throw new DataFormatException(name, $"negative extent {extents[k]} in dimension {k}.", 4 + 4 * k);
        }
        return extents;
    }

    private static void CheckLength(byte[] content, string name, int headerLength, long size)
    {
        if (size > Array.MaxLength) throw new DataFormatException(name, $"the header declares {size} bytes of content, more than an array can hold.", 4);
        long expected = headerLength + size;
        if (content.Length < expected)
            throw new DataFormatException(name, $"truncated: the header declares {size} content bytes ({expected} in all) but the file holds {content.Length}.", content.Length);
        if (content.Length > expected)
            throw new DataFormatException(name, $"{content.Length - expected} trailing bytes after the {size} content bytes the header declares.", expected);
    }
}
