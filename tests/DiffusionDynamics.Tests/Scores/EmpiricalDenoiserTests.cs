using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class EmpiricalDenoiserTests
{
    private static EmpiricalDenoiser Make(double[,] a, long maxChunk = 1L << 24, Precision p = Precision.Float64)
    {
        using var t = torch.tensor(a);
        return new EmpiricalDenoiser(t, new EmpiricalDenoiserOptions(p, maxChunk));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void Denoiser_EqualsBruteForcePosteriorMean(double t)
    {
        var a = RandomMatrix(17, 5, 1);
        var x = RandomMatrix(4, 5, 2);
        using var den = Make(a);
        using var xt = torch.tensor(x);
        using var d = den.Denoise(xt, t);
        // float64 throughout: agreement to ~1e-13 relative; 1e-10 leaves room for the exp/softmax path.
        Assert.True(MaxAbsDiff(ToArray(d), BruteForceEmpirical(a, x, t)) < 1e-10);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.7)]
    [InlineData(2.5)]
    public void Score_EqualsFiniteDifferenceOfLogDensity(double t)
    {
        var a = RandomMatrix(9, 3, 3);
        var x = RandomMatrix(3, 3, 4);
        using var den = Make(a);
        AssertScoreMatchesFiniteDifferences(den, x, t);
    }

    [Fact]
    public void ChunkedStreamingSoftmax_EqualsSingleBlock()
    {
        var a = RandomMatrix(103, 7, 5);
        var x = RandomMatrix(6, 7, 6);
        using var whole = Make(a);
        using var chunked = Make(a, maxChunk: 6 * 10); // chunks of 10 rows, last one of 3
        using var xt = torch.tensor(x);
        foreach (double t in new[] { 0.02, 0.5, 4.0 })
        {
            using var d1 = whole.Denoise(xt, t);
            using var d2 = chunked.Denoise(xt, t);
            Assert.True(MaxAbsDiff(ToArray(d1), ToArray(d2)) < 1e-12);
            using var l1 = whole.LogDensity(xt, t);
            using var l2 = chunked.LogDensity(xt, t);
            Assert.True((l1 - l2).abs().max().item<double>() < 1e-9);
        }
    }

    [Fact]
    public void Float32_AgreesWithFloat64_WithinSinglePrecision()
    {
        var a = RandomMatrix(500, 64, 7);
        var x = RandomMatrix(32, 64, 8);
        using var d64 = Make(a);
        using var d32 = Make(a, p: Precision.Float32);
        using var x64 = torch.tensor(x);
        using var x32 = x64.to_type(ScalarType.Float32);
        foreach (double t in new[] { 0.5, 2.0 })
        {
            using var r64 = d64.Denoise(x64, t);
            using var r32 = d32.Denoise(x32, t);
            Assert.Equal(ScalarType.Float32, r32.dtype);
            // logits ~ e^{-t}|x||a|/Δ ≈ 100 at t = 0.5: float32 error ~1e-5 in logits → ~1e-4 in D (|a| ~ 1 per coord).
            Assert.True(MaxAbsDiff(ToArray(r64), ToArray(r32)) < 1e-3);
        }
    }

    [Fact]
    public void TopPosterior_FirstIndexIsNearestScaledTrainingPoint_AndWeightsMatchBruteForce()
    {
        var a = RandomMatrix(50, 4, 9);
        var x = RandomMatrix(5, 4, 10);
        double t = 0.4, decay = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        using var den = Make(a, maxChunk: 5 * 7);
        using var xt = torch.tensor(x);
        var (idx, w) = den.TopPosterior(xt, t, 3);
        for (int i = 0; i < 5; i++)
        {
            var dist = Enumerable.Range(0, 50).Select(mu =>
                Enumerable.Range(0, 4).Sum(j => Math.Pow(x[i, j] - a[mu, j] * decay, 2))).ToArray();
            var order = Enumerable.Range(0, 50).OrderBy(mu => dist[mu]).ToArray();
            var logw = dist.Select(s => -s / (2 * delta)).ToArray();
            double max = logw.Max(), z = logw.Sum(l => Math.Exp(l - max));
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(order[k], idx[i, k].item<long>());
                Assert.Equal(Math.Exp(logw[order[k]] - max) / z, w[i, k].item<double>(), 10);
            }
        }
    }

    [Fact]
    public void SinglePoint_DenoisesEverythingToThatPoint()
    {
        var a = new double[,] { { 0.3, -1.2, 2.0 } };
        using var den = Make(a);
        using var x = torch.randn(8, 3, dtype: ScalarType.Float64);
        using var d = den.Denoise(x, 0.8);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(a[0, j], d[i, j].item<double>(), 12);
    }

    [Fact]
    public void LargeT_EmpiricalApproachesGaussianOfTheData()
    {
        // Both expand as ā + e^{-t} C x + O(e^{-2t}): the gap must shrink like e^{-2t}.
        var a = RandomMatrix(200, 6, 11);
        var x = RandomMatrix(20, 6, 12);
        using var at = torch.tensor(a);
        using var emp = new EmpiricalDenoiser(at, new EmpiricalDenoiserOptions(Precision.Float64));
        var ds = new Dataset(a.Cast<double>().Select(v => (float)v).ToArray(), 200, 6);
        using var gauss = GaussianDenoiser.FromData(ds);
        using var xt = torch.tensor(x);
        double Gap(double t)
        {
            using var d1 = emp.Denoise(xt, t);
            using var d2 = gauss.Denoise(xt, t);
            return MaxAbsDiff(ToArray(d1), ToArray(d2));
        }
        double g4 = Gap(4), g6 = Gap(6);
        Assert.True(g4 < 0.05, $"gap at t=4: {g4}");
        // e^{-2·2} ≈ 0.018: allow a factor 3 for the O(e^{-3t}) terms and float-rounding of the data.
        Assert.True(g6 < 3 * Math.Exp(-4) * g4, $"gap did not shrink like e^(-2t): {g4} → {g6}");
    }

    [Fact]
    public void GaussianData_LargeN_EmpiricalScoreIsExplainedByGaussianScore()
    {
        // d = 2, n = 20,000: at t = 0.7 (far above t_C ≈ 0.003 for these n, d) the empirical score is the Gaussian's.
        int n = 20000;
        var rng = new DiffusionDynamics.Random.Xoshiro(13);
        var values = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            values[2 * i] = (float)(2.0 * rng.NextGaussian());
            values[2 * i + 1] = (float)(0.5 * rng.NextGaussian());
        }
        var ds = new Dataset(values, n, 2);
        using var emp = new EmpiricalDenoiser(ds, new EmpiricalDenoiserOptions(Precision.Float64));
        using var mean = torch.zeros(2, dtype: ScalarType.Float64);
        using var cov = torch.diag(torch.tensor(new[] { 4.0, 0.25 }));
        using var gauss = new GaussianDenoiser(mean, cov);
        double t = 0.7;
        using var x = gauss.SampleMarginal(t, 2000, 14);
        using var s1 = Score.Evaluate(gauss, x, t);
        using var s2 = Score.Evaluate(emp, x, t);
        double ev = 1 - (s1 - s2).square().sum().item<double>() / s1.square().sum().item<double>();
        Assert.True(ev > 0.99, $"explained variance {ev}");
    }

    [Fact]
    public void InvalidInputs_GiveClearErrors()
    {
        var a = RandomMatrix(4, 3, 15);
        using var den = Make(a);
        using var good = torch.zeros(2, 3, dtype: ScalarType.Float64);
        using var wrongD = torch.zeros(2, 4, dtype: ScalarType.Float64);
        using var nan = torch.full(2, 3, double.NaN, dtype: ScalarType.Float64);
        using var empty = torch.zeros(0, 3, dtype: ScalarType.Float64);
        Assert.Contains("[B, 3]", Assert.Throws<ArgumentException>(() => den.Denoise(wrongD, 1.0)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => den.Denoise(nan, 1.0)).Message);
        Assert.Throws<ArgumentException>(() => den.Denoise(empty, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => den.Denoise(good, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => den.Denoise(good, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => den.Denoise(good, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => den.TopPosterior(good, 1.0, 5));
        using var emptyData = torch.zeros(0, 3);
        Assert.Throws<ArgumentException>(() => new EmpiricalDenoiser(emptyData));
        using var nanData = torch.full(3, 3, float.NaN);
        Assert.Throws<ArgumentException>(() => new EmpiricalDenoiser(nanData));
        using var vector = torch.zeros(3);
        Assert.Throws<ArgumentException>(() => new EmpiricalDenoiser(vector));
    }
}

public class EmpiricalLeaveOneOutTests
{
    [Fact]
    public void LeaveOneOutLogDensity_EqualsTheDensityOfTheOtherPoints()
    {
        var a = ScoreOracles.RandomMatrix(12, 4, 50);
        var x = ScoreOracles.RandomMatrix(3, 4, 51);
        using var all = new EmpiricalDenoiser(torch.tensor(a), new EmpiricalDenoiserOptions(Precision.Float64, MaxChunkElements: 3 * 5));
        using var xt = torch.tensor(x);
        long[] exclude = [0, 7, 11];
        foreach (double t in new[] { 0.01, 0.5, 3.0 })
        {
            using var loo = all.LogDensity(xt, t, exclude);
            for (int b = 0; b < 3; b++)
            {
                var rest = Enumerable.Range(0, 12).Where(i => i != exclude[b]).ToArray();
                var others = new double[11, 4];
                for (int i = 0; i < 11; i++) for (int j = 0; j < 4; j++) others[i, j] = a[rest[i], j];
                using var reduced = new EmpiricalDenoiser(torch.tensor(others), new EmpiricalDenoiserOptions(Precision.Float64));
                using var expected = reduced.LogDensity(xt.narrow(0, b, 1), t);
                // Masking the excluded logit is exact: agreement to float64 round-off of a log-sum-exp.
                Assert.Equal(expected[0].item<double>(), loo[b].item<double>(), 9);
            }
        }
        Assert.Throws<ArgumentException>(() => all.LogDensity(xt, 0.5, [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => all.LogDensity(xt, 0.5, [0, 1, 12]));
    }
}
