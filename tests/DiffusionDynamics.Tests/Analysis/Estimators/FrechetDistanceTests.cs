using DiffusionDynamics.Analysis;
using DiffusionDynamics.Random;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class FrechetDistanceTests
{
    private static Tensor Vec(params double[] v) => torch.tensor(v, dtype: ScalarType.Float64);

    private static Tensor Mat(double[,] m) => torch.tensor(m, dtype: ScalarType.Float64);

    /// <summary>A random SPD matrix B Bᵀ + εI (generic: eigenvectors not aligned with the axes).</summary>
    private static double[,] RandomSpd(int k, ulong seed, double eps = 0.1)
    {
        var rng = new Xoshiro(seed);
        var b = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) b[i, j] = rng.NextGaussian();
        var c = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                for (int l = 0; l < k; l++) c[i, j] += b[i, l] * b[j, l];
                if (i == j) c[i, j] += eps;
            }
        return c;
    }

    /// <summary>n draws of N(μ, C) as [n, k] float64 (Cholesky colouring of per-row Xoshiro normals).</summary>
    private static Tensor Draw(double[] mean, double[,] cov, int n, long seed)
    {
        int k = mean.Length;
        var l = Matrix<double>.Build.DenseOfArray(cov).Cholesky().Factor;
        var values = new double[n * k];
        var z = new double[k];
        for (int i = 0; i < n; i++)
        {
            Xoshiro.ForStream(seed, i).FillGaussian(z);
            for (int r = 0; r < k; r++)
            {
                double s = mean[r];
                for (int c = 0; c <= r; c++) s += l[r, c] * z[c];
                values[i * k + r] = s;
            }
        }
        return torch.tensor(values, [n, k]);
    }

    [Fact]
    public void BetweenGaussians_InOneDimension_IsSquaredMeanGapPlusSquaredStdGap()
    {
        // W₂²(N(μ₁, σ₁²), N(μ₂, σ₂²)) = (μ₁ − μ₂)² + (σ₁ − σ₂)²; both sides are a handful of float64 operations (1e-12).
        double fd = FrechetDistance.BetweenGaussians(Vec(0.3), Mat(new[,] { { 4.0 } }), Vec(-1.2), Mat(new[,] { { 0.25 } }));
        Assert.Equal(1.5 * 1.5 + 1.5 * 1.5, fd, 12);
    }

    [Fact]
    public void BetweenGaussians_WithDiagonalCovariances_IsMeanGapPlusSumOfSquaredRootGaps()
    {
        double[] a = [3.0, 0.5, 1e-3, 7.0], b = [1.0, 2.0, 0.0, 7.0];
        double expected = 1 + 4;  // |μ₁ − μ₂|² with μ₁ = (1, 0, 0, 2), μ₂ = 0
        for (int i = 0; i < a.Length; i++) expected += Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2);
        var ca = new double[4, 4];
        var cb = new double[4, 4];
        for (int i = 0; i < 4; i++) (ca[i, i], cb[i, i]) = (a[i], b[i]);
        double fd = FrechetDistance.BetweenGaussians(Vec(1, 0, 0, 2), Mat(ca), Vec(0, 0, 0, 0), Mat(cb));
        // Eigendecompositions of 4×4 matrices with entries ≤ 7: round-off ≈ 10⁻¹⁵ · tr C.
        Assert.Equal(expected, fd, 11);
    }

    [Fact]
    public void BetweenGaussians_NonCommuting2x2_MatchesTheTraceOfSqrtClosedForm()
    {
        // For a 2×2 PSD M, tr M^{½} = √(tr M + 2√det M); with M = C₁^{½}C₂C₁^{½}: tr M = tr(C₁C₂), det M = det C₁ det C₂.
        var c1 = new[,] { { 2.0, 0.8 }, { 0.8, 1.0 } };
        var c2 = new[,] { { 0.5, -0.3 }, { -0.3, 3.0 } };
        double trProduct = c1[0, 0] * c2[0, 0] + c1[0, 1] * c2[1, 0] + c1[1, 0] * c2[0, 1] + c1[1, 1] * c2[1, 1];
        double det1 = c1[0, 0] * c1[1, 1] - c1[0, 1] * c1[1, 0], det2 = c2[0, 0] * c2[1, 1] - c2[0, 1] * c2[1, 0];
        double cross = Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));
        double expected = 0.5 * 0.5 + 1.0 + (2.0 + 1.0) + (0.5 + 3.0) - 2 * cross;
        double fd = FrechetDistance.BetweenGaussians(Vec(0.5, 1.0), Mat(c1), Vec(0, 0), Mat(c2));
        Assert.Equal(expected, fd, 12);
    }

    [Fact]
    public void BetweenGaussians_NonCommuting6D_MatchesRootsOfTheEigenvaluesOfC1C2()
    {
        // Independent route: C₁^{½}C₂C₁^{½} is similar to C₁C₂, so tr(...)^{½} = Σ √λ_i(C₁C₂), here from MathNet's
        // general (non-symmetric) eigensolver instead of two symmetric eigendecompositions.
        var c1 = RandomSpd(6, 11);
        var c2 = RandomSpd(6, 12);
        var m1 = Matrix<double>.Build.DenseOfArray(c1);
        var m2 = Matrix<double>.Build.DenseOfArray(c2);
        var eig = (m1 * m2).Evd().EigenValues;
        Assert.All(eig, e => Assert.True(Math.Abs(e.Imaginary) < 1e-9 * e.Magnitude));
        double cross = eig.Sum(e => Math.Sqrt(e.Real));
        double expected = m1.Trace() + m2.Trace() - 2 * cross;
        double fd = FrechetDistance.BetweenGaussians(Vec(new double[6]), Mat(c1), Vec(new double[6]), Mat(c2));
        // Entries O(10), condition number ≲ 10³: both routes agree to ≈ 10⁻¹² relative.
        Assert.Equal(expected, fd, 9);
        Assert.True(fd > 0.1);
    }

    [Fact]
    public void Between_ASetAndItself_IsZero_AndTheDistanceIsSymmetric()
    {
        var x = Draw([0, 1, 2], RandomSpd(3, 21), 300, 1);
        var y = Draw([1, 0, 0], RandomSpd(3, 22), 200, 2);
        Assert.True(FrechetDistance.Between(x, x) < 1e-12);   // clamped at 0; raw round-off is ≈ 10⁻¹⁴
        double ab = FrechetDistance.Between(x, y), ba = FrechetDistance.Between(y, x);
        Assert.True(ab > 0.5);
        Assert.Equal(ab, ba, 10);
    }

    [Fact]
    public void Between_PointSetsWithPrescribedMoments_EqualsTheGaussianClosedForm()
    {
        // Points whose sample mean and unbiased covariance are exactly (μ, C): whiten random points, recolour with C^{½}.
        Tensor WithMoments(double[] mean, double[,] cov, int n, long seed)
        {
            using var scope = NewDisposeScope();
            var z = Draw(new double[mean.Length], IdentityOf(mean.Length), n, seed);
            var zc = z - z.mean([0]);
            var s = zc.t().mm(zc) / (n - 1);
            var (vals, vecs) = torch.linalg.eigh(s);
            var whiten = (vecs / vals.sqrt().unsqueeze(0)).mm(vecs.t());
            var colour = FrechetDistance.SymmetricSqrt(Mat(cov));
            return (zc.mm(whiten).mm(colour) + Vec(mean)).MoveToOuterDisposeScope();
        }
        var c1 = RandomSpd(4, 31);
        var c2 = RandomSpd(4, 32);
        double[] m1 = [1, -1, 0.5, 0], m2 = [0, 0.3, 0, 2];
        using var x = WithMoments(m1, c1, 50, 3);
        using var y = WithMoments(m2, c2, 80, 4);
        double expected = FrechetDistance.BetweenGaussians(Vec(m1), Mat(c1), Vec(m2), Mat(c2));
        Assert.Equal(expected, FrechetDistance.Between(x, y), 9);
    }

    [Fact]
    public void Between_IsInvariantUnderACommonRotationAndTranslation()
    {
        var x = Draw([0, 1, 2], RandomSpd(3, 41), 200, 5);
        var y = Draw([1, 0, 0], RandomSpd(3, 42), 250, 6);
        var (_, q) = torch.linalg.eigh(Mat(RandomSpd(3, 43)));   // an orthogonal matrix
        var shift = Vec(3, -2, 7);
        double before = FrechetDistance.Between(x, y), after = FrechetDistance.Between(x.mm(q) + shift, y.mm(q) + shift);
        Assert.Equal(before, after, 10);
    }

    [Fact]
    public void PlugInFd_OfTwoSamplesOfOneGaussian_MatchesTheLeadingOrderBias()
    {
        // E FD̂ = b + O(n⁻²) for two independent samples of one Gaussian (the FD floor). 200 replicate pairs with a fixed seed;
        // tolerance 4 standard errors of the replicate mean plus the next-order term, of relative size ≈ (k + 1)²/n = 4 %.
        double[] lambda = [4.0, 1.0, 0.25];
        var cov = new double[3, 3];
        for (int i = 0; i < 3; i++) cov[i, i] = lambda[i];
        const int n = 400, replicates = 200;
        var values = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            using var scope = NewDisposeScope();
            values[r] = FrechetDistance.Between(Draw([0, 0, 0], cov, n, 1000 + 2 * r), Draw([0, 0, 0], cov, n, 1001 + 2 * r));
        }
        double mean = values.Average();
        double se = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (replicates - 1) / replicates);
        double bias = FrechetDistance.SamePopulationBias(lambda, n, n);
        Assert.True(Math.Abs(mean - bias) <= 4 * se + bias * 16.0 / n, $"mean FD {mean:G4} ± {se:G2}, leading-order bias {bias:G4}");
    }

    [Fact]
    public void SamePopulationBias_ForTheIdentity_IsTheClosedForm()
    {
        // C = I_k: (1/n₁ + 1/n₂)(k + k(k + 1)/4).
        Assert.Equal((1.0 / 100 + 1.0 / 300) * (5 + 5 * 6 / 4.0), FrechetDistance.SamePopulationBias([1, 1, 1, 1, 1], 100, 300), 14);
    }

    [Fact]
    public void PlugInFd_OfTwoDifferentGaussians_ConvergesToTheClosedForm_FromAbove()
    {
        // Non-commuting covariances, n = 4000 per set, 20 replicates. E FD̂ − FD is O(1/n) and ≥ 0 (joint convexity of the
        // Bures term); allow 4 SE of the replicate mean plus twice the same-population bias of the larger covariance.
        var c1 = RandomSpd(3, 51);
        var c2 = RandomSpd(3, 52);
        double[] m1 = [0.5, 0, -0.5], m2 = [0, 0.2, 0];
        double exact = FrechetDistance.BetweenGaussians(Vec(m1), Mat(c1), Vec(m2), Mat(c2));
        const int n = 4000, replicates = 20;
        var values = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            using var scope = NewDisposeScope();
            values[r] = FrechetDistance.Between(Draw(m1, c1, n, 5000 + 2 * r), Draw(m2, c2, n, 5001 + 2 * r));
        }
        double mean = values.Average();
        double se = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (replicates - 1) / replicates);
        double slack = 2 * Math.Max(
            FrechetDistance.SamePopulationBias(Eigenvalues(c1), n, n), FrechetDistance.SamePopulationBias(Eigenvalues(c2), n, n));
        Assert.True(Math.Abs(mean - exact) <= 4 * se + slack, $"mean {mean:G5} ± {se:G2} vs exact {exact:G5}");
        Assert.True(mean >= exact - 4 * se);
    }

    [Fact]
    public void ToReference_BootstrapError_MatchesTheSpreadOfIndependentSamples()
    {
        // The bootstrap sd of FD(samples, fixed reference) estimates the sd over fresh sample sets. 40 independent sets give an
        // sd with ≈ 11 % relative error and the bootstrap (100 resamples, one set) ≈ 10 % more: a ratio within [0.6, 1.6] is ±4σ.
        var cov = RandomSpd(3, 61);
        using var referenceSet = Draw([0, 0, 0], cov, 2000, 7);
        using var reference = FeatureMoments.Of(referenceSet);
        var shifted = new[] { 0.3, 0.0, 0.0 };
        var values = new double[40];
        for (int r = 0; r < values.Length; r++)
        {
            using var scope = NewDisposeScope();
            values[r] = FrechetDistance.ToReference(Draw(shifted, cov, 300, 9000 + r), reference, 0).Fd;
        }
        double mean = values.Average(), sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        using var one = Draw(shifted, cov, 300, 8999);
        var estimate = FrechetDistance.ToReference(one, reference, 100, 3);
        Assert.Equal(100, estimate.Resamples);
        double ratio = estimate.Stderr / sd;
        Assert.True(ratio > 0.6 && ratio < 1.6, $"bootstrap {estimate.Stderr:G3} vs replicate sd {sd:G3}");
    }

    [Fact]
    public void ToReference_WithoutResamples_EqualsBetween_AndReportsNoError()
    {
        var x = Draw([0, 1], RandomSpd(2, 71), 100, 10);
        var y = Draw([1, 0], RandomSpd(2, 72), 150, 11);
        using var reference = FeatureMoments.Of(y);
        var e = FrechetDistance.ToReference(x, reference, 0);
        Assert.Equal(FrechetDistance.Between(x, y), e.Fd, 12);
        Assert.True(double.IsNaN(e.Stderr));
    }

    [Fact]
    public void BadInputs_ThrowArgumentException_NamingTheValue()
    {
        var ok = Draw([0, 0], IdentityOf(2), 10, 1);
        var nan = ok.clone();
        nan[0, 0] = torch.tensor(double.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(nan, ok)).Message);
        Assert.Contains("n = 1", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(ok.narrow(0, 0, 1), ok)).Message);
        Assert.Contains("n = 0", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(ok.narrow(0, 0, 0), ok)).Message);
        var three = Draw([0, 0, 0], IdentityOf(3), 10, 2);
        Assert.Contains("differ", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(ok, three)).Message);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(torch.zeros(5), ok)).ParamName);
        Assert.Contains("symmetric", Assert.Throws<ArgumentException>(() =>
            FrechetDistance.BetweenGaussians(Vec(0, 0), Mat(new[,] { { 1.0, 0.5 }, { 0.0, 1.0 } }), Vec(0, 0), Mat(IdentityOf(2)))).Message);
        Assert.Contains("positive semi-definite", Assert.Throws<ArgumentException>(() =>
            FrechetDistance.BetweenGaussians(Vec(0, 0), Mat(new[,] { { 1.0, 0.0 }, { 0.0, -1.0 } }), Vec(0, 0), Mat(IdentityOf(2)))).Message);
        Assert.Equal("cov2", Assert.Throws<ArgumentException>(() =>
            FrechetDistance.BetweenGaussians(Vec(0, 0), Mat(IdentityOf(2)), Vec(0, 0), Mat(IdentityOf(3)))).ParamName);
        Assert.Equal("n1", Assert.Throws<ArgumentOutOfRangeException>(() => FrechetDistance.SamePopulationBias([1.0], 1, 5)).ParamName);
        Assert.Throws<ArgumentException>(() => FrechetDistance.SamePopulationBias([-1.0], 5, 5));
        Assert.Throws<ArgumentException>(() => FrechetDistance.SamePopulationBias([double.NaN], 5, 5));
        using var reference = FeatureMoments.Of(ok);
        Assert.Equal("resamples", Assert.Throws<ArgumentOutOfRangeException>(() => FrechetDistance.ToReference(ok, reference, 1)).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => FrechetDistance.ToReference(three, reference)).ParamName);
    }

    private static double[,] IdentityOf(int k)
    {
        var m = new double[k, k];
        for (int i = 0; i < k; i++) m[i, i] = 1;
        return m;
    }

    private static double[] Eigenvalues(double[,] c) =>
        Matrix<double>.Build.DenseOfArray(c).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
}
