namespace DiffusionDynamics.Data;

/// <summary>
/// Parameters of a synthetic data model. <see cref="Generate"/> draws the data with a seed (item μ from its
/// own stream <c>Xoshiro.ForStream(seed, μ)</c>, so the first items do not depend on n) and returns them
/// together with the model's ground truth; <see cref="Source"/> is the equivalent <c>--data</c> text
/// understood by <see cref="DataSource.Parse"/>.
/// </summary>
public abstract record SyntheticSpec
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first parameter out of range.</summary>
    public abstract void Validate();

    /// <summary>Draws the data with <paramref name="seed"/> after validating the parameters.</summary>
    public abstract SyntheticData Generate(long seed);

    /// <summary>The <c>--data</c> spec text that regenerates exactly this data with <paramref name="seed"/>.</summary>
    public abstract string Source(long seed);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> before anything is allocated when <paramref name="rows"/> × <paramref name="columns"/>
    /// values (<paramref name="what"/>, e.g. "n·d data values") exceed one .NET array or a quarter of the memory
    /// available to this process (the data, a tensor copy and working buffers must fit beside it), saying what would fit.
    /// </summary>
    protected static void CheckSize(string what, long rows, long columns, int bytesPerValue = sizeof(float))
    {
        long values = rows > long.MaxValue / Math.Max(columns, 1) ? long.MaxValue : rows * columns;
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long byMemory = memory / 4 / bytesPerValue;
        long limit = Math.Min(Array.MaxLength, byMemory);
        if (values <= limit) return;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string reason = limit == Array.MaxLength
            ? $"the largest array holds {Array.MaxLength.ToString("N0", inv)}"
            : $"a quarter of the {(memory / 1e9).ToString("F1", inv)} GB of memory available";
        throw new ArgumentException(
            $"{what}: {rows.ToString(inv)} × {columns.ToString(inv)} = {((double)rows * columns).ToString("G3", inv)} values " +
            $"({((double)rows * columns * bytesPerValue / 1e9).ToString("G3", inv)} GB) do not fit: at most {limit.ToString("N0", inv)} values ({reason}); " +
            $"with {columns.ToString(inv)} columns at most {(limit / Math.Max(columns, 1)).ToString(inv)} rows.");
    }

    /// <summary>Throws when <paramref name="value"/> is NaN/infinite or below <paramref name="min"/>.</summary>
    protected static void Check(string name, double value, double min, bool strict = false)
    {
        if (!double.IsFinite(value) || value < min || (strict && value == min))
            throw new ArgumentException($"{name} = {value} is out of range ({name} {(strict ? ">" : "≥")} {min}, finite).", name);
    }
}

/// <summary>Synthetic data with the ground truth of the model that drew it.</summary>
/// <param name="Data">The drawn items.</param>
/// <param name="Seed">Seed used.</param>
public abstract record SyntheticData(Dataset Data, long Seed);
