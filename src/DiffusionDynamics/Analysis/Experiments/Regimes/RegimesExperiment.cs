using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Options of <see cref="RegimesExperiment"/>. Defaults finish in about a minute on 2 cores for the built-in data.</summary>
/// <param name="Pairs">Clone pairs per branch time (parents). Range: ≥ 2.</param>
/// <param name="Steps">Uniform SDE steps from T to t_min. Range: ≥ 1.</param>
/// <param name="BranchCount">Number of branch times (see <see cref="RegimesExperiment.BranchTimes"/>: half linear around t_S, half geometric below; all geometric between <see cref="BranchMin"/> and <see cref="BranchMax"/> when either is given). Range: ≥ 2.</param>
/// <param name="BranchMin">Smallest branch time (default: max(0.01, 5 t_min)).</param>
/// <param name="BranchMax">Largest branch time (default: min(0.9 T, max(2 t_S, 2))).</param>
/// <param name="TMax">Start time T.</param>
/// <param name="TMin">Last grid time t_min.</param>
/// <param name="Start">Start rule of the parents.</param>
/// <param name="Batch">Parents per batch.</param>
/// <param name="EntropySamples">Monte-Carlo samples per time of the excess-entropy estimator. Range: ≥ 2.</param>
/// <param name="EntropyTimes">Times of the excess entropy besides the branch times, log-spaced over a range that brackets the branch times and ½–2 × the theoretical t_C (both ends included), so its zero is
/// located on a finer grid than the (expensive) clones. Range: ≥ 0.</param>
/// <param name="Bootstrap">Bootstrap resamples for the error of the measured t_S. Range: ≥ 10.</param>
/// <param name="Seed">Run seed.</param>
/// <param name="Precision">Arithmetic of the empirical score in the trajectories.</param>
/// <param name="Classifier">Classifier that gives generated samples their class when the data are labelled, trained on a
/// stratified 80 % of the data (seed <see cref="Seed"/>). <see cref="ClassifierKind.Cnn"/> needs image data.</param>
/// <param name="Sampler">Integrator of the trajectories and clones (default Euler–Maruyama, the papers' SDE). Under a deterministic
/// sampler the clones of a parent are regenerated from its sample x̂₀, x′(t) = e^{−t} x̂₀ + √Δ_t z, and flow from t
/// (<see cref="Sampling.CloneRule.Renoise"/>): φ(t) is then the probability that two forward–backward regenerations from noise level t
/// keep a common class, which conditions on x̂₀ rather than on x(t) as the SDE's φ does.</param>
/// <param name="RefineParents">Parents of each refinement round of the speciation crossing (0: one coarse pass only, as before). Range: ≥ 0.</param>
/// <param name="RefineClones">Clones K of each refinement parent at every refined time (K(K − 1)/2 pairs). Range: ≥ 2.</param>
/// <param name="RefineTimes">Refined branch times around the coarse φ̃ crossing. Range: ≥ 2.</param>
/// <param name="PrecisionTarget">Target relative standard error of the measured t_S: refinement rounds (each <see cref="RefineParents"/>
/// new parents) repeat until SE ≤ target · t_S or <see cref="MaxRefineRounds"/> rounds ran (null: one round). Range: (0, 1).</param>
/// <param name="MaxRefineRounds">Cap on the refinement rounds under <see cref="PrecisionTarget"/>. Range: ≥ 1.</param>
/// <param name="EarlyReadout">Refinement clones stop at <see cref="SpeciationRefinement.ReadoutTime"/>, where the coarse pass shows the class
/// already decided, and are classified by D(x(t_r), t_r) (docs/theory.md §4.4a); false: they run to t_min. Default true.</param>
/// <param name="PruneTolerance">Certified pruning of the exact empirical score (<see cref="EmpiricalDenoiserOptions.PruneTolerance"/>):
/// posterior mass ≤ this dropped per sample. 0 (default): the dense product, bit for bit.</param>
public sealed record RegimesOptions(int Pairs = 64, int Steps = 200, int BranchCount = 14, double? BranchMin = null, double? BranchMax = null,
    double TMax = 10.0, double TMin = 1e-3, StartKind Start = StartKind.Noise, int Batch = 128, int EntropySamples = 2048,
    int Bootstrap = 200, long Seed = 0, Precision Precision = Precision.Float32, ClassifierKind Classifier = ClassifierKind.Logistic,
    int EntropyTimes = 32, SamplerKind Sampler = SamplerKind.EulerMaruyama, int RefineParents = 512, int RefineClones = 2, int RefineTimes = 2,
    double? PrecisionTarget = null, int MaxRefineRounds = 16, bool EarlyReadout = true, double PruneTolerance = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        new CloningOptions(Pairs, Steps, TMax, TMin, Start, Batch, Seed, Sampler).Validate();
        if (BranchCount < 2) throw new ArgumentOutOfRangeException(nameof(BranchCount), BranchCount, "Branch count must be ≥ 2.");
        if (EntropySamples < 2) throw new ArgumentOutOfRangeException(nameof(EntropySamples), EntropySamples, "Entropy samples must be ≥ 2.");
        if (EntropyTimes < 0) throw new ArgumentOutOfRangeException(nameof(EntropyTimes), EntropyTimes, "Extra entropy times must be ≥ 0.");
        if (RefineParents < 0) throw new ArgumentOutOfRangeException(nameof(RefineParents), RefineParents, "Refinement parents must be ≥ 0.");
        if (RefineClones < 2) throw new ArgumentOutOfRangeException(nameof(RefineClones), RefineClones, "Refinement clones must be ≥ 2.");
        if (RefineTimes < 2) throw new ArgumentOutOfRangeException(nameof(RefineTimes), RefineTimes, "Refined times must be ≥ 2.");
        if (PrecisionTarget is double pt && !(pt > 0 && pt < 1))
            throw new ArgumentOutOfRangeException(nameof(PrecisionTarget), pt, "Precision target (relative standard error of t_S) must lie in (0, 1).");
        if (!(PruneTolerance >= 0 && PruneTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(PruneTolerance), PruneTolerance, "The pruning tolerance must lie in [0, 1).");
        if (MaxRefineRounds < 1) throw new ArgumentOutOfRangeException(nameof(MaxRefineRounds), MaxRefineRounds, "Refinement rounds must be ≥ 1.");
        if (Bootstrap < 10) throw new ArgumentOutOfRangeException(nameof(Bootstrap), Bootstrap, "Bootstrap resamples must be ≥ 10.");
        if (BranchMin is double lo && (!double.IsFinite(lo) || lo <= TMin || lo >= TMax))
            throw new ArgumentOutOfRangeException(nameof(BranchMin), lo, $"Smallest branch time must lie in (t_min, T) = ({TMin}, {TMax}).");
        if (BranchMax is double hi && (!double.IsFinite(hi) || hi <= TMin || hi > TMax || (BranchMin is double l && hi <= l)))
            throw new ArgumentOutOfRangeException(nameof(BranchMax), hi, "Largest branch time must lie in (smallest branch time, T].");
    }
}


/// <summary>
/// The headline measurement of Biroli, Bonnaire, De Bortoli &amp; Mézard (arXiv 2402.18491): where the three regimes
/// of generation begin and end on a dataset, in theory and on the actual backward dynamics of its exact empirical
/// score — speciation by cloning (φ(t), measured t_S vs ½ ln Λ), collapse by cloning (φ_C), by the last change of
/// the nearest training point along trajectories (t̂_C), by the excess entropy (zero of f(t)), and the memorized
/// share of the final samples.
/// </summary>
public static class RegimesExperiment
{
    /// <param name="data">Training set (labels, if any, define classes for speciation).</param>
    /// <param name="truth">Ground truth when <paramref name="data"/> is the synthetic two-cluster model (classes by the sign of x·m, theory curve).</param>
    /// <param name="model">
    /// A trained denoiser of the same training set to run the trajectories and clones with, in place of the exact
    /// empirical score (the excess entropy and the theory remain properties of the data). Null: the exact empirical score.
    /// </param>
    public static RegimesResult Run(Dataset data, RegimesOptions options, TwoClusterData? truth = null,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default, IDenoiser? model = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.Count < 2) throw new ArgumentException($"The regimes analysis needs n ≥ 2 training points (got {data.Count}).", nameof(data));
        if (options.Classifier == ClassifierKind.Cnn && (!data.IsImage || truth is not null))
            throw new ArgumentException("The CNN classifier needs labelled image data (item shape [c, h, w]); use the logistic classifier here.", nameof(options));
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var trainingSet = data.ToTensor();

        // Theory: Λ, t_S, per-direction variance, spectrum for the anisotropic t_C.
        progress?.Report(new AnalysisProgress("theory", 0, 1));
        var speciationTheory = SpeciationTime.Estimate(trainingSet);
        double lambdaMax = speciationTheory.LargestEigenvalue;
        var (meanVariance, spectrum) = CovarianceSpectrumOf(trainingSet);
        double tS = speciationTheory.Time;

        // How classes are decided.
        var classRule = ClassRule.Choose(data, truth, options.Classifier, options.Seed);
        double phiInfinity = classRule.PhiInfinity;

        var branchTimes = BranchTimes(options, speciationTheory.IsDefined ? tS : null);
        double lo = branchTimes.Min(), hi = branchTimes.Max();

        // Cloning on the exact empirical score.
        if (model is not null && model.Dimension != data.Dimension)
            throw new ArgumentException($"The model works in d = {model.Dimension}, the data have d = {data.Dimension}.", nameof(model));
        using var empirical = model is null ? new EmpiricalDenoiser(trainingSet, new EmpiricalDenoiserOptions(options.Precision, PruneTolerance: options.PruneTolerance)) : null;
        IDenoiser denoiser = model ?? empirical!;
        var cloningOptions = new CloningOptions(options.Pairs, options.Steps, options.TMax, options.TMin, options.Start, options.Batch, options.Seed, options.Sampler);
        var grid = CloningExperiment.BuildGrid(options.TMax, options.TMin, options.Steps, branchTimes);
        long total = CloningExperiment.TotalSteps(grid, branchTimes, options.Pairs, options.Batch, options.Sampler);
        var cloningProgress = AnalysisProgress.Relay(progress, "trajectories and clones", total);
        var cloning = CloningExperiment.Run(denoiser, trainingSet, branchTimes, classRule.Classify ?? (x => new int[x.shape[0]]),
            cloningOptions, cloningProgress, cancellationToken);

        // Excess entropy on the same times (float64 log-densities).
        // On the branch times (for the collapse table) and a log grid over a range that brackets the branch times and both theoretical
        // times (for the zero): [min(lo, ½ t_C), max(hi, 2 t_C, 1.25 t_S)] within (t_min, T], so f's zero is sampled even where t_C > t_S.
        double tCGaussian = ExcessEntropy.GaussianCollapseTime(data.Count, data.Dimension, Math.Sqrt(meanVariance));
        double? tCAnisotropic = spectrum is null ? null : ExcessEntropy.AnisotropicCollapseTime(data.Count, data.Dimension, spectrum);
        var (entropyLo, entropyHi) = EntropyRange(lo, hi, options, speciationTheory.IsDefined ? tS : null, tCGaussian, tCAnisotropic);
        int extra = options.EntropyTimes;
        var entropyTimes = branchTimes.Concat(Enumerable.Range(0, extra)     // log grid including both ends of the range
                .Select(i => entropyLo * Math.Pow(entropyHi / entropyLo, extra == 1 ? 0.5 : i / (extra - 1.0))))
            .Distinct().Order().ToArray();
        long entropyDraws = (long)entropyTimes.Length * options.EntropySamples;
        progress?.Report(new AnalysisProgress("excess entropy", 0, entropyDraws));
        var entropyClock = Stopwatch.StartNew();
        using var density = new EmpiricalDenoiser(trainingSet, new EmpiricalDenoiserOptions(Precision.Float64));
        var entropy = ExcessEntropyEstimator.Estimate(density, entropyTimes,
            new ExcessEntropyOptions(options.EntropySamples, options.Seed, LeaveOneOut: true),
            AnalysisProgress.Relay(progress, "excess entropy", entropyDraws), cancellationToken);
        double entropySeconds = entropyClock.Elapsed.TotalSeconds;

        // Speciation measurement.
        var outcomes = cloning.Branches.OrderBy(b => b.T).ToArray();
        double referencePhi = truth is not null && truth.Lambda > 1
            ? CloningProbability.AtSpeciationTime(Math.Sqrt(truth.MeanNormSquared), truth.Spec.Sigma)
            : CloningProbability.LargeDimensionLimitAtSpeciation;
        double normalizedLevel = (referencePhi - 0.5) / 0.5;
        var curve = classRule.Classify is null ? [] : outcomes.Select(b =>
        {
            double phi = b.Phi;
            double? theory = truth is not null ? CloningProbability.TwoCluster(b.T, Math.Sqrt(truth.MeanNormSquared), truth.Spec.Sigma) : null;
            return new SpeciationPoint(b.T, phi, BranchOutcome.StdErr(phi, b.SameClass.Length), (phi - phiInfinity) / (1 - phiInfinity),
                speciationTheory.IsDefined ? b.T / tS : null, theory);
        }).ToArray();
        double? measured = null, stderr = null;
        int bootstrapCrossings = 0, refineRounds = 0;
        double[] refinedTimes = [];
        double refineSeconds = 0;
        double? readoutTime = null;
        string? note = classRule.Note is null ? null
            : "The data have no labels (or one class), so clone classes are undefined: only the theoretical t_S is reported. " +
              "Pass labelled data (a labels file) or the two-cluster model to measure speciation.";
        if (classRule.Classify is not null)
        {
            // Pass 1: the coarse crossing on the branch times. Pass 2: refinement rounds at times bracketing it (docs/theory.md §"Two-pass cloning").
            var passes = new List<PhiSamples> { PhiSamples.FromOutcomes(outcomes) };
            double? Measure() => SpeciationRefinement.Estimate(passes.SelectMany(p => p.Times).ToArray(),
                passes.SelectMany(p => Enumerable.Range(0, p.Times.Length).Select(b => (p.Phi(b) - phiInfinity) / (1 - phiInfinity))).ToArray(),
                normalizedLevel, passes[0].Times.Length);
            measured = Measure();
            (stderr, bootstrapCrossings) = SpeciationRefinement.Bootstrap(passes, phiInfinity, normalizedLevel, options.Bootstrap, options.Seed);
            if (measured is double coarse && options.RefineParents > 0)
            {
                var refineClock = Stopwatch.StartNew();
                refinedTimes = SpeciationRefinement.Times(outcomes.Select(o => o.T).ToArray(), coarse, options.RefineTimes, options.TMin, options.TMax);
                int rounds = options.PrecisionTarget is null ? 1 : options.MaxRefineRounds;
                bool exactParents = model is null;      // the exact empirical score: parents are exact draws of P_t at the refined times
                readoutTime = options.EarlyReadout ? SpeciationRefinement.ReadoutTime(outcomes, coarse, options.TMin) : null;
                long roundSteps = SpeciationRefinement.TotalSteps(cloningOptions, refinedTimes, options.RefineParents, options.RefineClones, exactParents, readoutTime);
                PhiSamples? refined = null;
                for (int r = 0; r < rounds; r++)
                {
                    // Round r: parents p use stream (seed_r, p), seed_r mixed from the run seed, so rounds never reuse a coarse parent.
                    long roundSeed = (long)Xoshiro.Mix((ulong)options.Seed, 0x5EF1_0000UL + (ulong)r);
                    var round = SpeciationRefinement.Run(denoiser, trainingSet, refinedTimes, classRule.Classify, options.RefineParents, options.RefineClones,
                        cloningOptions, roundSeed, AnalysisProgress.Relay(progress, $"refined crossing, round {r + 1}", roundSteps), cancellationToken, exactParents,
                        readoutTime);
                    refined = refined is null ? round : refined.Concat(round);
                    refineRounds = r + 1;
                    if (options.PrecisionTarget is double target)
                    {
                        var trial = new List<PhiSamples> { passes[0], refined };
                        var swap = passes;
                        passes = trial;
                        var m = Measure();
                        var (se, _) = SpeciationRefinement.Bootstrap(passes, phiInfinity, normalizedLevel, options.Bootstrap, options.Seed);
                        passes = swap;
                        if (m is double mv && se is double sv && sv <= target * mv) break;
                    }
                }
                passes.Add(refined!);
                measured = Measure();
                (stderr, bootstrapCrossings) = SpeciationRefinement.Bootstrap(passes, phiInfinity, normalizedLevel, options.Bootstrap, options.Seed);
                refineSeconds = refineClock.Elapsed.TotalSeconds;
                var extraPoints = refined!.Times.Select((t, b) =>
                {
                    double phi = refined.Phi(b);
                    double? theory = truth is not null ? CloningProbability.TwoCluster(t, Math.Sqrt(truth.MeanNormSquared), truth.Spec.Sigma) : null;
                    return new SpeciationPoint(t, phi, refined.StdErr(b), (phi - phiInfinity) / (1 - phiInfinity), speciationTheory.IsDefined ? t / tS : null, theory);
                });
                curve = curve.Concat(extraPoints).OrderBy(c => c.T).ToArray();
            }
            if (measured is null) note = "φ̃ does not cross the two-cluster level within the branch times: widen the range of branch times.";
        }
        var theoryCurve = truth is null ? null : Enumerable.Range(0, 121)
            .Select(i => lo * Math.Pow(hi / lo, i / 120.0))
            .Select(t => new TheoryPoint(t, CloningProbability.TwoCluster(t, Math.Sqrt(truth.MeanNormSquared), truth.Spec.Sigma))).ToArray();
        var speciation = new SpeciationResult(tS, speciationTheory.IsDefined, measured, stderr, referencePhi, normalizedLevel, phiInfinity,
            classRule.Description, classRule.TestAccuracy, bootstrapCrossings, curve, note, theoryCurve)
        {
            RefinedTimes = refinedTimes,
            ReadoutTime = readoutTime,
            ExactParents = model is null && refinedTimes.Length > 0,
            RefineRounds = refineRounds,
        };

        // Collapse.
        var collapseCurve = outcomes.Select(b =>
        {
            var e = entropy.Points.MinBy(p => Math.Abs(p.T - b.T))!;
            double phiC = b.PhiC;
            return new CollapsePoint(b.T, phiC, BranchOutcome.StdErr(phiC, b.SameNearest.Length), e.F, e.StdErr, e.FOverAlpha);
        }).ToArray();
        var lastChange = cloning.LastChangeTimes;
        double lcMean = lastChange.Average();
        double lcStd = SampleStatistics.StandardDeviationOrZero(lastChange, lcMean);
        double? tCTwoCluster = truth is null ? null
            : ExcessEntropy.TwoClusterCollapseTime(data.Count, data.Dimension, Math.Sqrt(truth.MeanNormSquared), truth.Spec.Sigma);
        var collapse = new CollapseResult(tCGaussian, tCAnisotropic, tCTwoCluster, entropy.Crossing, entropy.CrossingStdErr,
            lcMean, lcStd, lastChange, cloning.ParentNeighbours.MemorizedFraction(), entropy.Alpha, collapseCurve, entropy.Points)
        {
            Note = JoinNotes(CollapseNote(lastChange, grid[0], tCGaussian), EntropyRangeNote(entropy.Points, entropy.Crossing)),
            EntropyRange = [entropyTimes[0], entropyTimes[^1]],
        };

        var summary = new RegimesData(data.Name, data.Count, data.Dimension, lambdaMax, meanVariance, data.Preprocessing, classRule.Classes);
        var run = new RegimesRun(options.Pairs, options.Steps, grid.Steps + 1, options.TMax, options.TMin, OptionTokens.Of(options.Sampler), OptionTokens.Of(options.Start),
            options.Seed, options.EntropySamples, options.Bootstrap, cloning.Seconds + refineSeconds, entropySeconds, clock.Elapsed.TotalSeconds,
            model is null ? "exact empirical score" : $"trained model ({(model is DenoiserDecorator wrapper ? wrapper.Inner : model).GetType().Name})", options.Classifier.ToString())
        {
            PruneTolerance = empirical is null ? 0 : options.PruneTolerance,
            MaxDroppedMass = empirical?.MaxDroppedMass ?? 0,
            PrunedCalls = empirical?.PrunedCalls ?? 0,
            DenoiserCalls = empirical?.Calls ?? 0,
        };
        classRule.Dispose();
        return new RegimesResult("OU time t", summary, speciation, collapse, run)
        {
            Samples = cloning.ParentSamples,
            Nearest = cloning.ParentNeighbours.Nearest,
        };
    }

    /// <summary>
    /// A note when every trajectory kept one nearest training point from the start time T on: t̂_C = T then only
    /// says that collapse happened at or before T (e.g. data at scale 1e30, where t_C ≫ T), not when.
    /// </summary>
    internal static string? CollapseNote(double[] lastChange, double start, double tCGaussian)
    {
        if (lastChange.Length == 0 || lastChange.Any(t => t < start * (1 - 1e-9))) return null;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return $"t̂_C = T = {start.ToString("G4", inv)}: no trajectory changed its nearest training point after the start, so collapse " +
               $"happened at or before T (Gaussian theory t_C = {tCGaussian.ToString("G4", inv)}). " +
               (tCGaussian > start ? "Start later than t_C (a larger T), or rescale the data to order 1." : "Start later (a larger T).");
    }

    /// <summary>
    /// The range of the excess-entropy times: the branch range [lo, hi] widened to [½ t_C, 2 t_C] for every finite theoretical t_C and up to
    /// 1.25 t_S, clipped to [1.5 t_min, T]. Widening only adds cheap Monte-Carlo times, never clones.
    /// </summary>
    internal static (double Lo, double Hi) EntropyRange(double lo, double hi, RegimesOptions options, double? tS, params double?[] collapseTimes)
    {
        double a = lo, b = hi;
        foreach (var tc in collapseTimes)
            if (tc is double c && double.IsFinite(c) && c > 0)
            {
                a = Math.Min(a, 0.5 * c);
                b = Math.Max(b, 2 * c);
            }
        if (tS is double ts && double.IsFinite(ts) && ts > 0) b = Math.Max(b, 1.25 * ts);
        a = Math.Max(a, 1.5 * options.TMin);
        b = Math.Min(b, options.TMax);
        return (a, Math.Max(b, a * 1.01));
    }

    /// <summary>Says where f's zero lies when it was not found inside the measured times (f &gt; 0 throughout: below them; f ≤ 0: above).</summary>
    internal static string? EntropyRangeNote(IReadOnlyList<ExcessEntropyPoint> points, double? crossing)
    {
        if (crossing is not null || points.Count == 0) return null;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string range = $"[{points[0].T.ToString("G3", inv)}, {points[^1].T.ToString("G3", inv)}]";
        if (points.All(p => p.F > 0)) return $"f > 0 at every measured time {range}: the collapse time t_C lies below {points[0].T.ToString("G3", inv)}.";
        if (points.All(p => p.F <= 0)) return $"f ≤ 0 at every measured time {range}: the collapse time t_C lies above {points[^1].T.ToString("G3", inv)}.";
        return $"f changes sign within {range} but not from + (larger t) to ≤ 0 (smaller t): the Monte-Carlo noise exceeds f there; raise the entropy samples.";
    }

    private static string? JoinNotes(string? a, string? b) => a is null ? b : b is null ? a : a + " " + b;

    /// <summary>
    /// Branch times. With explicit bounds: <see cref="RegimesOptions.BranchCount"/> geometric times between them.
    /// Otherwise half of them linear on [0.4 t_S, 2 t_S] (where φ falls, for the speciation crossing) and half
    /// geometric on [max(0.01, 5 t_min), 0.4 t_S) (where clones collapse), clipped to (t_min, 0.9 T]; when t_S is
    /// undefined (Λ ≤ 1), all geometric on [max(0.01, 5 t_min), min(0.9 T, 2)].
    /// </summary>
    public static double[] BranchTimes(RegimesOptions options, double? tS)
    {
        double lo = options.BranchMin ?? Math.Max(0.01, 5 * options.TMin);
        double top = 0.9 * options.TMax;
        static double[] Geometric(double a, double b, int k) =>
            Enumerable.Range(0, k).Select(i => k == 1 ? a : a * Math.Pow(b / a, i / (double)(k - 1))).ToArray();
        if (options.BranchMin is not null || options.BranchMax is not null || tS is not double ts || 0.4 * ts <= lo || 0.4 * ts >= top)
        {
            double hi = options.BranchMax ?? Math.Min(top, Math.Max(2.0, tS is double t2 ? 2.0 * t2 : 2.0));
            if (hi <= lo) hi = Math.Min(options.TMax, lo * 10);
            return Geometric(lo, hi, options.BranchCount);
        }
        int late = options.BranchCount / 2, early = options.BranchCount - late;
        double from = 0.4 * ts, to = Math.Min(top, 2.0 * ts);
        var speciation = Enumerable.Range(0, late).Select(i => from + (to - from) * i / Math.Max(1, late - 1));
        var collapse = Geometric(lo, from, early + 1).Take(early); // excludes 0.4 t_S itself (already in the linear part)
        return collapse.Concat(speciation).Distinct().OrderBy(t => t).ToArray();
    }

    /// <summary>Mean per-direction variance tr C / d and, for d ≤ 2048, the full eigenvalue list of C (1/n convention).</summary>
    private static (double MeanVariance, double[]? Spectrum) CovarianceSpectrumOf(Tensor a)
    {
        using var scope = NewDisposeScope();
        var x = a.to_type(ScalarType.Float64);
        var centred = x - x.mean([0]);
        long n = x.shape[0], d = x.shape[1];
        double meanVariance = centred.square().sum().item<double>() / (n * d);
        return (meanVariance, d > CovarianceSpectrum.FullSpectrumMaxDimension ? null : CovarianceSpectrum.Eigenvalues(x));
    }


}
