using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Options of <see cref="ExcessEntropyEstimator.Estimate"/>.</summary>
/// <param name="SamplesPerTime">Monte-Carlo draws x ~ P_t^e per time. Range: ≥ 2.</param>
/// <param name="Seed">Run seed; draw i at time t uses the stream (Mix(Seed, bits of t), i), so a point depends
/// neither on the batch size nor on the other times of the grid.</param>
/// <param name="Batch">Draws evaluated per call of the log-density (results do not depend on it). Range: ≥ 1.</param>
/// <param name="TrainingSetSize">
/// n in α = ln n / d. Default (null): n = N, the number of points of the density, which gives the excess entropy
/// f^e of the empirical distribution itself. A smaller n treats the N points as a proxy of the population P_t and
/// gives f(t) for a training set of n points, as in the paper's definition (see <see cref="ExcessEntropyEstimator"/>).
/// Range: 2 ≤ n ≤ N.
/// </param>
/// <param name="LeaveOneOut">
/// Evaluate each draw x (made from a^μ) under the density of the other N − 1 points. That density does not contain
/// the point x came from, so it stands for the population P_t, as in the paper's definition of s(t): f then turns
/// negative below the collapse time of the N points themselves and its zero is their t_C. Without it the estimate
/// is the excess entropy of the empirical distribution, which is ≥ 0 at every t (it only tends to 0 below t_C).
/// </param>
public sealed record ExcessEntropyOptions(int SamplesPerTime = 512, long Seed = 0, int Batch = 256, int? TrainingSetSize = null,
    bool LeaveOneOut = false)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the offending value.</summary>
    public void Validate()
    {
        if (SamplesPerTime < 2) throw new ArgumentOutOfRangeException(nameof(SamplesPerTime), SamplesPerTime, "SamplesPerTime must be ≥ 2 (a standard error needs two draws).");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be ≥ 1.");
        if (LeaveOneOut && TrainingSetSize is not null)
            throw new ArgumentException("Use either LeaveOneOut (the N points' own collapse) or TrainingSetSize (a smaller n against N), not both.");
        if (TrainingSetSize is < 2) throw new ArgumentOutOfRangeException(nameof(TrainingSetSize), TrainingSetSize, "TrainingSetSize must be ≥ 2 (α = 0 for n = 1).");
    }
}

/// <summary>One time of an excess-entropy curve.</summary>
/// <param name="T">OU time t.</param>
/// <param name="F">Monte-Carlo estimate of f(t).</param>
/// <param name="StdErr">Standard error of <paramref name="F"/>: sample standard deviation of ln P_t^e(x)/d over √(draws).</param>
/// <param name="FOverAlpha">f(t)/α (→ 1 as t → ∞).</param>
public sealed record ExcessEntropyPoint(double T, double F, double StdErr, double FOverAlpha);

/// <summary>An excess-entropy curve f(t) with its zero crossing t_C.</summary>
/// <param name="Points">The points in increasing t.</param>
/// <param name="Alpha">α = ln n / d.</param>
/// <param name="Crossing">Estimated collapse time t_C (linear interpolation at the last sign change), or null.</param>
/// <param name="CrossingStdErr">Standard error of <paramref name="Crossing"/> (delta method), or null.</param>
public sealed record ExcessEntropyCurve(IReadOnlyList<ExcessEntropyPoint> Points, double Alpha, double? Crossing, double? CrossingStdErr);

/// <summary>
/// Monte-Carlo estimate of the excess entropy and of the collapse time (Biroli, Bonnaire, De Bortoli &amp; Mézard 2024,
/// arXiv 2402.18491, Sec. 4; docs/theory.md §4). With α = ln n / d and s(t) = −(1/d) E_{x~P_t} ln P_t(x):
/// <code>
///   f(t) = α + ½ + ½ ln(2π Δ_t) − s(t),      t_C solves f(t_C) = 0 (f &gt; 0 for t &gt; t_C)
/// </code>
/// P_t is replaced by the empirical P_t^e(x) = (1/N) Σ_μ N(x; a^μ e^{−t}, Δ_t I) of the density's N points: draw μ
/// uniformly, x = a^μ e^{−t} + √Δ_t z, evaluate ln P_t^e(x) by log-sum-exp over all N points (nothing excluded), average.
/// <para>
/// Two uses. (i) n = N (default): f^e(t), the excess entropy of the empirical distribution itself. Because a mixture of
/// N Gaussians of covariance Δ_t I has entropy at most ln N + (d/2) ln(2πeΔ_t), f^e(t) ≥ 0 at every t: for large n, d
/// f^e ≈ max(f, 0), so f^e/α goes from 1 at large t to 0 below t_C and never changes sign except by Monte-Carlo noise
/// (a <see cref="ExcessEntropyCurve.Crossing"/> found in this mode sits where f^e reaches the noise floor ≈ t_C and
/// should be read with that in mind). (ii) n &lt; N (<see cref="ExcessEntropyOptions.TrainingSetSize"/>): the N points
/// stand for the population P_t, as in the paper's definition of s(t); f(t) then crosses zero at the collapse time of
/// a training set of n points, accurately when N ≫ n (below the N-point collapse time t_C(N) &lt; t_C(n) the estimate
/// saturates at α_n − α_N &lt; 0). Finite-N bias for t well above t_C(N), to first order in 1/N:
/// E f̂ − f ≈ E_x[χ_t(x)]/(2dN) with χ_t = Var_a N(x; a e^{−t}, Δ_t I)/P_t(x)²; for N(0, σ² I) data
/// E_x χ_t = (Γ_t/Δ_t)^d − 1, Γ_t = Δ_t + σ² e^{−2t}.
/// </para>
/// </summary>
public static class ExcessEntropyEstimator
{
    /// <summary>
    /// f(t) at each time of <paramref name="times"/> (any order; the result is sorted by t), with standard errors, and
    /// the zero crossing t_C: scanning from the largest t down, the first pair of neighbouring grid times with
    /// f(t_hi) &gt; 0 ≥ f(t_lo), interpolated linearly, t_C = t_lo − h f_lo/(f_hi − f_lo), h = t_hi − t_lo. Its standard
    /// error propagates the two standard errors to first order (independent draws per time):
    /// σ(t_C) = h √(f_hi² σ_lo² + f_lo² σ_hi²)/(f_hi − f_lo)²; grid-interpolation error is not included.
    /// Use a float64 density (<see cref="EmpiricalDenoiserOptions"/>(Precision.Float64)) for accuracy.
    /// Range: N ≥ 2, every t finite and &gt; 0.
    /// </summary>
    /// <param name="density">The empirical density of N points (its <see cref="EmpiricalDenoiser.LogDensity"/>).</param>
    /// <param name="times">OU times t (distinct values; duplicates are kept).</param>
    /// <param name="options">Draws, seed, batch, n.</param>
    /// <param name="progress">Receives the cumulative number of draws evaluated.</param>
    /// <param name="ct">Checked between batches.</param>
    /// <exception cref="ArgumentException">N &lt; 2 (α = 0 for n = 1), n &gt; N, empty grid or t ≤ 0.</exception>
    public static ExcessEntropyCurve Estimate(EmpiricalDenoiser density, IReadOnlyList<double> times,
        ExcessEntropyOptions? options = null, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(times);
        options ??= new ExcessEntropyOptions();
        options.Validate();
        int bigN = density.Count, d = density.Dimension;
        if (bigN < 2)
            throw new ArgumentException($"The excess entropy needs at least two data points (α = ln n / d = 0 for n = 1, so f < 0 at every t); got N = {bigN}.", nameof(density));
        int n = options.TrainingSetSize ?? bigN;
        if (n > bigN)
            throw new ArgumentException($"TrainingSetSize n = {n} exceeds the N = {bigN} points that stand for the population (need n ≤ N).", nameof(options));
        if (times.Count < 1) throw new ArgumentException("The time grid is empty.", nameof(times));
        foreach (double t in times) OuTime.RequirePositive(t, nameof(times));

        double alpha = Theory.ExcessEntropy.Alpha(n, d);
        long done = 0;
        var points = new List<ExcessEntropyPoint>(times.Count);
        foreach (double t in times.Order())
        {
            var (meanL, seL) = MeanLogDensity(density, t, options, ct, batchDone =>
            {
                done += batchDone;
                progress?.Report(done);
            });
            // f = α + ½ + ½ ln(2πΔ_t) + (1/d) E ln P_t^e(x); the constant shifts carry no error.
            double f = alpha + 0.5 + 0.5 * Math.Log(2 * Math.PI * OuTime.Delta(t)) + meanL;
            points.Add(new ExcessEntropyPoint(t, f, seL, f / alpha));
        }
        var (crossing, crossingSe) = Crossing(points);
        return new ExcessEntropyCurve(points, alpha, crossing, crossingSe);
    }

    /// <summary>
    /// Mean and standard error of l = ln P_t^e(x)/d over the draws x = a^μ e^{−t} + √Δ_t z, μ uniform, z ~ N(0, I),
    /// draw i from its own stream. Sums are taken around the first batch's mean so the variance does not cancel.
    /// </summary>
    private static (double Mean, double StdErr) MeanLogDensity(EmpiricalDenoiser density, double t,
        ExcessEntropyOptions options, CancellationToken ct, Action<long> reportBatch)
    {
        int total = options.SamplesPerTime, d = density.Dimension;
        // The draws at t are keyed on t rounded to float32: a computed t (e.g. from ½ ln Λ, whose eigensolver rounds differently
        // on different vector units) then keeps its draws when only its last bits change, so results do not depend on the CPU.
        long runSeed = (long)Xoshiro.Mix((ulong)options.Seed, (ulong)BitConverter.SingleToInt32Bits((float)t));
        double decay = OuTime.Decay(t), sqrtDelta = Math.Sqrt(OuTime.Delta(t));
        double? shift = null;
        double sum = 0, sumSq = 0;
        for (int first = 0; first < total; first += options.Batch)
        {
            ct.ThrowIfCancellationRequested();
            int batch = Math.Min(options.Batch, total - first);
            double[] l;
            using (var scope = NewDisposeScope())
            {
                var noise = NoiseSource.ForSamples(runSeed, first, batch, d);
                var indices = noise.NextIndices(density.Count);
                var mu = torch.tensor(indices);
                var z = noise.Next(ScalarType.Float64);                                      // z: [B, d]
                var a = density.TrainingSet.index_select(0, mu).to_type(ScalarType.Float64);  // a^μ: [B, d]
                // Explicit Scalars, alive until the end of the block: TorchSharp's implicit ones can be finalized during the native call under GC pressure.
                using var decayScalar = decay.ToScalar();
                using var alphaScalar = sqrtDelta.ToScalar();
                var x = a.mul_(decayScalar).add_(z, alphaScalar);
                var logP = density.LogDensity(x, t, options.LeaveOneOut ? indices : null);      // ln P_t^e(x): [B]
                l = (logP / d).data<double>().ToArray();
            }
            shift ??= l.Average();
            foreach (double v in l)
            {
                double c = v - shift.Value;
                sum += c;
                sumSq += c * c;
            }
            reportBatch(batch);
        }
        double meanC = sum / total;
        double variance = Math.Max(0, (sumSq - total * meanC * meanC) / (total - 1));
        return (shift!.Value + meanC, Math.Sqrt(variance / total));
    }

    /// <summary>Last sign change of f from + (larger t) to ≤ 0 (smaller t), linearly interpolated, with its delta-method error.</summary>
    private static (double? T, double? StdErr) Crossing(IReadOnlyList<ExcessEntropyPoint> points)
    {
        for (int i = points.Count - 1; i > 0; i--)
        {
            var hi = points[i];
            var lo = points[i - 1];
            if (!(hi.F > 0 && lo.F <= 0)) continue;
            double h = hi.T - lo.T, span = hi.F - lo.F;
            double tC = lo.T - h * lo.F / span;
            double se = h * Math.Sqrt(hi.F * hi.F * lo.StdErr * lo.StdErr + lo.F * lo.F * hi.StdErr * hi.StdErr) / (span * span);
            return (tC, se);
        }
        return (null, null);
    }
}
