using DiffusionDynamics.Data;

namespace DiffusionDynamics.Analysis;

/// <summary>The data family of a phase diagram.</summary>
public enum PhaseFamily
{
    /// <summary>Isotropic Gaussian N(0, I_d): t_C = ½ ln(1 + 1/(n^{2/d} − 1)); Λ = 1, so no speciation (t_S = 0).</summary>
    Gaussian,

    /// <summary>Two-cluster model ½N(±m, I), m = (1, …, 1): t_S = ½ ln(1 + d), t_C by bisection (docs/theory.md §4.5).</summary>
    TwoCluster,

    /// <summary>Linear manifold: ⌈d/4⌉ directions of std 1, the others of std 0.1; t_C of the Gaussian with that spectrum.</summary>
    Manifold,
}

/// <summary>
/// Options of <see cref="PhaseExperiment"/>: a grid of dimensions d and training-set sizes n of one data family; each (d, n) point
/// draws its own training set and runs the regimes measurement (<see cref="RegimesExperiment"/>) on it with <see cref="Regimes"/>.
/// Defaults: d ∈ {4, 8, 16, 32}, n ∈ {32, 128, 512, 2048} (16 points; ~10 s of user CPU time in all, measured in three shards on a loaded machine).
/// </summary>
/// <param name="Family">Data family.</param>
/// <param name="Dimensions">Dimensions d. Range: each ≥ 1, distinct.</param>
/// <param name="Sizes">Training-set sizes n. Range: each ≥ 2, distinct.</param>
/// <param name="Seed">Run seed; point k draws its data and runs its trajectories with seed Mix(seed, k) (<see cref="PointSeed"/>).</param>
/// <param name="Regimes">Settings of the measurement at each point (its seed and branch range are set per point). Default: 32 clone pairs,
/// 100 steps, 10 branch times, 512 entropy draws at 16 extra times, 50 bootstrap resamples, T = 6.</param>
public sealed record PhaseOptions(PhaseFamily Family = PhaseFamily.Gaussian, int[]? Dimensions = null, int[]? Sizes = null, long Seed = 0,
    RegimesOptions? Regimes = null)
{
    /// <summary>The dimensions (default 4, 8, 16, 32).</summary>
    public int[] DimensionsOrDefault => Dimensions ?? [4, 8, 16, 32];

    /// <summary>The sizes (default 32, 128, 512, 2048).</summary>
    public int[] SizesOrDefault => Sizes ?? [32, 128, 512, 2048];

    /// <summary>The measurement settings (see the record's remarks for the default).</summary>
    public RegimesOptions RegimesOrDefault => Regimes ?? new RegimesOptions(Pairs: 32, Steps: 100, BranchCount: 10, TMax: 6.0, RefineParents: 0,
        EntropySamples: 512, EntropyTimes: 16, Bootstrap: 50);

    /// <summary>The sweep's points in their fixed order: d outer, n inner (index k = i_d·|n| + i_n).</summary>
    public IReadOnlyList<(int D, int N)> Points() => DimensionsOrDefault.SelectMany(d => SizesOrDefault.Select(n => (d, n))).ToList();

    /// <summary>Seed of point <paramref name="index"/>: Mix(run seed, k) — never the shard.</summary>
    public long PointSeed(int index) => (long)Random.Xoshiro.Mix((ulong)Seed, (ulong)index);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Family)) throw OptionMessage.Argument($"Unknown data family {Family} ({{Family}}).", nameof(Family));
        var ds = DimensionsOrDefault;
        var ns = SizesOrDefault;
        if (ds.Length == 0 || ds.Any(d => d < 1) || ds.Distinct().Count() != ds.Length)
            throw OptionMessage.Argument($"The dimensions ({{PhaseDimensions}}) must be distinct and ≥ 1 (got {string.Join(",", ds)}).", "PhaseDimensions");
        if (ns.Length == 0 || ns.Any(n => n < 2) || ns.Distinct().Count() != ns.Length)
            throw OptionMessage.Argument($"The training-set sizes ({{PhaseSizes}}) must be distinct and ≥ 2 (got {string.Join(",", ns)}).", "PhaseSizes");
        RegimesOrDefault.Validate();
    }
}
