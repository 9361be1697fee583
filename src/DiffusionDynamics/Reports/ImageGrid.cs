using SkiaSharp;

namespace DiffusionDynamics.Reports;

/// <summary>Writes a grid of image items (shape [c, h, w], c = 1 or 3) as one PNG.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Lays out <paramref name="images"/> row-major in <paramref name="columns"/> columns. Pixel values are
    /// mapped linearly from [lo, hi] to 0..255 and clipped. Each pixel is drawn as a scale×scale block.
    /// </summary>
    public static void WritePng(string path, IReadOnlyList<float[]> images, int[] itemShape, int columns,
        float lo = -1f, float hi = 1f, int scale = 2, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("No images to draw.", nameof(images));
        if (itemShape.Length != 3 || (itemShape[0] != 1 && itemShape[0] != 3))
            throw new ArgumentException($"Item shape must be [1 or 3, h, w], got [{string.Join(",", itemShape)}].", nameof(itemShape));
        if (columns < 1 || scale < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(columns), "columns, scale ≥ 1 and padding ≥ 0.");
        if (!(hi > lo)) throw new ArgumentException($"Display range must have hi > lo (got [{lo}, {hi}]).");
        int c = itemShape[0], h = itemShape[1], w = itemShape[2];
        int rows = (images.Count + columns - 1) / columns;
        int cellW = w * scale + padding, cellH = h * scale + padding;
        using var bitmap = new SKBitmap(columns * cellW + padding, rows * cellH + padding, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(255, 255, 255));
        for (int k = 0; k < images.Count; k++)
        {
            var img = images[k];
            if (img.Length != c * h * w) throw new ArgumentException($"Image {k} has {img.Length} values, expected {c * h * w}.");
            int x0 = padding + (k % columns) * cellW, y0 = padding + (k / columns) * cellH;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    byte r = ToByte(img[y * w + x], lo, hi);
                    byte g = c == 3 ? ToByte(img[h * w + y * w + x], lo, hi) : r;
                    byte b = c == 3 ? ToByte(img[2 * h * w + y * w + x], lo, hi) : r;
                    var colour = new SKColor(r, g, b);
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) bitmap.SetPixel(x0 + x * scale + dx, y0 + y * scale + dy, colour);
                }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        encoded.SaveTo(file);
    }

    private static byte ToByte(float v, float lo, float hi)
    {
        double u = (v - lo) / (hi - lo) * 255.0;
        return (byte)Math.Clamp(Math.Round(u), 0, 255);
    }
}
