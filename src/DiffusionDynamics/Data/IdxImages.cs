namespace DiffusionDynamics.Data;

/// <summary>
/// The content of an IDX image file (MNIST / Fashion-MNIST format, magic 0x00000803): n images of
/// rows×columns unsigned bytes, row-major, image after image.
/// Invariants: n ≥ 0, rows ≥ 1, columns ≥ 1, <c>Pixels.Length</c> = n·rows·columns.
/// </summary>
public sealed record IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied) as <paramref name="count"/> images of <paramref name="rows"/>×<paramref name="columns"/>.</summary>
    public IdxImages(byte[] pixels, int count, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Image count must be ≥ 0.");
        if (rows < 1 || columns < 1) throw new ArgumentException($"Image size {rows}×{columns} must be at least 1×1.");
        if ((long)count * rows * columns != pixels.Length)
            throw new ArgumentException($"{pixels.Length} pixels for {count} images of {rows}×{columns} (expected {(long)count * rows * columns}).", nameof(pixels));
        Pixels = pixels;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Pixel values 0..255, n×rows×columns row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Number of images n.</summary>
    public int Count { get; }

    /// <summary>Image height.</summary>
    public int Rows { get; }

    /// <summary>Image width.</summary>
    public int Columns { get; }

    /// <summary>Image <paramref name="index"/> as rows·columns bytes.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * Rows * Columns, Rows * Columns);
}
