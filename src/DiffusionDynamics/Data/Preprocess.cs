using System.Globalization;
using DiffusionDynamics.Random;

namespace DiffusionDynamics.Data;

/// <summary>
/// Preprocessing steps as pure functions: each returns a new <see cref="Dataset"/> (the input is unchanged)
/// whose <see cref="Dataset.Preprocessing"/> record ends with a human-readable line describing the step.
/// Item order is preserved by every step (subsampling keeps the chosen items in their original order).
/// </summary>
public static class Preprocess
{
    /// <summary>Subtracts the per-coordinate mean: a^μ ← a^μ − m, m = (1/n) Σ_μ a^μ, so the result has mean ≈ 0.</summary>
    public static Dataset Centre(this Dataset data) => data.Centre(out _);

    /// <summary>Subtracts the per-coordinate mean m (returned in <paramref name="mean"/>, length d).</summary>
    public static Dataset Centre(this Dataset data, out double[] mean)
    {
        ArgumentNullException.ThrowIfNull(data);
        mean = data.Mean();
        var values = data.ToArray();
        int d = data.Dimension;
        for (int i = 0; i < values.Length; i++) values[i] = (float)(values[i] - mean[i % d]);
        double norm = Math.Sqrt(mean.Sum(m => m * m));
        return data.Derive(values, data.Count, data.Labels, null, $"centre: subtracted the per-coordinate mean (|m| = {F(norm)})");
    }

    /// <summary>
    /// Affine map of every value from a source range [a, b] onto [<paramref name="min"/>, <paramref name="max"/>]:
    /// x ← min + (x − a)(max − min)/(b − a). Without an explicit source range, [a, b] = [0, 255] when every
    /// value lies in 0..255 (pixels; the default target gives DDPM's x/127.5 − 1), otherwise the data's own
    /// [min, max] (recorded as such). Data already in [0, 1] map from [0, 1], data in [−1, 1] from [−1, 1].
    /// Range: min &lt; max; sourceMin &lt; sourceMax, both given or neither.
    /// </summary>
    public static Dataset ScaleToRange(this Dataset data, double min = -1, double max = 1, double? sourceMin = null, double? sourceMax = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(min < max) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"Target range [{min}, {max}] must be finite with min < max.");
        if (sourceMin.HasValue != sourceMax.HasValue)
            throw new ArgumentException("Give both sourceMin and sourceMax, or neither.");
        var values = data.ToArray();
        float lo = values.Min(), hi = values.Max();
        double a, b;
        string source;
        if (sourceMin is { } sa && sourceMax is { } sb)
        {
            if (!(sa < sb) || !double.IsFinite(sa) || !double.IsFinite(sb))
                throw new ArgumentException($"Source range [{sa}, {sb}] must be finite with sourceMin < sourceMax.");
            (a, b, source) = (sa, sb, $"the given range [{F(sa)}, {F(sb)}]");
        }
        else if (lo >= 0 && hi <= 1) (a, b, source) = (0, 1, "unit range [0, 1]");
        else if (lo >= -1 && hi <= 1) (a, b, source) = (-1, 1, "signed unit range [-1, 1]");
        else if (lo >= 0 && hi <= 255) (a, b, source) = (0, 255, "pixel range [0, 255]");
        else
        {
            if (lo == hi) throw new ArgumentException($"All values equal {lo}: the data range is empty, nothing to scale.");
            (a, b, source) = (lo, hi, $"data range [{F(lo)}, {F(hi)}] (values outside 0..255)");
        }
        double scale = (max - min) / (b - a);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(min + (values[i] - a) * scale);
        return data.Derive(values, data.Count, data.Labels, null, $"scale: {source} → [{F(min)}, {F(max)}], x ← {F(min)} + (x − {F(a)})·{F(scale)}");
    }

    /// <summary>Keeps the items whose label is one of <paramref name="classes"/> (labels unchanged).</summary>
    /// <exception cref="ArgumentException">No labels, no classes given, or a requested class is absent.</exception>
    public static Dataset FilterClasses(this Dataset data, params int[] classes)
    {
        var labels = RequireLabels(data);
        if (classes is null || classes.Length == 0) throw new ArgumentException("Name at least one class to keep.", nameof(classes));
        var present = data.Classes();
        foreach (int c in classes)
            if (Array.BinarySearch(present, c) < 0)
                throw new ArgumentException($"Class {c} is absent from {data.Name} (classes present: {string.Join(", ", present)}).", nameof(classes));
        var keep = new HashSet<int>(classes);
        var indices = Enumerable.Range(0, data.Count).Where(i => keep.Contains(labels[i])).ToArray();
        return Select(data, indices, $"filter classes {string.Join(",", classes)}: kept {indices.Length} of {data.Count} items");
    }

    /// <summary>
    /// Keeps <paramref name="perClass"/> items of every class, drawn uniformly without replacement with the
    /// seeded generator (stream per class label), in their original order. Same seed → same items.
    /// </summary>
    /// <exception cref="ArgumentException">No labels, perClass &lt; 1, or a class with fewer items.</exception>
    public static Dataset SubsamplePerClass(this Dataset data, int perClass, long seed)
    {
        var labels = RequireLabels(data);
        if (perClass < 1) throw new ArgumentException($"perClass must be ≥ 1 (got {perClass}).", nameof(perClass));
        var chosen = new List<int>();
        foreach (int c in data.Classes())
        {
            var members = Enumerable.Range(0, data.Count).Where(i => labels[i] == c).ToArray();
            if (members.Length < perClass)
                throw new ArgumentException($"Class {c} has {members.Length} items, fewer than the {perClass} requested per class.", nameof(perClass));
            chosen.AddRange(Choose(members, perClass, Xoshiro.ForStream(seed, c)));
        }
        chosen.Sort();
        return Select(data, [.. chosen], $"subsample {perClass} per class ({chosen.Count} of {data.Count} items), seed {seed}");
    }

    /// <summary>Keeps <paramref name="n"/> items drawn uniformly without replacement (seeded), in their original order; labels follow.</summary>
    /// <exception cref="ArgumentException">n &lt; 1 or n > Count.</exception>
    public static Dataset Subsample(this Dataset data, int n, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (n < 1 || n > data.Count) throw new ArgumentException($"Subsample size must be in 1..{data.Count} (got {n}).", nameof(n));
        var chosen = Choose(Enumerable.Range(0, data.Count).ToArray(), n, Xoshiro.ForStream(seed, 0));
        Array.Sort(chosen);
        return Select(data, chosen, $"subsample {n} of {data.Count} items, seed {seed}");
    }

    /// <summary>
    /// Average pooling of image items by <paramref name="factor"/> in height and width, channel by channel:
    /// [c, h, w] → [c, h/f, w/f], each output pixel the mean of an f×f block.
    /// </summary>
    /// <exception cref="ArgumentException">Items are not images, factor &lt; 1, or h, w not divisible by factor.</exception>
    public static Dataset Downsample(this Dataset data, int factor)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsImage) throw new ArgumentException($"Downsampling needs image items [c, h, w]; item shape is [{string.Join(",", data.ItemShape)}].", nameof(data));
        if (factor < 1) throw new ArgumentException($"Downsampling factor must be ≥ 1 (got {factor}).", nameof(factor));
        int c = data.ItemShape[0], h = data.ItemShape[1], w = data.ItemShape[2];
        if (h % factor != 0 || w % factor != 0)
            throw new ArgumentException($"Image size {h}×{w} is not divisible by the factor {factor}.", nameof(factor));
        int ho = h / factor, wo = w / factor, dOut = c * ho * wo;
        var values = new float[data.Count * dOut];
        float inv = 1f / (factor * factor);
        for (int i = 0; i < data.Count; i++)
        {
            var src = data.Row(i);
            var dst = values.AsSpan(i * dOut, dOut);
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        dst[(ch * ho + y / factor) * wo + x / factor] += src[(ch * h + y) * w + x];
            for (int k = 0; k < dOut; k++) dst[k] *= inv;
        }
        return data.Derive(values, data.Count, data.Labels, [c, ho, wo], $"downsample ×{factor} by {factor}×{factor} average pooling: {h}×{w} → {ho}×{wo}");
    }

    /// <summary>Maps the distinct labels, in increasing order, to 0..K−1 (the map is recorded).</summary>
    public static Dataset Relabel(this Dataset data) => data.Relabel(out _);

    /// <summary>Maps the distinct labels to 0..K−1; <paramref name="classes"/>[k] is the original label of new label k.</summary>
    public static Dataset Relabel(this Dataset data, out int[] classes)
    {
        var labels = RequireLabels(data);
        var map = data.Classes();
        classes = map;
        var relabelled = labels.Select(l => Array.BinarySearch(map, l)).ToArray();
        return data.Derive(data.ToArray(), data.Count, relabelled, null,
            $"relabel {string.Join(", ", map.Select((l, k) => $"{l}→{k}"))}");
    }

    private static int[] RequireLabels(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Labels ?? throw new ArgumentException($"{data.Name} has no labels; this step needs labelled data.", nameof(data));
    }

    /// <summary>k of the given indices, uniformly without replacement (partial Fisher–Yates).</summary>
    private static int[] Choose(int[] pool, int k, Xoshiro rng)
    {
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.NextInt(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..k];
    }

    private static Dataset Select(Dataset data, int[] indices, string step)
    {
        if (indices.Length == 0) throw new ArgumentException($"No items of {data.Name} remain after: {step}.");
        int d = data.Dimension;
        var values = new float[indices.Length * d];
        for (int i = 0; i < indices.Length; i++) data.Row(indices[i]).CopyTo(values.AsSpan(i * d, d));
        int[]? labels = data.Labels is null ? null : indices.Select(i => data.Labels[i]).ToArray();
        return data.Derive(values, indices.Length, labels, null, step);
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
