namespace DiffusionDynamics.Neural;

/// <summary>
/// Architecture of an ε-predicting <see cref="ScoreNetwork"/> ε̂(x, t) for items of shape <paramref name="ItemShape"/>.
/// </summary>
/// <param name="Kind">MLP (any item shape) or U-Net (item shape [c, h, w]).</param>
/// <param name="ItemShape">Shape of one item; its product is the dimension d.</param>
/// <param name="Width">MLP hidden width. Range: ≥ 1. Default 256.</param>
/// <param name="Depth">MLP hidden layers. Range: ≥ 1. Default 3.</param>
/// <param name="Channels">U-Net base channels c. Range: ≥ 1. Default 32.</param>
/// <param name="Multipliers">U-Net per-level channel multipliers (level l has c·m_l channels; level l is at
/// resolution ⌈h / 2^l⌉ × ⌈w / 2^l⌉). Range: non-empty, each ≥ 1. Default [1, 2] (28×28 → 14×14).</param>
/// <param name="Attention">One single-head self-attention block at the lowest resolution of the U-Net. Default false.</param>
/// <param name="TimeEmbedding">Size E of the sinusoidal embedding of ln t. Range: even, ≥ 2. Default 64.</param>
public sealed record NetworkOptions(NetworkKind Kind, int[] ItemShape, int Width = 256, int Depth = 3, int Channels = 32,
    int[]? Multipliers = null, bool Attention = false, int TimeEmbedding = 64)
{
    /// <summary>Per-level channel multipliers (never null: [1, 2] when not given).</summary>
    public int[]? Multipliers { get; init; } = Multipliers ?? [1, 2];

    /// <summary>Dimension d = Π ItemShape.</summary>
    public int Dimension => ItemShape is null ? 0 : ItemShape.Aggregate(1, (p, s) => p * s);

    /// <summary>Number of U-Net resolution levels L = |Multipliers|.</summary>
    internal int Levels => (Multipliers ?? [1, 2]).Length;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (ItemShape is null || ItemShape.Length == 0)
            throw new ArgumentException("NetworkOptions.ItemShape must be a non-empty shape.", nameof(ItemShape));
        if (ItemShape.Any(s => s < 1))
            throw new ArgumentException($"NetworkOptions.ItemShape [{string.Join(",", ItemShape)}] has a non-positive extent.", nameof(ItemShape));
        if (TimeEmbedding < 2 || TimeEmbedding % 2 != 0)
            throw new ArgumentException($"NetworkOptions.TimeEmbedding must be even and ≥ 2 (got {TimeEmbedding}).", nameof(TimeEmbedding));
        switch (Kind)
        {
            case NetworkKind.Mlp:
                if (Width < 1) throw new ArgumentException($"NetworkOptions.Width must be ≥ 1 (got {Width}).", nameof(Width));
                if (Depth < 1) throw new ArgumentException($"NetworkOptions.Depth must be ≥ 1 (got {Depth}).", nameof(Depth));
                break;
            case NetworkKind.UNet:
                if (ItemShape.Length != 3)
                    throw new ArgumentException(
                        $"A U-Net needs item shape [channels, height, width], got [{string.Join(",", ItemShape)}]; use NetworkKind.Mlp for vectors.",
                        nameof(ItemShape));
                if (Channels < 1) throw new ArgumentException($"NetworkOptions.Channels must be ≥ 1 (got {Channels}).", nameof(Channels));
                var m = Multipliers ?? [1, 2];
                if (m.Length == 0 || m.Any(v => v < 1))
                    throw new ArgumentException($"NetworkOptions.Multipliers must be non-empty with entries ≥ 1 (got [{string.Join(",", m)}]).", nameof(Multipliers));
                // Odd sizes are fine (stride-2 conv gives ⌈s/2⌉, upsampling returns to the skip's size), but every halving
                // must act on a map larger than 1×1: h, w ≥ 2^(L−1).
                int need = 1 << (m.Length - 1);
                if (ItemShape[1] < need || ItemShape[2] < need)
                    throw new ArgumentException(
                        $"Image size {ItemShape[1]}×{ItemShape[2]} is too small for a U-Net with {m.Length} levels: height and width must be ≥ 2^(L−1) = {need}; use fewer Multipliers.",
                        nameof(ItemShape));
                break;
            default:
                throw new ArgumentException($"Unknown network kind {Kind}.", nameof(Kind));
        }
    }

    /// <summary>The default network for an item shape: a U-Net for images [c, h, w], an MLP otherwise.</summary>
    public static NetworkOptions DefaultFor(int[] itemShape)
    {
        ArgumentNullException.ThrowIfNull(itemShape);
        return new NetworkOptions(itemShape.Length == 3 ? NetworkKind.UNet : NetworkKind.Mlp, (int[])itemShape.Clone());
    }

    /// <summary>Value equality on every field (arrays compared element-wise).</summary>
    internal bool SameAs(NetworkOptions other) =>
        Kind == other.Kind && ItemShape.SequenceEqual(other.ItemShape) && Width == other.Width && Depth == other.Depth &&
        Channels == other.Channels && (Multipliers ?? [1, 2]).SequenceEqual(other.Multipliers ?? [1, 2]) &&
        Attention == other.Attention && TimeEmbedding == other.TimeEmbedding;
}
