using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Analysis;

/// <summary>What a timeline runs on: the training set (with the generator's ground truth when synthetic) and the score.</summary>
/// <param name="Data">The training set: defines Λ, the modes, the nearest points and the Gaussian.</param>
/// <param name="Truth">The generator of synthetic data (two-cluster: closed-form t_S, t_C and t_c), else null.</param>
/// <param name="Model">The model to analyse (trained or imported); null: the exact empirical score of <paramref name="Data"/>.</param>
/// <param name="ModelName">How the model is named in the result.</param>
public sealed record TimelineInputs(Dataset Data, SyntheticData? Truth = null, IDenoiser? Model = null, string? ModelName = null);

/// <summary>
/// The regimes of one model (or dataset) on one OU time axis (issue 13): it runs the existing analyses with one seed and collects,
/// each with its error bar and beside its closed form:
/// <list type="bullet">
/// <item>speciation t_S by cloning (labelled data or the two-cluster model) against ½ ln Λ (Biroli et al. 2024, arXiv 2402.18491);</item>
/// <item>collapse t_C from the excess entropy f(t) = 0 and from the last change of the nearest training point, against the Gaussian
/// and anisotropic closed forms (same paper, §4);</item>
/// <item>the symmetry-breaking time of the backward drift (Raya &amp; Ambrogioni 2023, arXiv 2305.19693), against its closed form
/// (two points/two-cluster) or ½ ln(Λ − 1) of the Gaussian top mode;</item>
/// <item>per-mode emergence times of the top modes (variance rule; Wang &amp; Vastola, arXiv 2303.02490) against the Gaussian closed form;</item>
/// <item>the teleport hand-over: the smallest t above which the Gaussian score explains the given share of the score's variance,
/// against ½ ln(1 + λ_max);</item>
/// <item>on labelled data, the class decision: the peak of the rate dH(Y | X_t)/dt of the class entropy along the score's backward
/// trajectories, H from the exact class posterior of the data (Handke et al., arXiv 2506.10433; docs/theory.md §7.3–7.6), against
/// t_S = ½ ln Λ (and the two-cluster closed form of the peak where it applies).</item>
/// </list>
/// The stages are the analyses themselves (<see cref="RegimesExperiment"/>, <see cref="SymmetryExperiment"/>,
/// <see cref="TrajectoriesExperiment"/>, <see cref="AccelerationStarts.ExplainedVarianceRule"/>, <see cref="ClassEntropyAnalysis"/>);
/// this class adds no measurement of its own beyond the error bar of the entropy-rate peak (<see cref="PeakError"/>).
/// </summary>
public static class TimelineExperiment
{
    /// <summary>Features of the issue's timeline not measured here, with the reason.</summary>
    public static IReadOnlyList<string> NotCovered { get; } = [];

    /// <summary>Runs every stage and assembles the timeline. Progress stages are prefixed with the stage name.</summary>
    public static TimelineResult Run(TimelineInputs inputs, TimelineOptions? options = null, IProgress<AnalysisProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(inputs.Data);
        options ??= new TimelineOptions();
        options.Validate();
        var data = inputs.Data;
        if (inputs.Model is { } m && m.Dimension != data.Dimension)
            throw new ArgumentException($"The model works in d = {m.Dimension}, the data have d = {data.Dimension}.", nameof(inputs));
        string scoreName = inputs.Model is null ? "exact empirical score" : inputs.ModelName ?? "model";
        var total = Stopwatch.StartNew();
        IProgress<AnalysisProgress>? Stage(string name) => progress is null ? null
            : new InlineProgress<AnalysisProgress>(p => progress.Report(p with { Stage = $"{name}: {p.Stage}" }));

        // 1. Regimes: cloning speciation, excess entropy and nearest-point collapse.
        var clock = Stopwatch.StartNew();
        var regimes = RegimesExperiment.Run(data, options.ResolvedRegimes, inputs.Truth as TwoClusterData, Stage("regimes"), cancellationToken, inputs.Model);
        double regimesSeconds = clock.Elapsed.TotalSeconds;

        // 2. Symmetry breaking of the backward drift.
        cancellationToken.ThrowIfCancellationRequested();
        clock.Restart();
        var symmetry = SymmetryExperiment.Run(new SymmetryInputs(data, inputs.Truth, inputs.Model, inputs.Model is null ? null : scoreName),
            new SymmetryOptions(options.ResolvedSymmetry), Stage("symmetry"), cancellationToken);
        double symmetrySeconds = clock.Elapsed.TotalSeconds;

        // 3. Per-mode emergence and 4. the Gaussian hand-over, with the model or the exact empirical score.
        IDenoiser? ownScore = inputs.Model is null ? DenoiserFactory.Exact.Create(DenoiserSpec.Empirical(options.ResolvedModes.Precision), data) : null;
        ModeEmergenceResult modes;
        SkipTime handOver;
        double modesSeconds, evSeconds, emergence;
        try
        {
            var score = inputs.Model ?? ownScore!;
            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            var modesOptions = options.ResolvedModes with { Modes = Math.Min(options.ResolvedModes.Modes, Math.Min(data.Dimension, data.Count - 1)) };
            modes = TrajectoriesExperiment.Run(data, score, modesOptions, null, scoreName, Stage("modes"), cancellationToken).Emergence;
            modesSeconds = clock.Elapsed.TotalSeconds;

            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            using var gaussian = GaussianDenoiser.FromData(data);
            using var trainingSet = data.ToTensor();
            var r = options.ResolvedRegimes;
            var evStage = Stage("explained variance");
            long evTotal = (long)options.ExplainedVarianceSamples * options.ExplainedVariancePoints;
            handOver = AccelerationStarts.ExplainedVarianceRule(score, gaussian, trainingSet, r.TMax, r.TMin, options.ExplainedVarianceThreshold,
                options.ExplainedVarianceSamples, options.ExplainedVariancePoints, options.Seed,
                AnalysisProgress.Relay(evStage, "Gaussian share of the score", evTotal));
            emergence = AccelerationStarts.EmergenceTime(gaussian, r.TMax, r.TMin);
            evSeconds = clock.Elapsed.TotalSeconds;
        }
        finally
        {
            (ownScore as IDisposable)?.Dispose();
        }

        // 5. The class decision, on labelled data: the class-entropy rate along the score's own trajectories.
        cancellationToken.ThrowIfCancellationRequested();
        clock.Restart();
        var classes = ClassDecision(inputs, options, Stage("class decision"), cancellationToken);
        double classesSeconds = clock.Elapsed.TotalSeconds;

        var events = new List<TimelineEvent>();
        var s = regimes.Speciation;
        events.Add(new TimelineEvent("speciation.cloning", "t_S (cloning)", "speciation", s.Measured, s.Stderr,
            $"clone pairs branched at {options.ResolvedRegimes.BranchCount} times; crossing of the normalized same-class level, bootstrap standard error",
            s.TheoryDefined ? s.Theory : null, "½ ln Λ", s.Measured is null ? s.Note : null));
        var c = regimes.Collapse;
        double? collapseTheory = c.TheoryTwoCluster ?? c.TheoryAnisotropic ?? c.TheoryGaussian;
        string collapseLabel = c.TheoryTwoCluster is not null ? "two-cluster closed form" : c.TheoryAnisotropic is not null ? "Gaussian with the data's spectrum" : "Gaussian, σ² = tr C/d";
        events.Add(new TimelineEvent("collapse.entropy", "t_C (excess entropy f = 0)", "collapse", c.EntropyCrossing, c.EntropyCrossingStderr,
            "zero of the Monte-Carlo excess entropy f(t), standard error from the samples", collapseTheory, collapseLabel));
        int changes = c.LastChangeTimes.Length;
        events.Add(new TimelineEvent("collapse.last-change", "t̂_C (last change of the nearest point)", "collapse", c.LastChangeMean,
            changes > 1 ? c.LastChangeStd / Math.Sqrt(changes) : null, $"mean over {changes} trajectories of the last time the nearest training point changed, standard error",
            collapseTheory, collapseLabel, c.Note));
        double? ssbTheory = symmetry.CriticalTimeClosedForm ?? symmetry.GaussianCriticalTime;
        events.Add(new TimelineEvent("symmetry.critical", "t_c (symmetry breaking of the drift)", "symmetry", symmetry.CriticalTime, null,
            $"largest eigenvalue of the {(symmetry.Drift == ReverseDrift.Sde ? "SDE" : "PF-ODE")} drift's Jacobian at its central fixed point crosses 0 (bisection in t; no sampling error)",
            ssbTheory, symmetry.CriticalTimeClosedForm is not null ? $"closed form ({symmetry.Model?.Label})" : "Gaussian top mode ½ ln(Λ − 1)",
            symmetry.CriticalTime is null ? symmetry.Note : null));
        foreach (var mode in modes.Modes)
            events.Add(new TimelineEvent($"mode.{mode.K + 1}", $"mode {mode.K + 1} emerges (λ = {mode.Lambda:G3})", "modes", mode.Variance, mode.VarianceStderr,
                $"variance rule over {modes.Trajectories} trajectories ({modes.VarianceRule}), bootstrap standard error",
                mode.TheoryVarianceRule, $"Gaussian closed form of the rule (½ ln(1 + λ) = {mode.Theory:F3})"));
        events.Add(new TimelineEvent("gaussian.hand-over", $"teleport hand-over (Gaussian explains ≥ {options.ExplainedVarianceThreshold:P0})", "gaussian",
            handOver.Value, HandOverError(handOver, options.ExplainedVarianceThreshold),
            "smallest t where the explained variance of the Gaussian score stays above the threshold; error from the EV standard error and the local slope",
            emergence, "top-mode emergence ½ ln(1 + λ_max)", handOver.Value >= options.ResolvedRegimes.TMax ? "EV(T) is already below the threshold: no hand-over." : null));

        events.Add(ClassDecisionEvent(classes, data, options));

        var run = new TimelineRun(options.Seed, options.ResolvedRegimes, options.ResolvedSymmetry, options.ResolvedModes,
            options.ExplainedVarianceThreshold, options.ExplainedVarianceSamples, options.ExplainedVariancePoints,
            regimesSeconds, symmetrySeconds, modesSeconds, evSeconds, total.Elapsed.TotalSeconds, options.ResolvedClasses, classesSeconds);
        return new TimelineResult("OU time t", new TimelineData(data.Name, data.Count, data.Dimension, regimes.Data.LambdaMax, data.Labels is not null, data.Preprocessing),
            scoreName, events, regimes, symmetry, handOver, modes, ModelClockOf(inputs.Model, options.ResolvedRegimes.TMin, options.ResolvedRegimes.TMax), NotCovered, run, classes);
    }

    /// <summary>
    /// The class-entropy analysis behind the class-decision event, or null for data without labels or with one class: the exact class
    /// posterior of the data (<see cref="ClassConditionalEmpirical"/>; float64 up to n·d = 10⁶, else float32) evaluated along backward trajectories of the score — the
    /// exact empirical score itself without a model, else the model's trajectories (<see cref="ExactPosteriorAlong"/>). The two-cluster
    /// generator adds its closed-form rate peak.
    /// </summary>
    public static ClassEntropyResult? ClassDecision(TimelineInputs inputs, TimelineOptions options, IProgress<AnalysisProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        var data = inputs.Data;
        if (data.Labels is null || data.Classes().Length < 2) return null;
        // float64 up to n·d = 10⁶, float32 above (entropy's automatic rule: the log-space posterior keeps float32 finite).
        var precision = (long)data.Count * data.Dimension <= 1_000_000 ? Precision.Float64 : Precision.Float32;
        using var exact = new ClassConditionalEmpirical(data, new EmpiricalDenoiserOptions(precision));
        using var along = inputs.Model is null ? null : new ExactPosteriorAlong(inputs.Model, exact);
        TwoClassModel? model = null;
        if (inputs.Truth is TwoClusterData tc && data.Classes().Length == 2)
        {
            double norm = Math.Sqrt(tc.M.Sum(v => v * v));
            model = new TwoClassModel(norm, tc.Spec.Sigma, $"two-cluster |m| = {norm:G4}, σ = {tc.Spec.Sigma:G4}");
        }
        return ClassEntropyAnalysis.Run(new ClassEntropyInputs((IDenoiser?)along ?? exact, data, model), options.ResolvedClasses, progress, cancellationToken);
    }

    /// <summary>The class-decision event: the peak of dH(Y | X_t)/dt with <see cref="PeakError"/>, beside t_S = ½ ln Λ (or the two-cluster peak).</summary>
    private static TimelineEvent ClassDecisionEvent(ClassEntropyResult? classes, Dataset data, TimelineOptions options)
    {
        const string label = "class decision (peak of dH(Y|X_t)/dt)";
        if (classes is null)
            return new TimelineEvent("classes.decision", label, "classes", null, null, "exact class posterior along the trajectories", null, null,
                data.Labels is null ? "the data have no labels: no class posterior." : "the data have one class only: no class decision.");
        var o = options.ResolvedClasses;
        var err = PeakError(classes.Curve, options.Seed);
        bool closedForm = classes.Peak.Theory is not null;
        return new TimelineEvent("classes.decision", label, "classes", classes.Peak.T, err,
            $"argmax over the grid of the mean pathwise rate of H(Y | X_t) = −Σ p ln p, p the exact class posterior of the data, along {o.Samples} " +
            $"{classes.Sampler} trajectories of the score; error: spread of the argmax under the rates' standard errors (200 normal draws), at least the grid's Δt/√12",
            closedForm ? classes.Peak.Theory : classes.SpeciationTheory,
            closedForm ? $"two-cluster closed form of the peak ({classes.Model})" : "t_S = ½ ln Λ (the decision peaks near speciation)");
    }

    /// <summary>
    /// Error bar of the time of the rate peak: the standard deviation of argmax_k (r_k + s_k z_k) over 200 draws z ~ N(0, I) (seed
    /// <paramref name="seed"/>), r_k and s_k the rate and its standard error at grid time k — how far the peak moves under the
    /// sampling noise of the curve (adjacent rates share trajectories, so treating them as independent overstates the wander of a sharp
    /// peak slightly) — and at least Δt/√12, the resolution of a peak located on a grid of local spacing Δt.
    /// Range: at least one point; standard errors ≥ 0.
    /// </summary>
    public static double PeakError(IReadOnlyList<EntropyPoint> curve, long seed)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Count == 0) throw new ArgumentException("The curve has no points.", nameof(curve));
        int peak = 0;
        for (int k = 1; k < curve.Count; k++) if (curve[k].Rate > curve[peak].Rate) peak = k;
        double spacing = curve.Count == 1 ? 0
            : 0.5 * (Math.Abs(curve[Math.Max(peak - 1, 0)].T - curve[peak].T) + Math.Abs(curve[Math.Min(peak + 1, curve.Count - 1)].T - curve[peak].T))
              * (peak == 0 || peak == curve.Count - 1 ? 2 : 1);
        var rng = new System.Random(unchecked((int)(seed ^ 0x5EED)));
        const int draws = 200;
        double sum = 0, sumSq = 0;
        for (int b = 0; b < draws; b++)
        {
            int best = 0;
            double bestRate = double.NegativeInfinity;
            for (int k = 0; k < curve.Count; k++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                double r = curve[k].Rate + curve[k].RateStderr * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                if (r > bestRate) (best, bestRate) = (k, r);
            }
            sum += curve[best].T;
            sumSq += curve[best].T * curve[best].T;
        }
        double mean = sum / draws, spread = Math.Sqrt(Math.Max(0, sumSq / draws - mean * mean));
        return Math.Max(spread, spacing / Math.Sqrt(12));
    }

    /// <summary>
    /// A model's trajectories with the exact class posterior of its data: <see cref="IClassPosterior"/> answers from
    /// <paramref name="posterior"/>, while D(x, t) is the model's; the class-conditional scores of the data are not offered (the online
    /// and I-MMSE estimators would compare them with a model that does not have them).
    /// </summary>
    private sealed class ExactPosteriorAlong(IDenoiser model, ClassConditionalEmpirical posterior) : DenoiserDecorator(model), IDisposable
    {
        public override T? Capability<T>() where T : class =>
            typeof(T) == typeof(IClassPosterior) ? posterior as T : typeof(T) == typeof(IClassConditional) ? null : base.Capability<T>();

        public void Dispose() { } // the model and the posterior belong to the caller
    }

    /// <summary>The clock mapping of an imported model (asked as a capability through any decorator), or null for other scores.</summary>
    public static TimelineModelClock? ModelClockOf(IDenoiser? model, double tMin, double tMax)
    {
        if (model?.As<OnnxDenoiser>() is not { } onnx) return null;
        var (lo, hi) = onnx.Clock.Range;
        double top = Math.Min(tMax, hi), bottom = Math.Max(tMin, 1e-6);
        double worst = 0, worstAt = bottom;
        if (top > bottom)
            for (int i = 0; i < 400; i++)
            {
                double t = bottom * Math.Pow(top / bottom, i / 399.0);
                double error = onnx.Level(t).TimeError;
                if (error > worst) (worst, worstAt) = (error, t);
            }
        return new TimelineModelClock(onnx.Describe(), lo, hi, worst, worstAt);
    }

    /// <summary>
    /// σ_t ≈ σ_EV / |dEV/dt| at the crossing, from the two curve points that bracket the threshold (null when the curve does not cross).
    /// </summary>
    public static double? HandOverError(SkipTime skip, double threshold)
    {
        var curve = skip.Curve.OrderBy(p => p.T).ToArray();
        for (int i = 0; i + 1 < curve.Length; i++)
        {
            var (a, b) = (curve[i], curve[i + 1]);
            if ((a.Ev - threshold) * (b.Ev - threshold) > 0 || a.Ev == b.Ev) continue;
            double slope = Math.Abs((b.Ev - a.Ev) / (b.T - a.T));
            double sigma = 0.5 * (a.Stderr + b.Stderr);
            return Math.Min(sigma / slope, b.T - a.T);
        }
        return null;
    }
}
