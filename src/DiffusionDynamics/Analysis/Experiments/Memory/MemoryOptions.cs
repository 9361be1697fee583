using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Analysis;

/// <summary>What a generated sample is in the associative-memory view (Pham et al. 2025, arXiv 2505.21777, §6 of docs/theory.md).</summary>
public enum SampleKind
{
    /// <summary>Distance to the nearest training point ≤ δ_m.</summary>
    Memorized,
    /// <summary>Not memorized, and distance to the nearest other generated sample ≤ δ_s: several samples share one attractor that is no training point.</summary>
    Spurious,
    /// <summary>Neither.</summary>
    Generalized,
}

/// <summary>What a fixed point of the denoiser map is.</summary>
public enum FixedPointKind
{
    /// <summary>Within δ_m of a training point.</summary>
    Training,
    /// <summary>Farther than δ_m from every training point.</summary>
    Spurious,
}

/// <summary>
/// Options of the fixed-point search y ← D(e^{−t} y, t) (in rescaled coordinates y = x e^{t}, where the fixed points are the
/// critical points of ln P_t: x = e^{−t} D(x, t)).
/// </summary>
/// <param name="Starts">Number of starts; start i is training point (i mod n) plus Gaussian noise of the kernel's std √(e^{2t} − 1) (a draw of P_t in y). Range ≥ 1.</param>
/// <param name="MaxIterations">Iteration cap (mean shift converges linearly; slowly near a bifurcation). Range ≥ 1.</param>
/// <param name="Tolerance">Converged when |y_{k+1} − y_k| ≤ Tolerance · h (h = the data's median nearest-neighbour spacing). Range &gt; 0.</param>
/// <param name="DedupRadius">Two converged points closer than DedupRadius · h are one fixed point. Range &gt; 0.</param>
/// <param name="MaxStabilityDimension">The Jacobian test of stability (largest eigenvalue of e^{−t} ∂D &lt; 1 ⇔ energy minimum) runs only up to this d (it forms d×d matrices).</param>
public sealed record FixedPointOptions(int Starts = 256, int MaxIterations = 3000, double Tolerance = 1e-6, double DedupRadius = 0.05,
    int MaxStabilityDimension = 64)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Starts < 1) throw new ArgumentException($"Starts must be ≥ 1 (got {Starts}).", nameof(Starts));
        if (MaxIterations < 1) throw new ArgumentException($"MaxIterations must be ≥ 1 (got {MaxIterations}).", nameof(MaxIterations));
        if (!(Tolerance > 0) || double.IsInfinity(Tolerance)) throw new ArgumentException($"Tolerance must be > 0 (got {Tolerance}).", nameof(Tolerance));
        if (!(DedupRadius > 0) || double.IsInfinity(DedupRadius)) throw new ArgumentException($"DedupRadius must be > 0 (got {DedupRadius}).", nameof(DedupRadius));
        if (MaxStabilityDimension < 0) throw new ArgumentException($"MaxStabilityDimension must be ≥ 0 (got {MaxStabilityDimension}).", nameof(MaxStabilityDimension));
    }
}

/// <summary>How a basin size is bounded by the level grid.</summary>
public enum BasinCensoring
{
    /// <summary>Measured: the basin lies in [Size, next level).</summary>
    None,
    /// <summary>Left-censored: even the smallest level fails, the basin is below Levels[0] (Size holds that bound).</summary>
    BelowSmallest,
    /// <summary>Right-censored: every level passes, the basin is at least the largest level (Size).</summary>
    AboveLargest,
}

/// <summary>
/// Options of the basin-size measurement (docs/theory.md §6): the basin size of a point a is the largest noise level t_k of
/// <paramref name="Levels"/> such that re-noising x = e^{−t_j} a + √Δ_{t_j} z and denoising back to <paramref name="TMin"/> (then one
/// D jump) ends within the return radius ρ(a) of a with probability ≥ <paramref name="Probability"/> at every level t_j ≤ t_k.
/// A point that fails at the smallest level is reported as censored (<see cref="BasinCensoring.BelowSmallest"/>), never as 0.
/// The return radius is ρ(a) = <paramref name="ReturnFraction"/> · r(a) with r(a) the distance from a to the nearest training point
/// other than the one a copies (<see cref="AssociativeMemory.ReturnRadii"/>): with the default ½, "returns to a" means "ends closer to a
/// than the midpoint to any other attractor", i.e. it does not land on a neighbour. A fixed radius (such as δ_m = 0.1 h) is no
/// basin measure: the noise std √(2t) at any level that is not tiny re-noises far beyond it, and the end point, snapped to the
/// nearest attractor, is either a (distance ≈ 0) or a neighbour (distance ≥ r(a)), so only the midpoint matters.
/// For two points at distance s in 1-D the return probability is Φ((s/2)/√(e^{2t} − 1)), so the basin is
/// t* = ½ ln(1 + (s/2)²/Φ⁻¹(p)²) ≈ s²/(8 Φ⁻¹(p)²): basins scale with the spacing squared.
/// </summary>
/// <param name="Levels">Ascending OU times, all &gt; TMin (default: log-spaced from 10·TMin to 1, 4 per decade (a factor 1.78 apart),
/// 29 levels at the default TMin: noise stds √Δ_t from 4.5e-4 to 0.93, well under the return radius ≈ h/2 ≈ 0.002 even at the circle
/// demo's densest size n = 512, and up to the scale of the data).</param>
/// <param name="Trials">Re-noisings per point and level (binomial error √(p(1−p)/Trials)). Range ≥ 1.</param>
/// <param name="Probability">Return probability required (the paper's 0.9). Range (0, 1].</param>
/// <param name="Steps">Sampler steps from each level down to TMin (log-uniform grid). Range ≥ 1.</param>
/// <param name="TMin">End time of the denoising run (then a final D jump), below the smallest level (default 1e-8, kernel width
/// √(e^{2·TMin} − 1) ≈ 1.4e-4: the denoiser's own attractors, not the smoothing of a stopped generation, decide the return). Range &gt; 0.</param>
/// <param name="ReturnFraction">ρ(a) / r(a). Range (0, 1].</param>
/// <param name="Sampler">Sampler used to denoise (deterministic PF-ODE Heun by default).</param>
public sealed record BasinOptions(double[]? Levels = null, int Trials = 32, double Probability = 0.9, int Steps = 32, double TMin = 1e-8,
    double ReturnFraction = 0.5, SamplerKind Sampler = SamplerKind.OdeHeun)
{
    /// <summary>Default levels per decade.</summary>
    public const int LevelsPerDecade = 4;

    /// <summary>The levels in use (the default needs TMin &lt; 0.1; see <see cref="Validate"/>).</summary>
    public double[] LevelsOrDefault
    {
        get
        {
            if (Levels is not null) return Levels;
            double lo = 10 * TMin;
            int count = Math.Max(2, (int)Math.Ceiling(LevelsPerDecade * Math.Log10(1 / lo) - 1e-9) + 1);
            return Enumerable.Range(0, count).Select(i => lo * Math.Pow(1 / lo, i / (count - 1.0))).ToArray();
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(TMin > 0) || double.IsInfinity(TMin)) throw new ArgumentException($"TMin must be finite and > 0 (got {TMin}).", nameof(TMin));
        if (Levels is null && !(TMin < 0.1)) throw new ArgumentException($"the default levels run from 10·TMin to 1 and need TMin < 0.1 (got {TMin}); give Levels.", nameof(TMin));
        var levels = LevelsOrDefault;
        if (levels.Length == 0) throw new ArgumentException("Levels must not be empty.", nameof(Levels));
        for (int i = 0; i < levels.Length; i++)
        {
            if (!(levels[i] > TMin) || double.IsInfinity(levels[i])) throw new ArgumentException($"Levels[{i}] = {levels[i]} must be finite and > TMin = {TMin}.", nameof(Levels));
            if (i > 0 && !(levels[i] > levels[i - 1])) throw new ArgumentException($"Levels must be ascending (Levels[{i}] = {levels[i]} ≤ {levels[i - 1]}).", nameof(Levels));
        }
        if (Trials < 1) throw new ArgumentException($"Trials must be ≥ 1 (got {Trials}).", nameof(Trials));
        if (!(Probability > 0 && Probability <= 1)) throw new ArgumentException($"Probability must be in (0, 1] (got {Probability}).", nameof(Probability));
        if (Steps < 1) throw new ArgumentException($"Steps must be ≥ 1 (got {Steps}).", nameof(Steps));
        if (!(ReturnFraction > 0 && ReturnFraction <= 1)) throw new ArgumentException($"ReturnFraction must be in (0, 1] (got {ReturnFraction}).", nameof(ReturnFraction));
    }
}

/// <summary>
/// Options of the memory experiment (<see cref="MemoryExperiment"/>).
/// δ_m = MemorizedRadius · h and δ_s = SpuriousRadius · h, with h the median nearest-neighbour distance of the training set:
/// a sample is memorized when it sits much closer to a training point than training points sit to each other
/// (0.1 h: a uniformly spread generalizing sample on a 1-D manifold lands within 0.1 h of a training point with chance ≈ 0.2).
/// </summary>
/// <param name="Sizes">Training-set sizes n (the first n points of the data).</param>
/// <param name="Times">OU times at which the fixed points of ln P_t^e are searched (default 11 log-spaced in [1e-5, 1]: kernel widths √(e^{2t} − 1) from 0.0045 to 2.5; the circle's ring appears at ½ ln 1.5 ≈ 0.203).</param>
/// <param name="Samples">Generated samples per size (SDE from T to TMin).</param>
/// <param name="SamplerSteps">Euler–Maruyama steps of the generation (uniform grid with a log tail near TMin).</param>
/// <param name="TMax">Start time T of the generation (x_T ~ N(0, I)).</param>
/// <param name="TMin">End time of the generation (then one D jump); the exact score stopped at TMin is a kernel smoother of width √(e^{2TMin} − 1) ≈ 0.045.
/// The basin re-denoising has its own, smaller end time (<see cref="BasinOptions.TMin"/>).</param>
/// <param name="MemorizedRadius">δ_m / h.</param>
/// <param name="SpuriousRadius">δ_s / h.</param>
/// <param name="Seed">Run seed: sample i uses stream (Seed, i).</param>
/// <param name="FixedPoints">Fixed-point search options.</param>
/// <param name="Basins">Basin-size options.</param>
/// <param name="BasinPoints">Generated samples whose basin size is measured (the first ones).</param>
/// <param name="LandscapeSize">Size n of the energy-landscape figure (2-D data; the given size nearest to it is used).</param>
/// <param name="LandscapeTime">OU time of the energy landscape (default 0.002: kernel width 0.063, between the circle's spacing at n = 32 and n = 512).</param>
public sealed record MemoryOptions(int[] Sizes, double[]? Times = null, int Samples = 256, int SamplerSteps = 200,
    double TMax = 5.0, double TMin = 1e-3, double MemorizedRadius = 0.1, double SpuriousRadius = 0.1, int BasinPoints = 32,
    int LandscapeSize = 32, double LandscapeTime = 0.002, long Seed = 0, FixedPointOptions? FixedPoints = null, BasinOptions? Basins = null)
{    /// <summary>
    /// The options for a given model (an imported or trained one) that generates against its own training set <paramref name="data"/>: one
    /// model has one training set, so the sweep has the one size n (sizes given explicitly must be exactly n); training applies to no model.
    /// </summary>
    public MemoryOptions ForModel(Dataset data, bool sizesGiven, bool trains)
    {
        if (trains) throw OptionMessage.Argument("{Train} does not apply to {ModelPath} (the model is already trained; drop one of them).", "Train", "ModelPath");
        if (!sizesGiven) return this with { Sizes = [data.Count] };
        if (Sizes is not [var only] || only != data.Count)
            throw OptionMessage.Argument($"{{Sizes}} does not apply to {{ModelPath}}: one model has one training set ({data.Name}, n = {data.Count}); " +
                                         $"drop {{Sizes}} (or give {{Sizes}} {data.Count}).", "Sizes", "ModelPath");
        return this;
    }


    /// <summary>The fixed-point times in use.</summary>
    public double[] TimesOrDefault => Times ?? Enumerable.Range(0, 11).Select(i => 1e-5 * Math.Pow(1e5, i / 10.0)).ToArray();

    /// <summary>Fixed-point options in use.</summary>
    public FixedPointOptions FixedPointsOrDefault => FixedPoints ?? new FixedPointOptions();

    /// <summary>The point label of every size of the sweep ("n=N"), as sweeps and shards list them.</summary>
    public List<string> SizeLabels => Sizes.Select(n => $"n={n}").ToList();

    /// <summary>Throws (naming the sizes option) when the largest size exceeds the points of <paramref name="data"/>.</summary>
    public void CheckAgainst(Dataset data)
    {
        if (Sizes.Max() > data.Count)
            throw OptionMessage.Argument($"{{Sizes}}: the largest size {Sizes.Max()} exceeds the data's {data.Count} points.", nameof(Sizes));
    }

    /// <summary>Basin options in use.</summary>
    public BasinOptions BasinsOrDefault => Basins ?? new BasinOptions();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Sizes is null || Sizes.Length == 0) throw new ArgumentException("Sizes must not be empty.", nameof(Sizes));
        foreach (var n in Sizes) if (n < 2) throw new ArgumentException($"every size must be ≥ 2 (got {n}).", nameof(Sizes));
        foreach (var t in TimesOrDefault) if (!(t > 0) || double.IsInfinity(t)) throw new ArgumentException($"every time must be finite and > 0 (got {t}).", nameof(Times));
        if (Samples < 2) throw new ArgumentException($"Samples must be ≥ 2 (got {Samples}).", nameof(Samples));
        if (SamplerSteps < 1) throw new ArgumentException($"SamplerSteps must be ≥ 1 (got {SamplerSteps}).", nameof(SamplerSteps));
        if (!(TMin > 0) || !(TMax > TMin) || double.IsInfinity(TMax)) throw new ArgumentException($"need 0 < TMin < TMax (got TMin = {TMin}, TMax = {TMax}).", nameof(TMin));
        if (!(MemorizedRadius > 0)) throw new ArgumentException($"MemorizedRadius must be > 0 (got {MemorizedRadius}).", nameof(MemorizedRadius));
        if (!(SpuriousRadius > 0)) throw new ArgumentException($"SpuriousRadius must be > 0 (got {SpuriousRadius}).", nameof(SpuriousRadius));
        if (BasinPoints < 0) throw new ArgumentException($"BasinPoints must be ≥ 0 (got {BasinPoints}).", nameof(BasinPoints));
        if (LandscapeSize < 2) throw new ArgumentException($"LandscapeSize must be ≥ 2 (got {LandscapeSize}).", nameof(LandscapeSize));
        if (!(LandscapeTime > 0)) throw new ArgumentException($"LandscapeTime must be > 0 (got {LandscapeTime}).", nameof(LandscapeTime));
        FixedPointsOrDefault.Validate();
        BasinsOrDefault.Validate();
    }
}
