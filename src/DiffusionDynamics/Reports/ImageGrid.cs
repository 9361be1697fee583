using SkiaSharp;

namespace DiffusionDynamics.Reports;

/// <summary>Writes a grid of image items (shape [c, h, w], c = 1 or 3) as one PNG.</summary>
public static class ImageGrid
{
    /// <summary>Height in pixels of a label line under a cell and of the header line.</summary>
    public const int LabelHeight = 14;

    /// <summary>
    /// Lays out <paramref name="images"/> row-major in <paramref name="columns"/> columns. Pixel values are
    /// mapped linearly from [lo, hi] to 0..255 and clipped. Each pixel is drawn as a scale×scale block. With
    /// <paramref name="labels"/> (one per image) each cell gets its label underneath; <paramref name="header"/> is a line of text on top.
    /// </summary>
    public static void WritePng(string path, IReadOnlyList<float[]> images, int[] itemShape, int columns,
        float lo = -1f, float hi = 1f, int scale = 2, int padding = 2, IReadOnlyList<string>? labels = null, string? header = null)
    {
        if (labels is not null && labels.Count != images.Count)
            throw new ArgumentException($"{labels.Count} labels for {images.Count} images.", nameof(labels));
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("No images to draw.", nameof(images));
        if (itemShape.Length != 3 || (itemShape[0] != 1 && itemShape[0] != 3))
            throw new ArgumentException($"Item shape must be [1 or 3, h, w], got [{string.Join(",", itemShape)}].", nameof(itemShape));
        if (columns < 1 || scale < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(columns), "columns, scale ≥ 1 and padding ≥ 0.");
        if (!(hi > lo)) throw new ArgumentException($"Display range must have hi > lo (got [{lo}, {hi}]).");
        int c = itemShape[0], h = itemShape[1], w = itemShape[2];
        int rows = (images.Count + columns - 1) / columns;
        int cellW = w * scale + padding, cellH = h * scale + padding + (labels is null ? 0 : LabelHeight);
        int top = header is null ? 0 : LabelHeight + 4;
        using var bitmap = new SKBitmap(columns * cellW + padding, top + rows * cellH + padding, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(255, 255, 255));
        for (int k = 0; k < images.Count; k++)
        {
            var img = images[k];
            if (img.Length != c * h * w) throw new ArgumentException($"Image {k} has {img.Length} values, expected {c * h * w}.");
            int x0 = padding + (k % columns) * cellW, y0 = top + padding + (k / columns) * cellH;
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
        if (labels is not null || header is not null)
        {
            using var canvas = new SKCanvas(bitmap);
            using var typeface = SKTypeface.FromFamilyName("DejaVu Sans");
            using var font = new SKFont(typeface, 10);
            using var ink = new SKPaint { Color = new SKColor(40, 40, 40), IsAntialias = true };
            if (header is not null) canvas.DrawText(header, padding, LabelHeight, font, ink);
            for (int k = 0; labels is not null && k < labels.Count; k++)
            {
                int x0 = padding + (k % columns) * cellW, y0 = top + padding + (k / columns) * cellH + h * scale;
                canvas.DrawText(labels[k], x0 + 1, y0 + LabelHeight - 3, font, ink);
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
