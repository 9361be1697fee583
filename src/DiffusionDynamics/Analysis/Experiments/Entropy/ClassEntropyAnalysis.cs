using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Two equally likely classes separated along one direction: ±a (σ = 0) or the two-cluster mixture (docs/theory.md §7.3).</summary>
/// <param name="MeanNorm">|m| (|a| for two points). Range: ≥ 0.</param>
/// <param name="Sigma">Within-class standard deviation σ. Range: ≥ 0.</param>
/// <param name="Label">Description for reports.</param>
public sealed record TwoClassModel(double MeanNorm, double Sigma, string Label);

/// <summary>Inputs of <see cref="ClassEntropyAnalysis.Run"/>.</summary>
/// <param name="Denoiser">D with the <see cref="IClassPosterior"/> capability (and <see cref="IClassConditional"/> for the online and I-MMSE estimators).</param>
/// <param name="Data">The labelled data behind it (priors, t_S, I-MMSE draws).</param>
/// <param name="Model">The closed-form two-class model when it applies (null otherwise).</param>
/// <param name="ClassNames">Names of the labels (index = label), or null.</param>
/// <param name="Priors">Class priors π_c of the denoiser's model in the posterior's class order (null: the data's n_c/n). The online classifier
/// starts from them, so they must be the priors of the exact posterior it is compared with (e.g. ½, ½ for the two-cluster model).</param>
/// <param name="GaussianEigenvalues">Covariance eigenvalues when the data distribution is Gaussian (closed-form state information, §7.7), else null.</param>
public sealed record ClassEntropyInputs(IDenoiser Denoiser, Dataset Data, TwoClassModel? Model = null, IReadOnlyList<string>? ClassNames = null,
    IReadOnlyList<double>? Priors = null, IReadOnlyList<double>? GaussianEigenvalues = null);

/// <summary>
/// When classes are decided along generation (Handke, Koulischer, Raya &amp; Ambrogioni, arXiv 2506.10433; docs/theory.md §7.3–7.6): the
/// class entropy H(Y | X_t) along backward trajectories from three estimators — the exact posterior p(y | x_t) of class-conditional exact
/// scores, the online Bayes classifier (<see cref="OnlineClassPosterior"/>) along the same chains, and the I-MMSE integral
/// I(Y; X_t) = ½ ∫ E‖ε̂(x, y) − ε̂(x)‖² d ln SNR on forward-noised data — with the rate dH/dt, per-class profiles, the variance of the
/// pathwise entropy and the closed form for two classes.
/// </summary>
public static class ClassEntropyAnalysis
{
    /// <summary>Runs the analysis. Throws <see cref="ArgumentException"/> for a denoiser without class posterior or data with fewer than 2 classes.</summary>
    public static ClassEntropyResult Run(ClassEntropyInputs inputs, ClassEntropyOptions options, IProgress<AnalysisProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var (denoiser, data) = (inputs.Denoiser, inputs.Data);
        var posterior = denoiser.As<IClassPosterior>();
        var conditional = denoiser.As<IClassConditional>();
        if (posterior is null && conditional is null)
            throw new ArgumentException("The class entropy needs a denoiser with an exact class posterior (class-conditional exact scores) or class-conditional denoisers D_c.", nameof(inputs));
        if (posterior is null && !options.Online)
            throw new ArgumentException("Without an exact class posterior (trained or imported D and D_c) the class entropy comes from the online Bayes classifier: it cannot be switched off.", nameof(inputs));
        var classes = posterior?.Classes ?? conditional!.Classes;
        int K = classes.Count;
        if (K < 2) throw new ArgumentException($"The class entropy needs ≥ 2 classes (the data have {K}).", nameof(inputs));
        if ((options.Online || options.Immse) && conditional is null)
            throw new ArgumentException("The online and I-MMSE estimators need class-conditional denoisers D_c.", nameof(inputs));
        var priors = inputs.Priors?.ToArray() ?? classes.Select(c => data.CountOf(c) / (double)data.Count).ToArray();
        if (priors.Length != K) throw new ArgumentException($"{priors.Length} priors for {K} classes.", nameof(inputs));
        if (priors.Any(p => !(p > 0))) throw new ArgumentException("Every class of the posterior must occur in the data.", nameof(inputs));
        double priorEntropy = ClassEntropy.Shannon(priors);

        double tS = inputs.Model is { } model ? SpeciationTime.TwoCluster(model.MeanNorm, model.Sigma) : EstimateSpeciation(data);
        double T = options.TMax ?? Math.Max(3.0, tS + 3.0);
        if (!(T > options.TMin)) throw new ArgumentOutOfRangeException(nameof(options), T, $"T = {T} must exceed t_min = {options.TMin}.");
        var grid = TimeGrid.UniformWithLogTail(T, options.TMin, options.Steps, options.TailSteps);
        int N = grid.Steps + 1, S = options.Samples;
        var times = grid.ToArray();
        var h = NewTable(N, S);
        var hOnline = options.Online ? NewTable(N, S) : null;
        var finalClass = new int[S];
        double maxErr = 0, sumErr = 0, finalErr = 0;
        long errCount = 0;
        var trackers = new List<OnlineClassPosterior>();
        var divergence = options.StateInformation ? NewTable(N, S) : null;
        bool exactDivergence = ScoreDivergence.IsExact(denoiser);
        int stripRows = data.IsImage ? Math.Min(options.StripTrajectories, S) : 0;
        var stripImages = stripRows > 0 ? Enumerable.Range(0, N).Select(_ => new float[stripRows][]).ToArray() : null;
        var request = new TrajectoryRequest(options.Sampler) { DdimEta = options.DdimEta, FinalDenoise = false };
        var samples = new SampleBatches(S, options.Batch, options.Seed);
        long total = TrajectoryRunner.TotalSteps(grid, request, samples);
        var handler = new TrajectoryCallbacks
        {
            Observe = batch =>
            {
                OnlineClassPosterior? tracker = null;
                if (options.Online)
                {
                    tracker = new OnlineClassPosterior(denoiser, classes.Select(c => conditional!.ForClass(c)).ToArray(), priors, options.Sampler,
                        normalize: true, options.DdimEta);
                    trackers.Add(tracker);
                }
                return new Observer(step =>
                {
                    using var scope = NewDisposeScope();
                    Tensor? logOnline = null;
                    if (tracker is not null)
                    {
                        var dcs = classes.Select(c => conditional!.ForClass(c).Denoise(step.X, step.T)).ToArray();
                        logOnline = tracker.Update(step.X, step.T, step.Denoised, dcs);
                    }
                    // The exact posterior where it exists, else the online one (trained or imported D, D_c).
                    var logP = posterior is not null ? posterior.LogClassPosterior(step.X, step.T).to_type(ScalarType.Float64) : logOnline!;
                    var p = logP.exp();
                    var entropy = Entropy(p, logP).data<double>().ToArray();
                    for (int b = 0; b < batch.Count; b++) h[step.Index][batch.FirstId + b] = entropy[b];
                    if (step.IsFinal)
                    {
                        var arg = p.argmax(1).data<long>().ToArray();
                        for (int b = 0; b < batch.Count; b++) finalClass[batch.FirstId + b] = (int)arg[b];
                    }
                    if (logOnline is not null)
                    {
                        var pOnline = logOnline.exp();
                        var online = Entropy(pOnline, logOnline).data<double>().ToArray();
                        for (int b = 0; b < batch.Count; b++) hOnline![step.Index][batch.FirstId + b] = online[b];
                        if (posterior is not null)
                        {
                            var err = (pOnline - p).abs().amax(1).data<double>().ToArray();
                            foreach (var e in err) { maxErr = Math.Max(maxErr, e); sumErr += e; errCount++; }
                            if (step.IsFinal) finalErr += err.Sum();
                        }
                    }
                    if (divergence is not null)
                    {
                        var div = ScoreDivergence.Evaluate(denoiser, step.X, step.T, options.Probes, options.Seed ^ (0x5D1EL + 7919L * step.Index), batch.FirstId)
                            .data<double>().ToArray();
                        for (int b = 0; b < batch.Count; b++) divergence[step.Index][batch.FirstId + b] = div[b];
                    }
                    for (int b = 0; stripImages is not null && b < batch.Count && batch.FirstId + b < stripRows; b++)
                        stripImages[step.Index][batch.FirstId + b] = step.Denoised[b].to_type(ScalarType.Float32).data<float>().ToArray();
                });
            },
        };
        try
        {
            TrajectoryRunner.RunBatches(denoiser, request, grid, samples, handler, AnalysisProgress.Relay(progress, "trajectories", total), ct);
        }
        finally
        {
            foreach (var t in trackers) t.Dispose();
        }

        double[]? immse = options.Immse ? Immse(denoiser, conditional!, data, classes, times, priorEntropy, options, progress, ct) : null;

        // Curve: means, standard errors and per-trajectory central differences dH/dt.
        var curve = new EntropyPoint[N];
        var rateLogSnr = new double[N];
        var rateLogSnrErr = new double[N];
        var theoryRate = new double?[N];
        var variance = new double[N];
        var onlineErr = new double[N];
        var rates = PathwiseRates(h, times);
        for (int k = 0; k < N; k++)
        {
            var (mean, se, var) = Moments(h[k]);
            var (rate, rateSe, _) = Moments(rates[k]);
            double? theory = inputs.Model is { } m ? ClassEntropy.Entropy(times[k], m.MeanNorm, m.Sigma) : null;
            theoryRate[k] = inputs.Model is { } m2 ? ClassEntropy.Rate(times[k], m2.MeanNorm, m2.Sigma) : null;
            double? online = null;
            if (hOnline is not null)
            {
                var (mo, so, _) = Moments(hOnline[k]);
                online = mo;
                onlineErr[k] = so;
            }
            curve[k] = new EntropyPoint(times[k], mean, se, rate, rateSe, theory, online, immse?[k]);
            rateLogSnr[k] = ClassEntropy.ToPerLogSnr(rate, times[k]);
            rateLogSnrErr[k] = ClassEntropy.ToPerLogSnr(rateSe, times[k]);
            variance[k] = var;
        }
        int peak = ArgMax(curve.Select(c => c.Rate).ToArray());
        double? theoryPeak = inputs.Model is { } mm ? TheoryPeak(mm, options.TMin, T) : null;
        int varPeak = ArgMax(variance);

        var perClass = new List<ClassEntropyProfile>();
        for (int c = 0; c < K; c++)
        {
            var members = Enumerable.Range(0, S).Where(s => finalClass[s] == c).ToArray();
            if (members.Length == 0) continue;
            var hc = h.Select(row => members.Average(s => row[s])).ToArray();
            var rc = rates.Select(row => members.Average(s => row[s])).ToArray();
            int pc = ArgMax(rc);
            int label = classes[c];
            string? name = inputs.ClassNames is { } names && label >= 0 && label < names.Count ? names[label] : null;
            perClass.Add(new ClassEntropyProfile(label, name, members.Length, hc, rc, times[pc], rc[pc]));
        }
        var tracking = options.Online && errCount > 0 ? new OnlineTracking(maxErr, sumErr / errCount, finalErr / S) : null;
        var state = divergence is null ? null : StateCurve(divergence, times, data, inputs, exactDivergence ? 0 : options.Probes);
        SymmetryBreakingTime? symmetry = null;
        if (options.Symmetry)
        {
            ct.ThrowIfCancellationRequested();
            // A closed-form model is symmetric about the origin; otherwise the centre is the data mean, as for t_S.
            var twoCluster = inputs.Model is { } m3 ? new TwoClusterModel(m3.MeanNorm * m3.MeanNorm, m3.Sigma, m3.Label) : null;
            var sym = SymmetryBreakingAnalysis.Run(denoiser, data, new SymmetryBreakingOptions(TMin: Math.Max(options.TMin, 0.02), TMax: T, Times: 40, Directions: 1,
                Eigenvalues: 2, BracketPoints: 40, PotentialTimes: 0, Centre: twoCluster is null ? CentreChoice.DataMean : CentreChoice.Origin), twoCluster, "class-entropy denoiser", progress);
            symmetry = new SymmetryBreakingTime(sym.CriticalTime, sym.CriticalTimeClosedForm, sym.Method == JacobianMethod.Dense ? "dense Jacobian" : "projected Jacobian (top principal directions)", sym.Note, sym.CriticalTimeAtCentre);
        }
        EntropyStrip? strip = null;
        if (stripImages is not null)
        {
            var columns = new List<(int Index, string Label)> { (peak, "peak") };
            foreach (var c in perClass.OrderByDescending(c => c.PeakT))
                columns.Add((Array.IndexOf(times, c.PeakT), c.Name ?? c.Label.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            columns.Add((N - 1, "end"));
            var images = new List<float[]>();
            for (int row = 0; row < stripRows; row++) images.AddRange(columns.Select(col => stripImages[col.Index][row]));
            strip = new EntropyStrip(columns.Select(c => times[c.Index]).ToArray(), columns.Select(c => c.Label).ToArray(), stripRows, images, data.ItemShape);
        }
        return new ClassEntropyResult("OU time t (dx = -x dt + sqrt(2) dW; Delta_t = 1 - exp(-2t))", curve, new EntropyPeak(times[peak], curve[peak].Rate, theoryPeak),
            perClass, tS, times[varPeak], priorEntropy, new EntropyExtras(rateLogSnr, rateLogSnrErr, theoryRate, variance, onlineErr), tracking,
            data.Name, data.Count, data.Dimension, K, OptionTokens.Of(options.Sampler), S, grid.Steps, inputs.Model?.Label, clock.Elapsed.TotalSeconds)
        {
            Estimator = posterior is null ? "online Bayes" : "exact posterior",
            StateInformation = state,
            SymmetryBreaking = symmetry,
            Strip = strip,
        };
    }

    /// <summary>
    /// The state-information curve (docs/theory.md §7.7): rate = d/Δ_t + E ∇·s per grid time, and I(X₀; X_t) by the trapezoid rule from T down plus
    /// the tail ½ snr_T tr Cov(a) (first order in the small snr_T above T; exact for Gaussian data to O(snr_T²)).
    /// </summary>
    private static StateInformationCurve StateCurve(double[][] divergence, double[] times, Dataset data, ClassEntropyInputs inputs, int probes)
    {
        int n = times.Length, d = data.Dimension;
        double traceCov;
        using (var a = data.ToTensor(ScalarType.Float64)) traceCov = data.Count > 1 ? a.var(0L).sum().item<double>() : 0;
        var eigen = inputs.GaussianEigenvalues;
        string? label = eigen is not null ? "Gaussian data" : inputs.Model?.Label;
        var points = new StatePoint[n];
        double info = 0;
        for (int k = 0; k < n; k++)
        {
            var (mean, se, _) = Moments(divergence[k]);
            double t = times[k], rate = d / OuTime.Delta(t) + mean;
            info = k == 0 ? 0.5 * Math.Exp(-2 * t) / OuTime.Delta(t) * (eigen?.Sum() ?? traceCov)
                          : info + 0.5 * (points[k - 1].Rate + rate) * (times[k - 1] - t);
            double? theory = eigen is not null ? StateInformation.GaussianRate(t, eigen)
                : inputs.Model is { } m ? StateInformation.TwoClusterRate(t, m.MeanNorm, m.Sigma, d) : null;
            double? theoryInfo = eigen is not null ? StateInformation.GaussianInformation(t, eigen) : null;
            points[k] = new StatePoint(t, mean, se, rate, se, theory, info, theoryInfo);
        }
        string method = probes == 0 ? "exact (posterior covariance)" : $"Hutchinson, {probes} Rademacher probes, central finite differences";
        return new StateInformationCurve(method, probes, points, label);
    }

    /// <summary>
    /// H(Y | X_t) = H(Y) − I(Y; X_t) with I(Y; X_t) = ½ ∫_0^{SNR_t} E‖D_y − D‖² dSNR = ∫_t^∞ e^{−2s}/Δ_s² E‖D_y(x_s) − D(x_s)‖² ds (I-MMSE, docs/theory.md §7.5),
    /// the expectation over (a, y) from the data and x_s = e^{−s} a + √Δ_s z, by the trapezoid rule on the grid, plus ½ SNR_T E‖·‖²(T) for (T, ∞).
    /// times: descending grid. Returns H per grid time.
    /// </summary>
    public static double[] Immse(IDenoiser denoiser, IClassConditional conditional, Dataset data, IReadOnlyList<int> classes, double[] times, double priorEntropy,
        ClassEntropyOptions options, IProgress<AnalysisProgress>? progress = null, CancellationToken ct = default)
    {
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels.", nameof(data));
        int M = options.ImmseSamples, d = data.Dimension;
        var index = NoiseSource.ForSamples(options.Seed ^ 0x1A3D5E7L, 0, M, d).NextIndices(data.Count);
        using var all = data.ToTensor(ScalarType.Float64);
        using var idx = torch.tensor(index);
        using var a = all.index_select(0, idx);
        var labels = index.Select(i => data.Labels[i]).ToArray();
        var rowsOf = classes.Select(c => Enumerable.Range(0, M).Where(i => labels[i] == c).Select(i => (long)i).ToArray()).ToArray();
        var integrand = new double[times.Length];
        var relay = AnalysisProgress.Relay(progress, "I-MMSE", times.Length);
        for (int k = 0; k < times.Length; k++)
        {
            ct.ThrowIfCancellationRequested();
            relay?.Report(k);
            using var scope = NewDisposeScope();
            double t = times[k];
            var z = NoiseSource.ForSamples(options.Seed ^ 0x1A3D5E7L, (long)k * M + M, M, d).Next(ScalarType.Float64);
            var x = a * OuTime.Decay(t) + z * Math.Sqrt(OuTime.Delta(t));
            var xIn = x.to_type(denoiser.Precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64);
            var dAll = denoiser.Denoise(xIn, t).to_type(ScalarType.Float64);
            double sum = 0;
            for (int c = 0; c < classes.Count; c++)
            {
                if (rowsOf[c].Length == 0) continue;
                var rows = torch.tensor(rowsOf[c]);
                var dc = conditional.ForClass(classes[c]).Denoise(xIn.index_select(0, rows), t).to_type(ScalarType.Float64);
                sum += (dc - dAll.index_select(0, rows)).square().sum().item<double>();
            }
            integrand[k] = sum / M;                                    // E‖D_y − D‖² at t
        }
        relay?.Report(times.Length);
        var result = new double[times.Length];
        double snrT = Math.Exp(-2 * times[0]) / OuTime.Delta(times[0]);
        double info = 0.5 * snrT * integrand[0];
        result[0] = Math.Max(0, priorEntropy - info);
        for (int k = 1; k < times.Length; k++)
        {
            double f0 = Weight(times[k - 1]) * integrand[k - 1], f1 = Weight(times[k]) * integrand[k];
            info += 0.5 * (f0 + f1) * (times[k - 1] - times[k]);
            result[k] = priorEntropy - info;
        }
        return result;

        static double Weight(double s) => Math.Exp(-2 * s) / (OuTime.Delta(s) * OuTime.Delta(s));
    }

    private static double EstimateSpeciation(Dataset data)
    {
        using var x = data.ToTensor(ScalarType.Float64);
        return SpeciationTime.Estimate(x).Time;
    }

    private static double TheoryPeak(TwoClassModel m, double tMin, double tMax)
    {
        double best = tMin, bestRate = double.NegativeInfinity;
        for (int i = 0; i <= 2000; i++)
        {
            double t = tMin + (tMax - tMin) * i / 2000.0;
            double r = ClassEntropy.Rate(t, m.MeanNorm, m.Sigma);
            if (r > bestRate) (best, bestRate) = (t, r);
        }
        return best;
    }

    private static Tensor Entropy(Tensor p, Tensor logP) => -(p * logP.nan_to_num(0, 0, 0)).sum(1);

    private static double[][] NewTable(int rows, int columns) => Enumerable.Range(0, rows).Select(_ => new double[columns]).ToArray();

    /// <summary>
    /// Per trajectory dH/dt by central differences over ±w grid points, w = ⌈N/40⌉ (the pathwise entropy carries the chain's noise at every
    /// step; a stencil of ~1/20 of the grid keeps the peak readable), one-sided at the ends, on the (descending) grid.
    /// </summary>
    private static double[][] PathwiseRates(double[][] h, double[] t)
    {
        int n = t.Length, s = h[0].Length, w = Math.Max(1, (int)Math.Ceiling(n / 40.0));
        var rates = NewTable(n, s);
        for (int k = 0; k < n; k++)
        {
            int lo = Math.Max(0, k - w), hi = Math.Min(n - 1, k + w);
            double dt = t[lo] - t[hi];
            for (int j = 0; j < s; j++) rates[k][j] = (h[lo][j] - h[hi][j]) / dt;
        }
        return rates;
    }

    private static (double Mean, double Stderr, double Variance) Moments(double[] v)
    {
        double mean = v.Average();
        double var = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        return (mean, Math.Sqrt(var / v.Length), var);
    }

    private static int ArgMax(double[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private sealed class Observer(Action<StepRecord> onStep) : IStepObserver
    {
        public void OnStep(in StepRecord step) => onStep(step);
    }
}
