using System.Diagnostics;
using System.Globalization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Generalization through variance (Vastola, ICLR 2025, arXiv 2504.12532; docs/theory.md §8.1–8.3): where and when the DSM target is
/// noisy, for any data, with the exact posterior of the empirical score; and the gap filling of linear-feature score models fitted in
/// closed form and sampled by the probability-flow ODE, against the exact score.
/// </summary>
public static class VarianceExperiment
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The 1-D data of the paper's sweep, {−1, 0, 1}.</summary>
    public static Dataset PaperPoints => new PointsSpec([-1, 0, 1]).Generate().Data;

    /// <summary>Runs the maps or curves for <paramref name="data"/>, then the gap-filling sweeps of <paramref name="options"/>.</summary>
    /// <param name="network">A trained network of the same data (e.g. a small MLP from <c>diffdyn train</c>), whose fill is measured at every cutoff; not disposed here.</param>
    /// <param name="networkName">How the report names it.</param>
    public static VarianceResult Run(Dataset data, VarianceOptions options, IProgress<AnalysisProgress>? progress = null, CancellationToken ct = default,
        IDenoiser? network = null, string? networkName = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.Count < 2) throw new ArgumentException($"The variance analysis needs n ≥ 2 training points (got n = {data.Count}).", nameof(data));
        var clock = Stopwatch.StartNew();
        var notes = new List<string>();
        int d = data.Dimension;
        using var exact = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        using var a = data.ToTensor(ScalarType.Float64);
        var points = GapFilling.Rows(a);

        var maps = new List<VarianceMap>();
        if (d <= 2)
            foreach (var (t, i) in options.MapTimes.Select((t, i) => (t, i)))
            {
                progress?.Report(new AnalysisProgress("ratio maps", i, options.MapTimes.Length));
                ct.ThrowIfCancellationRequested();
                maps.Add(Map(exact, points, t, options));
            }
        var curves = Curves(exact, a, options, progress, ct);

        var fill = new List<FillPoint>();
        double lo = points.Min(p => p.Min()) - 1, hi = points.Max(p => p.Max()) + 1, radius = GapFilling.GapRadius(points);
        if (options.Fill && d == 1)
            fill.AddRange(OneDimensionalSweep(exact, a, options, lo, hi, progress, ct));
        else if (options.Fill)
            notes.Add($"The P and ε sweep of linear-feature models runs on 1-D data (the paper's {{−1, 0, 1}}); these data have d = {d}.");
        if (network is not null)
        {
            if (network.Dimension != d) throw new ArgumentException($"The network has d = {network.Dimension}, the data d = {d}.", nameof(network));
            foreach (var (e, i) in options.CutoffsOrDefault.Select((e, i) => (e, i)))
            {
                progress?.Report(new AnalysisProgress("trained network", i, options.CutoffsOrDefault.Length));
                var g = GapFilling.Single(network, a, options.TMax, e, SingleCount(options), options.SamplingSteps, lo, hi, options.Bins, options.Seed, ct);
                fill.Add(new FillPoint($"trained network ({networkName ?? "model"})", null, 0, 0, e, 0, g.Mass, g.StandardError, g.Density, 1));
            }
        }
        var circlePoints = new Dictionary<string, double[][]>();
        if (options.Circle) fill.AddRange(CircleSetting(options, circlePoints, progress, ct));
        if (network is null) notes.Add("No trained network given: the neural-network comparison needs a model of the same data (diffdyn train).");
        return new VarianceResult("OU time t", data.Name, data.Count, d, d <= 2 ? points : [], maps, curves, fill, radius, [lo, hi, options.Bins],
            [-2, 2, options.Bins], circlePoints, notes, clock.Elapsed.TotalSeconds);
    }

    /// <summary>tr C, |s|² and the ratio on a grid over the data's range ± margin (d = 1 or 2).</summary>
    public static VarianceMap Map(IPosteriorWeights exact, double[][] points, double t, VarianceOptions o)
    {
        int d = points[0].Length, g = o.GridPoints;
        var axes = Enumerable.Range(0, d).Select(c =>
        {
            double lo = points.Min(p => p[c]) - o.Margin, hi = points.Max(p => p[c]) + o.Margin;
            return Enumerable.Range(0, g).Select(i => lo + (hi - lo) * i / (g - 1)).ToArray();
        }).ToArray();
        var grid = d == 1 ? axes[0] : axes[0].SelectMany(x => axes[1].SelectMany(y => new[] { x, y })).ToArray();
        using var x = tensor(grid, [grid.Length / d, d], ScalarType.Float64);
        var (trace, s2, ratio) = DsmTargetVariance.Evaluate(exact, x, t);
        return new VarianceMap(t, axes, ratio, trace, s2);
    }

    /// <summary>Mean ratio against t at noised training points, noised midpoints of random pairs, and along PF-ODE trajectories of the exact score.</summary>
    public static List<VarianceCurve> Curves(IPosteriorWeights exact, Tensor a, VarianceOptions o, IProgress<AnalysisProgress>? progress, CancellationToken ct)
    {
        int n = (int)a.shape[0], d = (int)a.shape[1], m = o.Points, k = o.CurveTimes;
        var times = Enumerable.Range(0, k).Select(i => Math.Exp(Math.Log(3.0) + (Math.Log(0.01) - Math.Log(3.0)) * i / (k - 1))).ToArray();  // descending
        var rng = Xoshiro.ForStream(o.Seed, 1);
        var first = Enumerable.Range(0, m).Select(i => (long)(i % n)).ToArray();
        var second = first.Select(mu => (mu + 1 + (long)(rng.NextDouble() * (n - 1))) % n).ToArray();
        var curves = new List<VarianceCurve>();
        using (var scope = NewDisposeScope())
        {
            var at = a.index_select(0, tensor(first));
            var mid = (at + a.index_select(0, tensor(second))) * 0.5;
            foreach (var (where, centres) in new[] { ("noised training points", at), ("noised midpoints of two training points", mid) })
            {
                var mean = new double[k];
                var se = new double[k];
                for (int i = 0; i < k; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(new AnalysisProgress("ratio curves", i + (where.StartsWith("noised t") ? 0 : k), 3L * k));
                    var z = Start.FromNoise(NoiseSource.ForSamples(o.Seed + 17 * (i + 1), 0, m, d), ScalarType.Float64);
                    var x = centres * OuTime.Decay(times[i]) + z * Math.Sqrt(OuTime.Delta(times[i]));
                    (mean[i], se[i]) = MeanAndError(DsmTargetVariance.Evaluate(exact, x, times[i]).Ratio);
                }
                curves.Add(new VarianceCurve(where, times, mean, se));
            }
        }
        // Along probability-flow trajectories of the exact score: the trajectory runner with an observer at every grid time.
        var observer = new RatioObserver(exact);
        using (var scope = NewDisposeScope())
        {
            var x0 = Start.FromNoise(NoiseSource.ForSamples(o.Seed, 0, m, d), ScalarType.Float64);
            TrajectoryRunner.Run(exact, new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, TimeGrid.FromTimes(times), x0,
                observer: observer, progress: progress is null ? null : new InlineProgress<long>(s => progress.Report(new AnalysisProgress("ratio curves", 2L * k + s, 3L * k))),
                cancellationToken: ct);
        }
        curves.Add(new VarianceCurve("along probability-flow trajectories", observer.Times.ToArray(), observer.Mean.ToArray(), observer.Error.ToArray()));
        return curves;
    }

    private static (double Mean, double Error) MeanAndError(double[] v)
    {
        double mean = v.Average();
        return (mean, v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1) / v.Length) : 0);
    }

    private static IEnumerable<FillPoint> OneDimensionalSweep(IPosteriorWeights exact, Tensor a, VarianceOptions o, double lo, double hi,
        IProgress<AnalysisProgress>? progress, CancellationToken ct)
    {
        var ps = o.SampleCountsOrDefault;
        var eps = o.CutoffsOrDefault;
        int pMid = ps[ps.Length / 2];
        double eMid = eps[eps.Length / 2];
        var settings = ps.Select(p => ("1-D F/P sweep", p, eMid)).Concat(eps.Where(e => e != eMid).Select(e => ("1-D cutoff sweep", pMid, e))).ToList();
        long total = (long)settings.Count * o.Models + eps.Length, done = 0;
        foreach (var (name, p, e) in settings)
        {
            var map = new FeatureMap(o.Features, o.PerCoordinate, o.TimeBumps, lo, hi, e, o.TMax);
            long offset = done;
            var g = GapFilling.LinearModels(a, map, p, o.Models, o.SamplesPerModel, o.SamplingSteps, o.Ridge, lo, hi, o.Bins, o.Seed + 1000 * p + (long)(e * 1e6),
                progress is null ? null : new InlineProgress<long>(m => progress.Report(new AnalysisProgress("gap filling (1-D)", offset + m, total))), ct);
            done += o.Models;
            yield return new FillPoint(name, o.Features, map.Count(1), p, e, 0, g.Mass, g.StandardError, g.Density, o.Models);
        }
        foreach (var e in eps)
        {
            progress?.Report(new AnalysisProgress("gap filling (1-D)", done++, total));
            var g = GapFilling.Single(exact, a, o.TMax, e, SingleCount(o), o.SamplingSteps, lo, hi, o.Bins, o.Seed, ct);
            yield return new FillPoint("exact empirical score", null, 0, 0, e, 0, g.Mass, g.Stderr(), g.Density, 1);
        }
        progress?.Report(new AnalysisProgress("gap filling (1-D)", total, total));
    }

    private static double Stderr(this GeneratedDensity g) => g.StandardError;

    /// <summary>Samples of one model (exact score, trained network): M × per-model, at most 4000 (binomial SE ≤ 0.008).</summary>
    private static int SingleCount(VarianceOptions o) => Math.Min(o.Models * o.SamplesPerModel, 4000);

    private static IEnumerable<FillPoint> CircleSetting(VarianceOptions o, Dictionary<string, double[][]> pointsOut, IProgress<AnalysisProgress>? progress, CancellationToken ct)
    {
        var rotations = new[] { 0, Math.PI / 8, Math.PI / 4 };
        var kinds = new[] { FeatureKind.Gaussian, FeatureKind.Fourier };
        long total = rotations.Length * (kinds.Length * (long)o.Models + 1), done = 0;
        foreach (double theta in rotations)
        {
            var pts = Enumerable.Range(0, 4).Select(k => new[] { Math.Cos(theta + k * Math.PI / 2), Math.Sin(theta + k * Math.PI / 2) }).ToArray();
            string label = string.Create(Inv, $"θ = {theta * 180 / Math.PI:G3}°");
            pointsOut[label] = pts;
            using var a = tensor(pts.SelectMany(p => p).ToArray(), [4L, 2], ScalarType.Float64);
            foreach (var kind in kinds)
            {
                var map = new FeatureMap(kind, o.CirclePerCoordinate, o.TimeBumps, -2.5, 2.5, o.CircleCutoff, o.TMax);
                long offset = done;
                var g = GapFilling.LinearModels(a, map, o.CircleSamples, o.Models, o.SamplesPerModel, o.SamplingSteps, o.Ridge, -2, 2, o.Bins, o.Seed + 7 + (long)(theta * 1000),
                    progress is null ? null : new InlineProgress<long>(m => progress.Report(new AnalysisProgress("gap filling (circle)", offset + m, total))), ct);
                done += o.Models;
                yield return new FillPoint($"circle {label}", kind, map.Count(2), o.CircleSamples, o.CircleCutoff, theta, g.Mass, g.StandardError, g.Density, o.Models);
            }
            var data = new Dataset(pts.SelectMany(p => p.Select(v => (float)v)).ToArray(), 4, 2);
            using var exact = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
            var ge = GapFilling.Single(exact, a, o.TMax, o.CircleCutoff, SingleCount(o), o.SamplingSteps, -2, 2, o.Bins, o.Seed, ct);
            progress?.Report(new AnalysisProgress("gap filling (circle)", ++done, total));
            yield return new FillPoint($"circle {label}", null, 0, 0, o.CircleCutoff, theta, ge.Mass, ge.StandardError, ge.Density, 1);
        }
    }

    /// <summary>Mean ratio over the batch at every grid time of a trajectory run.</summary>
    private sealed class RatioObserver(IPosteriorWeights exact) : IStepObserver
    {
        public List<double> Times { get; } = [];
        public List<double> Mean { get; } = [];
        public List<double> Error { get; } = [];

        public void OnStep(in StepRecord step)
        {
            var (mean, se) = MeanAndError(DsmTargetVariance.Evaluate(exact, step.X, step.T).Ratio);
            Times.Add(step.T);
            Mean.Add(mean);
            Error.Add(se);
        }
    }
}
