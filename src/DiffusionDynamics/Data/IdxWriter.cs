using System.Buffers.Binary;

namespace DiffusionDynamics.Data;

/// <summary>
/// Writes unsigned-byte IDX files (the format <see cref="IdxReader"/> reads), plain or gzipped.
/// Used for the built-in data and for round trips.
/// </summary>
public static class IdxWriter
{
    /// <summary>Writes images as an IDX file with magic 0x00000803 and extents n, rows, columns.</summary>
    public static void WriteImages(string path, IdxImages images, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        var content = new byte[16 + images.Pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(content, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4), images.Count);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(8), images.Rows);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(12), images.Columns);
        images.Pixels.CopyTo(content, 16);
        DataFile.WriteAll(path, content, gzip);
    }

    /// <summary>Writes labels as an IDX file with magic 0x00000801. Range: every label in 0..255.</summary>
    public static void WriteLabels(string path, ReadOnlySpan<int> labels, bool gzip = false)
    {
        var content = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(content, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4), labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] > 255) throw new ArgumentException($"Label {labels[i]} at index {i} does not fit an unsigned byte (0..255).", nameof(labels));
            content[8 + i] = (byte)labels[i];
        }
        DataFile.WriteAll(path, content, gzip);
    }

    /// <summary>
    /// Writes a dataset of single-channel images with integer values 0..255 (item shape [1, rows, columns])
    /// as an IDX image file and, when <paramref name="labelsPath"/> is given, its labels as an IDX label file.
    /// </summary>
    /// <exception cref="ArgumentException">Items are not [1, rows, columns] images, a value is not an integer in 0..255, or labels are missing.</exception>
    public static void WriteDataset(Dataset data, string imagesPath, string? labelsPath = null, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsImage || data.ItemShape[0] != 1)
            throw new ArgumentException($"IDX holds single-channel images; item shape is [{string.Join(",", data.ItemShape)}].", nameof(data));
        var values = data.Values;
        var pixels = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v < 0 || v > 255 || v != MathF.Round(v))
                throw new ArgumentException($"Value {v} at item {i / data.Dimension}, coordinate {i % data.Dimension} is not an integer in 0..255.", nameof(data));
            pixels[i] = (byte)v;
        }
        WriteImages(imagesPath, new IdxImages(pixels, data.Count, data.ItemShape[1], data.ItemShape[2]), gzip);
        if (labelsPath is null) return;
        if (data.Labels is null) throw new ArgumentException("A labels path was given but the dataset has no labels.", nameof(labelsPath));
        WriteLabels(labelsPath, data.Labels, gzip);
    }
}
