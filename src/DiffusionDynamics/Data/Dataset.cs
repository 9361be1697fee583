using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Data;

/// <summary>
/// n items of dimension d as one row-major float32 matrix (row μ = training point a^μ), with optional
/// integer labels, the shape of one item (e.g. 1×28×28 for an image, or [d] for a vector) and the
/// ordered record of the preprocessing applied to it.
/// Invariants: n ≥ 1, d ≥ 1, every value finite, labels (if any) of length n, Π itemShape = d.
/// </summary>
public sealed class Dataset
{
    private readonly float[] values;

    public Dataset(float[] values, int count, int dimension, int[]? labels = null, int[]? itemShape = null,
        IReadOnlyList<string>? preprocessing = null, string name = "data")
    {
        ArgumentNullException.ThrowIfNull(values);
        if (count < 1) throw new ArgumentException($"A dataset needs at least one item (got n = {count}).", nameof(count));
        if (dimension < 1) throw new ArgumentException($"A dataset needs dimension d ≥ 1 (got d = {dimension}).", nameof(dimension));
        if ((long)count * dimension != values.Length)
            throw new ArgumentException($"Values hold {values.Length} numbers, but n·d = {count}·{dimension} = {(long)count * dimension}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"Value at item {i / dimension}, coordinate {i % dimension} is {values[i]} (NaN or infinite).", nameof(values));
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{labels.Length} labels for {count} items.", nameof(labels));
        itemShape ??= [dimension];
        long product = 1;
        foreach (int s in itemShape)
        {
            if (s < 1) throw new ArgumentException($"Item shape [{string.Join(",", itemShape)}] has a non-positive extent.", nameof(itemShape));
            product *= s;
        }
        if (product != dimension)
            throw new ArgumentException($"Item shape [{string.Join(",", itemShape)}] has {product} entries, but d = {dimension}.", nameof(itemShape));
        this.values = values;
        Count = count;
        Dimension = dimension;
        Labels = labels;
        ItemShape = itemShape;
        Preprocessing = preprocessing ?? [];
        Name = name;
    }

    /// <summary>Number of items n.</summary>
    public int Count { get; }

    /// <summary>Dimension d of one item.</summary>
    public int Dimension { get; }

    /// <summary>Row-major n×d values; do not modify.</summary>
    public ReadOnlySpan<float> Values => values;

    /// <summary>Labels (length n) or null.</summary>
    public int[]? Labels { get; }

    /// <summary>Shape of one item; its product is d.</summary>
    public int[] ItemShape { get; }

    /// <summary>True when an item is an image: shape [channels, height, width].</summary>
    public bool IsImage => ItemShape.Length == 3;

    /// <summary>Preprocessing steps applied so far, in order (human-readable, recorded in manifests).</summary>
    public IReadOnlyList<string> Preprocessing { get; }

    /// <summary>Short name for reports.</summary>
    public string Name { get; }

    /// <summary>Item μ as a span of length d.</summary>
    public ReadOnlySpan<float> Row(int index) => values.AsSpan(index * Dimension, Dimension);

    /// <summary>The data as a [n, d] tensor (a copy) of the given type.</summary>
    public Tensor ToTensor(ScalarType dtype = ScalarType.Float32)
    {
        Backend.TorchRuntime.EnsureInitialized();
        var t = torch.tensor(values, [Count, Dimension]);
        return dtype == ScalarType.Float32 ? t : t.to_type(dtype);
    }

    /// <summary>Copy of the raw values (row-major).</summary>
    public float[] ToArray() => (float[])values.Clone();

    /// <summary>Per-coordinate mean m_k = (1/n) Σ_μ a^μ_k, accumulated in double precision.</summary>
    public double[] Mean()
    {
        var mean = new double[Dimension];
        for (int i = 0; i < Count; i++)
        {
            var row = Row(i);
            for (int k = 0; k < mean.Length; k++) mean[k] += row[k];
        }
        for (int k = 0; k < mean.Length; k++) mean[k] /= Count;
        return mean;
    }

    /// <summary>The distinct labels in increasing order (empty when unlabelled).</summary>
    public int[] Classes() => Labels is null ? [] : Labels.Distinct().Order().ToArray();

    /// <summary>
    /// The classes of labelled data for a classifier, with the index 0..K−1 of each; throws <see cref="ArgumentException"/> (parameter
    /// <c>data</c>) when the data are unlabelled or hold a single class.
    /// </summary>
    public (int[] Classes, Dictionary<int, long> Index) ClassIndex()
    {
        if (Labels is null) throw new ArgumentException($"Dataset \"{Name}\" has no labels; a classifier needs labelled data.", "data");
        int[] classes = Classes();
        if (classes.Length < 2)
            throw new ArgumentException($"Dataset \"{Name}\" has a single class ({classes[0]}); a classifier needs at least two.", "data");
        return (classes, classes.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => (long)p.k));
    }

    /// <summary>Number of items carrying <paramref name="label"/> (0 when unlabelled).</summary>
    public int CountOf(int label) => Labels is null ? 0 : Labels.Count(l => l == label);

    /// <summary>A dataset derived from this one: same name, the preprocessing record extended by <paramref name="step"/>.</summary>
    internal Dataset Derive(float[] newValues, int count, int[]? labels, int[]? itemShape, string step) =>
        new(newValues, count, newValues.Length / count, labels, itemShape ?? ItemShape, [.. Preprocessing, step], Name);

    /// <summary>The same items with labels attached (or replaced); the values are shared, not copied.</summary>
    internal Dataset WithLabels(int[]? labels) => new(values, Count, Dimension, labels, ItemShape, Preprocessing, Name);

    /// <summary>The same items under another name; the values are shared, not copied.</summary>
    public Dataset WithName(string name) => new(values, Count, Dimension, Labels, ItemShape, Preprocessing, name);
}
