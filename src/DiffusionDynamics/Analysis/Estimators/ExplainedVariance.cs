using DiffusionDynamics.Random;
using System.Diagnostics;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>A score to compare against the reference, with its name and a description for reports.</summary>
public sealed record ScoreApproximation(string Name, IDenoiser Denoiser, string Description = "");

/// <summary>
/// Explained variance of a reference score s₁ by an approximation s₂ on the noised distribution of a point set
/// (Wang &amp; Vastola, arXiv 2412.09726, 2311.10892; docs/theory.md §5):
/// <code>
///   EV(t) = 1 − E|s₁(x, t) − s₂(x, t)|² / E|s₁(x, t)|²,   x = a^μ e^{−t} + √Δ_t z,  μ uniform,  z ~ N(0, I)
/// </code>
/// Scores through Tweedie, s = (e^{−t} D − x)/Δ_t. Common random numbers: draw i uses stream (seed, i) for μ and z at
/// every t, and every approximation is scored on the same x, so differences between curves are not Monte-Carlo noise.
/// The standard error is the delta-method error of the ratio of means (<see cref="ScoreComparison"/>).
/// Cost: times × samples × (reference + approximations) denoiser calls, batched.
/// </summary>
public static class ExplainedVariance
{
    /// <summary>
    /// EV(t) of every approximation at every time. <paramref name="points"/>: [n, d] (finite) the draws come from (the
    /// training set, or a held-out set). Progress reports batches done out of times × ⌈samples/batch⌉.
    /// Range: t &gt; 0 finite, at least one time and one approximation, all of the reference's d.
    /// </summary>
    public static IReadOnlyList<ExplainedVarianceCurve> Compute(IDenoiser reference, IReadOnlyList<ScoreApproximation> approximations,
        Tensor points, IReadOnlyList<double> times, ExplainedVarianceOptions? options = null, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(approximations);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(times);
        options ??= new ExplainedVarianceOptions();
        options.Validate();
        int d = reference.Dimension;
        if (approximations.Count < 1) throw new ArgumentException("Give at least one approximation.", nameof(approximations));
        foreach (var a in approximations)
            if (a?.Denoiser is null) throw new ArgumentNullException(nameof(approximations), "An approximation or its denoiser is null.");
            else if (a.Denoiser.Dimension != d)
                throw new ArgumentException($"Approximation {a.Name} has d = {a.Denoiser.Dimension}, the reference has d = {d}.", nameof(approximations));
        if (points.dim() != 2 || points.shape[0] < 1 || points.shape[1] != d)
            throw new ArgumentException($"Points must have shape [n ≥ 1, {d}], got [{string.Join(", ", points.shape)}].", nameof(points));
        if (!points.isfinite().all().item<bool>()) throw new ArgumentException("Points contain NaN or infinite values.", nameof(points));
        if (times.Count < 1) throw new ArgumentException("Give at least one time.", nameof(times));
        foreach (double t in times) OuTime.RequirePositive(t, nameof(times));

        var sorted = times.Order().ToArray();
        int batches = (options.Samples + options.Batch - 1) / options.Batch;
        long done = 0, total = (long)sorted.Length * batches;
        var curves = approximations.Select(_ => new List<ExplainedVariancePoint>()).ToArray();
        foreach (double t in sorted)
        {
            using var scope = NewDisposeScope();
            var dens = new List<Tensor>();
            var nums = approximations.Select(_ => new List<Tensor>()).ToArray();
            for (int start = 0; start < options.Samples; start += options.Batch)
            {
                using var batch = NewDisposeScope();
                int size = Math.Min(options.Batch, options.Samples - start);
                var noise = NoiseSource.ForSamples(options.Seed, start, size, d);
                var (x, _) = Start.FromForwardMarginal(points, t, noise);
                var s1 = Score.Evaluate(reference, x, t).to_type(ScalarType.Float64);
                dens.Add(s1.square().sum(1).MoveToOuterDisposeScope());                 // |s₁|² per draw
                for (int j = 0; j < approximations.Count; j++)
                {
                    var s2 = Score.Evaluate(approximations[j].Denoiser, x, t).to_type(ScalarType.Float64);
                    nums[j].Add((s2 - s1).square().sum(1).MoveToOuterDisposeScope());  // |s₁ − s₂|² per draw
                }
                progress?.Report(++done);
            }
            var den = torch.cat(dens, 0);
            double meanSquare = den.mean().item<double>();
            for (int j = 0; j < approximations.Count; j++)
            {
                var (ratio, se) = ScoreComparison.RatioOfMeans(torch.cat(nums[j], 0), den);
                curves[j].Add(new ExplainedVariancePoint(t, 1 - ratio, se, meanSquare));
            }
        }
        return approximations.Select((a, j) => new ExplainedVarianceCurve(a.Name, a.Description, curves[j])).ToArray();
    }

    /// <summary>EV at one time for one approximation (see <see cref="Compute"/>).</summary>
    public static ExplainedVariancePoint At(IDenoiser reference, IDenoiser approximation, Tensor points, double t, ExplainedVarianceOptions? options = null) =>
        Compute(reference, [new ScoreApproximation("approximation", approximation)], points, [t], options)[0].Curve[0];

    /// <summary>
    /// |κ₃|²_F = Σ_ijk κ₃_ijk² of the points' third central moment κ₃_ijk = (1/n) Σ_μ X_μi X_μj X_μk (X = A − ā), through the
    /// Gram matrix G = X Xᵀ: |κ₃|²_F = (1/n²) Σ_μν G_μν³ (O(n²·d), row blocks of 512 so memory stays O(512·n)).
    /// </summary>
    public static double ThirdCumulantNormSquared(Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[0] < 1 || points.shape[1] < 1)
            throw new ArgumentException($"Points must have shape [n ≥ 1, d ≥ 1], got [{string.Join(", ", points.shape)}].", nameof(points));
        using var scope = NewDisposeScope();
        var x = points.to_type(ScalarType.Float64);
        x = x - x.mean([0]);
        long n = x.shape[0];
        double sum = 0;
        for (long start = 0; start < n; start += 512)
        {
            using var block = NewDisposeScope();
            var g = x.narrow(0, start, Math.Min(512, n - start)).mm(x.t());
            sum += g.pow(3).sum().item<double>();
        }
        return sum / ((double)n * n);
    }

    /// <summary>
    /// Large-t asymptote of the unexplained variance of the exact empirical score by its Gaussian approximation
    /// (leading order in θ = e^{−t}; the two denoisers first differ through the data's third cumulant):
    /// <code>
    ///   1 − EV(t) ≈ θ⁶ |κ₃|²_F / (2 Δ_t⁴ E|s₁|²),   E|s₁|² ≈ Σ_k 1/(θ² λ_k + Δ_t) (λ_k: covariance eigenvalues, d of them)
    /// </code>
    /// Relative corrections are O(θ²·moments of the data); derived in the tests (ExplainedVarianceTests) from
    /// D_emp − D_gauss = (θ²/2Δ)(κ₃[z, z] − Σ_j κ₃_·jj) + O(θ³). Range: t &gt; 0; eigenvalues ≥ 0 (missing ones count as 0).
    /// </summary>
    public static double GaussianDeficitAsymptote(double kappa3NormSquared, IReadOnlyList<double> eigenvalues, int dimension, double t)
    {
        OuTime.RequirePositive(t);
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be ≥ 1.");
        if (eigenvalues.Count > dimension) throw new ArgumentException($"{eigenvalues.Count} eigenvalues for d = {dimension}.", nameof(eigenvalues));
        double theta = OuTime.Decay(t), delta = OuTime.Delta(t);
        double fisher = eigenvalues.Sum(l => 1 / (theta * theta * l + delta)) + (dimension - eigenvalues.Count) / delta;
        return Math.Pow(theta, 6) * kappa3NormSquared / (2 * Math.Pow(delta, 4) * fisher);
    }

    /// <summary>
    /// <paramref name="count"/> times log-spaced from <paramref name="from"/> to <paramref name="to"/> (both included):
    /// t_i = from·(to/from)^{i/(count−1)}. Range: 0 &lt; from &lt; to finite, count ≥ 2 (count = 1 with from = to gives [from]).
    /// </summary>
    public static double[] LogSpacedTimes(double from, double to, int count)
    {
        OuTime.RequirePositive(from, nameof(from));
        OuTime.RequirePositive(to, nameof(to));
        if (!double.IsFinite(to)) throw new ArgumentOutOfRangeException(nameof(to), to, "t must be finite.");
        if (count == 1 && from == to) return [from];
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be ≥ 2.");
        if (!(from < to)) throw new ArgumentException($"from = {from} must be smaller than to = {to}.", nameof(from));
        double a = Math.Log(from), b = Math.Log(to);
        return Enumerable.Range(0, count).Select(i => i == 0 ? from : i == count - 1 ? to : Math.Exp(a + (b - a) * i / (count - 1))).ToArray();
    }
}
