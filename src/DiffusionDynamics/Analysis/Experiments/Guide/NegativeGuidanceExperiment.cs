using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Inputs of <see cref="NegativeGuidanceExperiment.Run"/>.</summary>
/// <param name="Denoiser">D with the <see cref="IClassConditional"/> capability (D_c of the forbidden class); <see cref="IClassPosterior"/> gives the tracking check.</param>
/// <param name="Data">The labelled data of the denoiser (class proportions of the target).</param>
/// <param name="HeldOut">Labelled data held apart from <paramref name="Data"/>: trains the classifier, and its kept classes are the Fréchet reference.</param>
/// <param name="Priors">Priors π_c in the order of the data's classes (null: the data's n_c/n).</param>
/// <param name="ClassNames">Names of the labels (index = label), or null.</param>
public sealed record NegativeGuidanceInputs(IDenoiser Denoiser, Dataset Data, Dataset HeldOut, IReadOnlyList<double>? Priors = null, IReadOnlyList<string>? ClassNames = null);

/// <summary>
/// Dynamic negative guidance against static negative prompting and unguided sampling, with the same per-sample noise in every mode so each
/// guided sample has its unguided twin (Koulischer et al., ICLR 2025, arXiv 2410.14398; docs/theory.md §7.7–7.8). Guidance is the
/// <see cref="NegativeGuidance"/> decorator; p comes from <see cref="OnlineClassPosterior"/> (dynamic) or the constant ½ (static).
/// </summary>
public static class NegativeGuidanceExperiment
{
    /// <summary>Runs every mode. Throws <see cref="ArgumentException"/> for an absent forbidden class, one-class data or a denoiser without D_c.</summary>
    public static NegativeGuidanceResult Run(NegativeGuidanceInputs inputs, NegativeGuidanceOptions options, IProgress<AnalysisProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var (denoiser, data) = (inputs.Denoiser, inputs.Data);
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels.", nameof(inputs));
        var classes = data.Classes();
        if (classes.Length < 2) throw new ArgumentException($"{data.Name} has one class only: nothing is left once it is removed.", nameof(inputs));
        int forbiddenIndex = Array.IndexOf(classes, options.Forbidden);
        if (forbiddenIndex < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Forbidden, $"The forbidden class {options.Forbidden} is absent from {data.Name} (classes present: {string.Join(", ", classes)}).");
        var conditional = denoiser.As<IClassConditional>()
            ?? throw new ArgumentException("Negative guidance needs the forbidden class's denoiser D_c (class-conditional scores).", nameof(inputs));
        var forbiddenDenoiser = conditional.ForClass(options.Forbidden);
        var posterior = denoiser.As<IClassPosterior>();
        var priors = inputs.Priors?.ToArray() ?? classes.Select(c => data.CountOf(c) / (double)data.Count).ToArray();
        double prior = options.Prior ?? priors[forbiddenIndex];
        var target = priors.Select((p, k) => k == forbiddenIndex ? 0 : p / (1 - priors[forbiddenIndex])).ToArray();

        // The classifier, held apart from the guidance data.
        if (inputs.HeldOut.Labels is null || !inputs.HeldOut.Classes().SequenceEqual(classes))
            throw new ArgumentException($"The held-out data must carry the same classes ({string.Join(", ", classes)}).", nameof(inputs));
        using var classifier = LogisticClassifier.Train(inputs.HeldOut);
        double accuracy = classifier.Accuracy(data);
        using var reference = inputs.HeldOut.FilterClasses(classes.Where(c => c != options.Forbidden).ToArray()).ToTensor(ScalarType.Float64);

        double T = options.TMax ?? 5.0;
        var grid = TimeGrid.UniformWithLogTail(T, options.TMin, options.Steps, options.TailSteps);
        var request = new TrajectoryRequest(options.Sampler) { DdimEta = options.DdimEta };
        var samples = new SampleBatches(options.Samples, options.Batch, options.Seed);
        var runs = new List<(string Mode, double Lambda)> { ("none", 0) };
        foreach (var l in options.Lambdas) { runs.Add(("static", l)); runs.Add(("dynamic", l)); }
        long perRun = TrajectoryRunner.TotalSteps(grid, request, samples);
        var histograms = new Dictionary<string, int[]>();
        var modes = new List<GuidanceMode>();
        GuidanceTracking? tracking = null;
        TrackingCurve? curve = null;
        Tensor? twins = null;
        int[]? twinClasses = null;
        try
        {
            for (int r = 0; r < runs.Count; r++)
            {
                var (mode, lambda) = runs[r];
                bool main = mode == "dynamic" && lambda == options.Lambda;
                using var online = mode == "dynamic"
                    ? new OnlineClassPosterior(denoiser, [forbiddenDenoiser], [prior], options.Sampler, normalize: false, options.DdimEta,
                        options.Temperature, options.Offset, options.PMin, options.PMax)
                    : null;
                IForbiddenClassProbability? source = mode == "static" ? new ConstantForbiddenProbability(0.5) : online;
                var guided = source is null ? null : new NegativeGuidance(denoiser, forbiddenDenoiser, source, lambda, options.PMin, options.PMax);
                var finals = new Tensor[samples.Batches];
                var tracked = new double[grid.Steps + 1];
                var exact = new double[grid.Steps + 1];
                double maxErr = 0, sumErr = 0;
                long count = 0;
                var handler = new TrajectoryCallbacks
                {
                    Observe = batch => main && posterior is not null ? new Probe(step =>
                    {
                        using var scope = NewDisposeScope();
                        var pExact = posterior.LogClassPosterior(step.X, step.T).select(1, forbiddenIndex).exp().clamp(options.PMin, options.PMax).data<double>().ToArray();
                        var pTracked = guided!.LastProbability!;
                        for (int b = 0; b < batch.Count; b++)
                        {
                            double e = Math.Abs(pTracked[b] - pExact[b]);
                            maxErr = Math.Max(maxErr, e); sumErr += e; count++;
                            tracked[step.Index] += pTracked[b] / options.Samples;
                            exact[step.Index] += pExact[b] / options.Samples;
                        }
                    }) : null,
                    OnFinal = (batch, final) => finals[batch.FirstId / options.Batch] = final.to_type(ScalarType.Float64).clone().DetachFromDisposeScope(),
                };
                TrajectoryRunner.RunBatches((IDenoiser?)guided ?? denoiser, request, grid, samples, handler,
                    AnalysisProgress.Relay(progress, "sampling (none, static and dynamic at each λ)", perRun * runs.Count, perRun * r), ct);
                using var x = torch.cat(finals, 0);
                foreach (var f in finals) f.Dispose();
                var predicted = classifier.Predict(x.to_type(ScalarType.Float32));
                var histogram = classes.Select(c => predicted.Count(p => p == c)).ToArray();
                histograms[$"{mode}:{lambda.ToString(System.Globalization.CultureInfo.InvariantCulture)}"] = histogram;
                double share = histogram[forbiddenIndex] / (double)options.Samples;
                double collateral = 0;
                if (twins is null) { twins = x.clone().DetachFromDisposeScope(); twinClasses = predicted; }
                else
                {
                    var keep = Enumerable.Range(0, options.Samples).Where(i => twinClasses![i] != options.Forbidden).Select(i => (long)i).ToArray();
                    if (keep.Length > 0)
                    {
                        using var idx = torch.tensor(keep);
                        using var dist = (x.index_select(0, idx) - twins.index_select(0, idx)).square().sum(1).sqrt();
                        collateral = dist.mean().item<double>();
                    }
                }
                double frechet = FrechetDistance.Between(x, reference);
                modes.Add(new GuidanceMode(mode, lambda, share, Math.Sqrt(Math.Max(share * (1 - share), 1.0 / options.Samples) / options.Samples),
                    KlToTarget(histogram, target, forbiddenIndex), frechet, collateral));
                if (main && count > 0)
                {
                    tracking = new GuidanceTracking(maxErr, sumErr / count);
                    curve = new TrackingCurve(grid.ToArray(), tracked, exact);
                }
            }
        }
        finally
        {
            twins?.Dispose();
        }
        string? name = inputs.ClassNames is { } n && options.Forbidden >= 0 && options.Forbidden < n.Count ? n[options.Forbidden] : null;
        return new NegativeGuidanceResult(modes, tracking, accuracy, options.Forbidden, name, classes, histograms, target, curve,
            data.Name, data.Count, data.Dimension, OptionTokens.Of(options.Sampler), options.Samples, grid.Steps, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// KL(h ‖ q) in nats of the generated kept-class histogram h to the target q (kept classes in their data proportions). The forbidden class is
    /// left out (its share is reported separately) and h is renormalized over the kept classes with Jeffreys smoothing (counts + ½), so a kept
    /// class that never appears contributes a finite amount instead of making the divergence infinite.
    /// </summary>
    public static double KlToTarget(int[] histogram, double[] target, int forbiddenIndex)
    {
        var kept = Enumerable.Range(0, histogram.Length).Where(k => k != forbiddenIndex).ToArray();
        double total = kept.Sum(k => histogram[k] + 0.5);
        return kept.Sum(k => { double h = (histogram[k] + 0.5) / total; return h * Math.Log(h / target[k]); });
    }

    private sealed class Probe(Action<StepRecord> onStep) : IStepObserver
    {
        public void OnStep(in StepRecord step) => onStep(step);
    }
}
