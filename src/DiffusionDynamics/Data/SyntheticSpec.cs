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
