using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Analysis;

public class ExcessEntropyEstimatorTests(ITestOutputHelper output)
{
    private const int D = 20;

    private static EmpiricalDenoiser GaussianDensity(int count, int seed = 3) =>
        new(DataSource.Parse($"gaussian:d={D},n={count},spectrum={D}x1,seed={seed}"), new EmpiricalDenoiserOptions(Precision.Float64, 1L << 22));

    /// <summary>
    /// First-order finite-N bias of f̂ for N(0, I) data, E f̂ − f ≈ ((Γ_t/Δ_t)^d − 1)/(2dN) with Γ_t = 1 (derived in
    /// <see cref="ExcessEntropyEstimator"/>); valid while (Γ_t/Δ_t)^d ≪ N.
    /// </summary>
    private static double FiniteNBias(double t, int bigN) => (Math.Pow(1 / OuTime.Delta(t), D) - 1) / (2.0 * D * bigN);

    [Fact]
    public void EmpiricalExcessEntropy_MatchesGaussianClosedForm_WellAboveCollapse()
    {
        // n = N = 200, d = 20: t_C = 0.444. At t ≥ 2 t_C, (1/Δ_t)^d ≤ 41 ≪ N, so the first-order bias is valid
        // (measured once with 2048 draws: at 2 t_C, f̂ − f = 0.0066 ± 0.0035 against a predicted bias 0.0050).
        int n = 200;
        using var density = GaussianDensity(n);
        double tC = ExcessEntropy.GaussianCollapseTime(n, D, 1.0);
        var curve = ExcessEntropyEstimator.Estimate(density, [2 * tC, 3 * tC, 5 * tC], new ExcessEntropyOptions(1024, Seed: 1));
        foreach (var p in curve.Points)
        {
            double exact = ExcessEntropy.Gaussian(p.T, n, D, 1.0), bias = FiniteNBias(p.T, n);
            output.WriteLine($"t = {p.T:F4}: f̂ = {p.F:F5} ± {p.StdErr:F5}, closed form {exact:F5}, bias {bias:F5}");
            Assert.InRange(p.F - bias, exact - 4 * p.StdErr, exact + 4 * p.StdErr);
        }
    }

    [Fact]
    public void EmpiricalExcessEntropy_IsNonNegative_AndVanishesBelowCollapse()
    {
        // H(P_t^e) ≤ ln N + (d/2) ln(2πeΔ_t) for a mixture of N Gaussians of covariance Δ_t I, so f^e ≥ 0 at every t;
        // below t_C it is ≈ 0 (measured: f^e/α = 0.016 at 0.3 t_C, 0.20 at t_C), far from the closed form f(0.3 t_C) = −0.46.
        int n = 200;
        using var density = GaussianDensity(n);
        double tC = ExcessEntropy.GaussianCollapseTime(n, D, 1.0);
        var curve = ExcessEntropyEstimator.Estimate(density, [0.3 * tC, 0.5 * tC], new ExcessEntropyOptions(512, Seed: 2));
        foreach (var p in curve.Points)
        {
            output.WriteLine($"t = {p.T:F4}: f^e = {p.F:F5} ± {p.StdErr:F5}, f/α = {p.FOverAlpha:F4}");
            Assert.True(p.F > -4 * p.StdErr, $"f^e({p.T}) = {p.F} < 0 beyond 4 standard errors");
            Assert.True(p.FOverAlpha < 0.1, $"f^e/α = {p.FOverAlpha} at t = {p.T} should be ≈ 0 below t_C = {tC}");
        }
    }

    [Fact]
    public void FOverAlpha_TendsToOne_AtLargeTime()
    {
        int n = 200;
        using var density = GaussianDensity(n);
        var p = ExcessEntropyEstimator.Estimate(density, [5.0], new ExcessEntropyOptions(512, Seed: 3)).Points[0];
        double alpha = ExcessEntropy.Alpha(n, D);
        output.WriteLine($"f(5)/α = {p.FOverAlpha:F5} ± {p.StdErr / alpha:F5}");
        // f_G(5)/α = 1 − 8e-5 and the finite-N bias is 4e-8: the only error left is Monte-Carlo.
        Assert.InRange(p.FOverAlpha, 1 - 4 * p.StdErr / alpha, 1 + 4 * p.StdErr / alpha);
    }

    [Fact]
    public void PopulationProxy_TracksClosedForm_AndCrossesAtGaussianCollapseTime()
    {
        // N = 50,000 points stand for the population, n = 100: t_C(n) = 0.498 ≫ t_C(N) = 0.25, so near t_C(n) the
        // estimate is the population f up to the first-order bias (n² − 1)/(2dN) = 0.005 at t_C. Measured once with
        // 2048 draws on 13 times: f̂ within 1.4 SE of the closed form for t ≥ 0.8 t_C, crossing 0.4925 ± 0.0035.
        int n = 100, bigN = 50_000;
        using var density = GaussianDensity(bigN);
        double tC = ExcessEntropy.GaussianCollapseTime(n, D, 1.0);
        double[] times = [0.5 * tC, 0.9 * tC, 1.1 * tC, 2 * tC];
        var curve = ExcessEntropyEstimator.Estimate(density, times, new ExcessEntropyOptions(512, Seed: 4, TrainingSetSize: n));
        Assert.Equal(ExcessEntropy.Alpha(n, D), curve.Alpha, 12);
        foreach (var p in curve.Points)
            output.WriteLine($"t = {p.T:F4}: f̂ = {p.F:F5} ± {p.StdErr:F5}, closed form {ExcessEntropy.Gaussian(p.T, n, D, 1.0):F5}");
        foreach (var p in curve.Points.Where(p => p.T > tC))
            Assert.InRange(p.F - FiniteNBias(p.T, bigN), ExcessEntropy.Gaussian(p.T, n, D, 1.0) - 4 * p.StdErr, ExcessEntropy.Gaussian(p.T, n, D, 1.0) + 4 * p.StdErr);
        var below = curve.Points[0];
        Assert.True(below.F < -4 * below.StdErr, $"f({below.T}) = {below.F} should be negative well below t_C");

        Assert.NotNull(curve.Crossing);
        double slope = Math.Exp(-2 * tC) / OuTime.Delta(tC);                           // f'(t_C) = e^{−2t}/Δ_t
        double curvature = 2 * Math.Exp(-2 * tC) / Math.Pow(OuTime.Delta(tC), 2);      // |f''(t_C)|
        double h = times[2] - times[1];
        double biasShift = (n * (double)n - 1) / (2.0 * D * bigN) / slope;            // first-order bias moves t_C down
        double interpolation = h * h * curvature / (8 * slope);                        // chord error of a concave f
        double tolerance = 4 * curve.CrossingStdErr!.Value + biasShift + interpolation;
        output.WriteLine($"t_C: estimated {curve.Crossing:F4} ± {curve.CrossingStdErr:F4}, closed form {tC:F4}, tolerance {tolerance:F4}");
        Assert.InRange(curve.Crossing!.Value, tC - tolerance, tC + tolerance);
    }

    [Fact]
    public void LeaveOneOut_TurnsNegativeBelowCollapse_AndCrossesNearTheGaussianCollapseTime()
    {
        // The density of the other n − 1 points stands for the population: s_LOO is a cross-entropy ≥ s, so f_LOO ≤ f
        // and its zero lies at or above t_C; the gap shrinks as n grows. Measured once (512 draws, this seed): crossing
        // 0.354 ± 0.005 against t_C = 0.315, i.e. 12 % above; f_LOO within 2 % of f for t ≥ 1.5 t_C.
        int n = 2000;
        using var density = GaussianDensity(n);
        double tC = ExcessEntropy.GaussianCollapseTime(n, D, 1.0);
        double[] times = [0.3 * tC, 0.6 * tC, 0.8 * tC, 0.9 * tC, 1.0 * tC, 1.1 * tC, 1.25 * tC, 1.5 * tC, 2 * tC, 3 * tC];
        var curve = ExcessEntropyEstimator.Estimate(density, times, new ExcessEntropyOptions(512, Seed: 5, LeaveOneOut: true));
        foreach (var p in curve.Points)
            output.WriteLine($"t = {p.T:F4}: f_LOO = {p.F:F5} ± {p.StdErr:F5}, closed form {ExcessEntropy.Gaussian(p.T, n, D, 1.0):F5}");
        output.WriteLine($"crossing {curve.Crossing} ± {curve.CrossingStdErr}, closed form t_C = {tC}");
        Assert.True(curve.Points[0].F < -4 * curve.Points[0].StdErr);
        Assert.NotNull(curve.Crossing);
        Assert.InRange(curve.Crossing!.Value, tC - 4 * curve.CrossingStdErr!.Value, 1.25 * tC);
    }

    [Fact]
    public void Estimate_IsReproducible_AndIndependentOfBatchAndGrid()
    {
        using var density = GaussianDensity(200);
        var reference = ExcessEntropyEstimator.Estimate(density, [0.3, 0.8], new ExcessEntropyOptions(300, Seed: 7, Batch: 256));
        var again = ExcessEntropyEstimator.Estimate(density, [0.8, 0.3], new ExcessEntropyOptions(300, Seed: 7, Batch: 256));
        var otherBatch = ExcessEntropyEstimator.Estimate(density, [0.3, 0.8], new ExcessEntropyOptions(300, Seed: 7, Batch: 7));
        var otherGrid = ExcessEntropyEstimator.Estimate(density, [0.8, 1.5], new ExcessEntropyOptions(300, Seed: 7, Batch: 64));
        var otherSeed = ExcessEntropyEstimator.Estimate(density, [0.3, 0.8], new ExcessEntropyOptions(300, Seed: 8));
        Assert.Equal(reference.Points, again.Points);
        // Draw i at time t uses stream (seed, t, i); only the summation order changes with the batch.
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(reference.Points[i].F, otherBatch.Points[i].F, 12);
            Assert.Equal(reference.Points[i].StdErr, otherBatch.Points[i].StdErr, 12);
        }
        Assert.Equal(reference.Points[1].F, otherGrid.Points[0].F, 12);
        Assert.NotEqual(reference.Points[0].F, otherSeed.Points[0].F);
        Assert.Equal([0.3, 0.8], again.Points.Select(p => p.T));
    }

    [Fact]
    public void Estimate_KeepsItsDraws_WhenOnlyTheLastBitsOfTChange()
    {
        // A computed t (e.g. ½ ln Λ) can differ in its last bits between CPUs; the draws must not be reseeded by that. The density
        // itself changes by O(ε) with t, so f agrees to round-off (1e-12), not merely within the Monte-Carlo error.
        using var density = GaussianDensity(200);
        double t = 0.5 * Math.Log(2.718281828);
        double nudged = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(t) + 3);
        Assert.NotEqual(t, nudged);
        var a = ExcessEntropyEstimator.Estimate(density, [t], new ExcessEntropyOptions(200, Seed: 7));
        var b = ExcessEntropyEstimator.Estimate(density, [nudged], new ExcessEntropyOptions(200, Seed: 7));
        Assert.Equal(a.Points[0].F, b.Points[0].F, 12);
        Assert.Equal(a.Points[0].StdErr, b.Points[0].StdErr, 12);
    }

    [Fact]
    public void Estimate_ReportsProgress_InDraws()
    {
        using var density = GaussianDensity(50);
        var seen = new List<long>();
        ExcessEntropyEstimator.Estimate(density, [0.5, 1.0], new ExcessEntropyOptions(100, Batch: 40), new SyncProgress(seen));
        Assert.Equal([40L, 80, 100, 140, 180, 200], seen);
    }

    [Fact]
    public void Estimate_RejectsInvalidInput()
    {
        using var single = new EmpiricalDenoiser(DataSource.Parse("gaussian:d=4,n=1,spectrum=4x1,seed=1"));
        var ex = Assert.Throws<ArgumentException>(() => ExcessEntropyEstimator.Estimate(single, [1.0]));
        Assert.Contains("n = 1", ex.Message);
        using var density = GaussianDensity(20);
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [0.5, 0.0]));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [-1.0]));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [double.NaN]));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, []));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [1.0], new ExcessEntropyOptions(TrainingSetSize: 1)));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [1.0], new ExcessEntropyOptions(TrainingSetSize: 21)));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [1.0], new ExcessEntropyOptions(SamplesPerTime: 1)));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropyEstimator.Estimate(density, [1.0], new ExcessEntropyOptions(Batch: 0)));
    }

    [Fact]
    public void Crossing_IsNull_WhenFNeverChangesSign()
    {
        using var density = GaussianDensity(200);
        var curve = ExcessEntropyEstimator.Estimate(density, [1.5, 3.0], new ExcessEntropyOptions(256));
        Assert.All(curve.Points, p => Assert.True(p.F > 0));
        Assert.Null(curve.Crossing);
        Assert.Null(curve.CrossingStdErr);
    }

    private sealed class SyncProgress(List<long> seen) : IProgress<long>
    {
        public void Report(long value) => seen.Add(value);
    }
}
