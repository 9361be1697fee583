using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The phase diagram of the regimes: one self-contained regimes measurement (<see cref="RegimesExperiment.Run"/>) per (d, n) point on
/// freshly drawn data of one family, compared with t_S = ½ ln Λ and t_C(n, d) (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md
/// §4.8). Each point depends only on the options and its index (seed Mix(seed, k)), so the points can run in any order, on any shard.
/// </summary>
public static class PhaseExperiment
{
    /// <summary>Standard deviation of the manifold family's small directions.</summary>
    public const double ManifoldSmallStd = 0.1;

    /// <summary>τ of the collapse-boundary lines drawn in the (d, n) plane.</summary>
    public static readonly double[] BoundaryTaus = [0.05, 0.1, 0.2, 0.5];

    /// <summary>The synthetic data of the family at (d, n).</summary>
    public static SyntheticSpec Spec(PhaseFamily family, int d, int n) => family switch
    {
        PhaseFamily.Gaussian => new GaussianSpec(d, n, Enumerable.Repeat(1.0, d).ToArray()),
        PhaseFamily.TwoCluster => new TwoClusterSpec(d, n, 1, 1),
        PhaseFamily.Manifold => new LinearManifoldSpec(d, n, ManifoldStds(d)),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown data family."),
    };

    /// <summary>Standard deviations of the manifold family's directions: ⌈d/4⌉ of 1, the rest <see cref="ManifoldSmallStd"/> (eigenvalues 1 and 0.01).</summary>
    public static double[] ManifoldStds(int d) => Enumerable.Range(0, d).Select(i => i < (d + 3) / 4 ? 1.0 : ManifoldSmallStd).ToArray();

    /// <summary>t_S = ½ ln Λ of the family's population (0 when Λ ≤ 1).</summary>
    public static double SpeciationTheory(PhaseFamily family, int d) =>
        family == PhaseFamily.TwoCluster ? SpeciationTime.TwoCluster(Math.Sqrt(d), 1.0) : 0.0;

    /// <summary>t_C of the family's population at (n, d) (docs/theory.md §4.5).</summary>
    public static double CollapseTheory(PhaseFamily family, int n, int d) => family switch
    {
        PhaseFamily.Gaussian => ExcessEntropy.GaussianCollapseTime(n, d, 1.0),
        PhaseFamily.TwoCluster => ExcessEntropy.TwoClusterCollapseTime(n, d, Math.Sqrt(d), 1.0),
        PhaseFamily.Manifold => ExcessEntropy.AnisotropicCollapseTime(n, d, ManifoldStds(d).Select(s => s * s).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown data family."),
    };

    /// <summary>c(τ) = −½ ln(1 − e^{−2τ}): isotropic Gaussian data collapse at t_C = τ where ln n = c(τ)·d. Range: τ &gt; 0.</summary>
    public static double BoundarySlope(double tau) => -0.5 * Math.Log(-double.ExpM1(-2 * tau));

    /// <summary>
    /// The measurement settings at one point: the point's seed, and branch times that bracket the closed-form t_C (from t_C/4 to
    /// max(4 t_C, 2.5 t_S, 1), inside (t_min, 0.9 T]) with t_min ≤ t_C/20, so the excess-entropy zero and the last changes are resolved
    /// also where t_C is small (large n, small d).
    /// </summary>
    public static RegimesOptions PointOptions(PhaseOptions options, int index, int d, int n)
    {
        var r = options.RegimesOrDefault;
        double tC = CollapseTheory(options.Family, n, d), tS = SpeciationTheory(options.Family, d);
        double tMin = Math.Min(r.TMin, tC / 20);
        double lo = Math.Max(tC / 4, 2 * tMin);
        double hi = Math.Min(0.9 * r.TMax, Math.Max(Math.Max(4 * tC, 2.5 * tS), 1.0));
        if (hi <= lo) hi = Math.Min(r.TMax, 10 * lo);
        return r with { Seed = options.PointSeed(index), TMin = tMin, BranchMin = lo, BranchMax = hi };
    }

    /// <summary>Measures point <paramref name="index"/> (of <see cref="PhaseOptions.Points"/>) from scratch.</summary>
    public static PhasePoint RunPoint(PhaseOptions options, int index, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var all = options.Points();
        if (index < 0 || index >= all.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The sweep has {all.Count} points.");
        var clock = Stopwatch.StartNew();
        var (d, n) = all[index];
        var pointOptions = PointOptions(options, index, d, n);
        var synthetic = Spec(options.Family, d, n).Generate(pointOptions.Seed);
        var r = RegimesExperiment.Run(synthetic.Data, pointOptions, synthetic as TwoClusterData, progress, cancellationToken);
        var c = r.Collapse;
        double lcStderr = c.LastChangeTimes.Length > 1 ? c.LastChangeStd / Math.Sqrt(c.LastChangeTimes.Length) : 0;
        bool measured = options.Family == PhaseFamily.TwoCluster;
        return new PhasePoint(index, d, n, pointOptions.Seed, ExcessEntropy.Alpha(n, d), SpeciationTheory(options.Family, d),
            measured ? r.Speciation.Measured : null, measured ? r.Speciation.Stderr : null, CollapseTheory(options.Family, n, d),
            c.EntropyCrossing, c.EntropyCrossingStderr, c.LastChangeMean, lcStderr, c.MemorizedFraction, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Every point in order (progress stage "d = …, n = …: …").</summary>
    public static PhaseResult Run(PhaseOptions options, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var all = options.Points();
        var points = Enumerable.Range(0, all.Count).Select(k => RunPoint(options, k,
            progress is null ? null : new InlineProgress<AnalysisProgress>(p => progress.Report(p with { Stage = $"d = {all[k].D}, n = {all[k].N}: {p.Stage}" })),
            cancellationToken)).ToList();
        return Assemble(options, points);
    }

    /// <summary>The result from its finished points (in index order), with the closed-form curves and boundary lines.</summary>
    public static PhaseResult Assemble(PhaseOptions options, IReadOnlyList<PhasePoint> points)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(points);
        var ds = options.DimensionsOrDefault;
        var ns = options.SizesOrDefault;
        if (points.Count != ds.Length * ns.Length || points.Select((p, k) => p.Index != k).Any(b => b))
            throw new ArgumentException($"Expected the {ds.Length * ns.Length} points of the grid in index order.", nameof(points));
        double lo = Math.Log(Math.Max(2, ns.Min() / 2.0)), hi = Math.Log(ns.Max() * 2.0);
        var curves = ds.Order().Select(d => new PhaseTheoryCurve(d, Enumerable.Range(0, 61)
            .Select(i => Math.Round(Math.Exp(lo + (hi - lo) * i / 60.0))).Distinct()
            .Select(n => new TheoryPoint(n, CollapseTheory(options.Family, (int)n, d))).ToArray())).ToArray();
        var boundary = BoundaryTaus.Select(t => new PhaseBoundary(t, BoundarySlope(t))).ToArray();
        // t_C of isotropic Gaussian data as a function of α alone: n^{2/d} = e^{2α}, so t_C = −½ ln(1 − e^{−2α}).
        double aMin = points.Min(p => p.Alpha) * 0.8, aMax = points.Max(p => p.Alpha) * 1.2;
        var alphaCurve = Enumerable.Range(0, 101).Select(i => aMin * Math.Pow(aMax / aMin, i / 100.0))
            .Select(a => new TheoryPoint(a, BoundarySlope(a))).ToArray();
        return new PhaseResult("OU time t", options.Family, ds, ns, points, curves, boundary, alphaCurve);
    }
}
