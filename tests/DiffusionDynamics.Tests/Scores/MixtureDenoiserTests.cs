using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class MixtureDenoiserTests
{
    /// <summary>
    /// n points in d dimensions around three centres (point i in cluster i % 3, adjacent centres 6.3 apart), within-cluster
    /// standard deviation 1 along coordinate 0 and 0.4 along the others; values rounded to float32 so a <see cref="DiffusionDynamics.Data.Dataset"/>
    /// holds exactly the same numbers.
    /// </summary>
    internal static double[,] Clustered(int n, int d, ulong seed)
    {
        var z = RandomMatrix(n, d, seed);
        var a = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                a[i, j] = (i % 3 - 1) * 4.0 * (j % 2 == 0 ? 1 : -0.5) + z[i, j] * (j == 0 ? 1.0 : 0.4);
        return RoundToFloat(a);
    }

    private static Tensor Diff(Tensor a, Tensor b) => (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max();

    [Theory]
    [InlineData(MixtureCovariance.Full, 0.05)]
    [InlineData(MixtureCovariance.Full, 0.7)]
    [InlineData(MixtureCovariance.LowRank, 0.05)]
    [InlineData(MixtureCovariance.LowRank, 0.7)]
    [InlineData(MixtureCovariance.LowRank, 2.5)]
    [InlineData(MixtureCovariance.Isotropic, 0.3)]
    public void Score_EqualsFiniteDifferenceOfLogDensity(MixtureCovariance covariance, double t)
    {
        using var a = torch.tensor(Clustered(60, 4, 1));
        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 3, Covariance: covariance, Rank: 2, Seed: 2));
        AssertScoreMatchesFiniteDifferences(mix, RandomMatrix(4, 4, 3, 3.0), t);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.5)]
    [InlineData(3.0)]
    public void OneComponent_EqualsGaussianFromData(double t)
    {
        // k = 1: a single cluster holding every point, π = 1: the mixture is the data's Gaussian. Both float64 from the same
        // sums, so they agree to round-off (1e-10 leaves room for the two eigendecompositions' different roundings).
        var a = Clustered(40, 5, 4);
        using var at = torch.tensor(a);
        using var gauss = GaussianDenoiser.FromData(new DiffusionDynamics.Data.Dataset(Flatten(a), 40, 5));
        using var full = MixtureDenoiser.Fit(at, new MixtureOptions(Components: 1, Covariance: MixtureCovariance.Full));
        using var lowFullRank = MixtureDenoiser.Fit(at, new MixtureOptions(Components: 1, Covariance: MixtureCovariance.LowRank, Rank: 5));
        using var x = torch.tensor(RandomMatrix(6, 5, 5, 2.0));
        using var dg = gauss.Denoise(x, t);
        using var lg = gauss.LogDensity(x, t);
        foreach (var mix in new[] { full, lowFullRank })
        {
            Assert.True(Diff(mix.Denoise(x, t), dg).item<double>() < 1e-10);
            Assert.True(Diff(mix.LogDensity(x, t), lg).item<double>() < 1e-9);
        }
    }

    [Fact]
    public void KEqualsN_Isotropic_EqualsEmpiricalDenoiser()
    {
        // k = n distinct points: k-means++ picks every point once (a chosen point has D² = 0), each cluster is one point of
        // variance 0 and π = 1/n, which is exactly P_t^e. Float64 round-off only.
        var a = RandomMatrix(12, 3, 6);
        using var at = torch.tensor(a);
        using var mix = MixtureDenoiser.Fit(at, new MixtureOptions(Components: 12, Covariance: MixtureCovariance.Isotropic));
        using var emp = new EmpiricalDenoiser(at, new EmpiricalDenoiserOptions(Precision.Float64));
        Assert.All(mix.Components, c => Assert.Equal(0.0, c.ComplementVariance));
        using var x = torch.tensor(RandomMatrix(5, 3, 7, 1.5));
        foreach (double t in new[] { 0.01, 0.3, 2.0 })
        {
            Assert.True(Diff(mix.Denoise(x, t), emp.Denoise(x, t)).item<double>() < 1e-10, $"D at t = {t}");
            Assert.True(Diff(mix.LogDensity(x, t), emp.LogDensity(x, t)).item<double>() < 1e-9, $"ln P at t = {t}");
        }
    }

    [Fact]
    public void IsotropicComponentsOnTheTrainingPoints_ConvergeToEmpiricalLinearlyInTheVariance()
    {
        // Components N(a^μ, v I): D_μ = a^μ + g(x − θ a^μ) with g = θv/(θ²v + Δ) = O(v), and the responsibilities move by O(v),
        // so |D_v − D_emp| = c·v + O(v²): shrinking v tenfold shrinks the gap tenfold, up to a relative O(v·θ²/Δ) ≲ 2 %.
        var a = RandomMatrix(8, 3, 8);
        using var at = torch.tensor(a);
        using var emp = new EmpiricalDenoiser(at, new EmpiricalDenoiserOptions(Precision.Float64));
        using var x = torch.tensor(RandomMatrix(4, 3, 9));
        double t = 0.5;
        double Gap(double v)
        {
            using var mix = new MixtureDenoiser(Enumerable.Repeat(1.0, 8).ToArray(),
                Enumerable.Range(0, 8).Select(i => GaussianDenoiser.Isotropic(at[i], v)).ToArray());
            return Diff(mix.Denoise(x, t), emp.Denoise(x, t)).item<double>();
        }
        double g1 = Gap(1e-2), g2 = Gap(1e-3), g3 = Gap(1e-4);
        Assert.InRange(g1 / g2, 9.0, 11.0);
        Assert.InRange(g2 / g3, 9.8, 10.2);
    }

    [Theory]
    [InlineData(0.05, 1.0)]
    [InlineData(0.8, 0.5)]
    [InlineData(3.0, 1.0)]
    public void KnownTwoComponentMixture_EqualsTwoClusterDenoiser(double t, double sigma)
    {
        // ½N(+m, σ²I) + ½N(−m, σ²I) built from two isotropic Gaussians against the closed-form tanh denoiser.
        using var m = torch.tensor(new[] { 1.0, -0.5, 2.0, 0.3 });
        using var two = new TwoClusterDenoiser(m, sigma);
        using var mix = new MixtureDenoiser([0.5, 0.5], [GaussianDenoiser.Isotropic(m, sigma * sigma), GaussianDenoiser.Isotropic(-m, sigma * sigma)]);
        using var x = torch.tensor(RandomMatrix(7, 4, 10, 2.0));
        Assert.True(Diff(mix.Denoise(x, t), two.Denoise(x, t)).item<double>() < 1e-10);
        Assert.True(Diff(mix.LogDensity(x, t), two.LogDensity(x, t)).item<double>() < 1e-10);
    }

    [Fact]
    public void Responsibilities_AreTheNormalizedWeightedComponentDensities()
    {
        using var a = torch.tensor(Clustered(60, 4, 11));
        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 3, Rank: 2));
        using var x = torch.tensor(RandomMatrix(5, 4, 12, 3.0));
        double t = 0.4;
        using var r = mix.Responsibilities(x, t);
        using var logP = mix.LogDensity(x, t);
        for (int j = 0; j < 3; j++)
        {
            // r_j = π_j N_j(x) / P_t(x), with N_j from the component's own LogDensity.
            using var expected = (mix.Components[j].LogDensity(x, t) + Math.Log(mix.Weights[j]) - logP).exp();
            Assert.True((r[.., j] - expected).abs().max().item<double>() < 1e-12);
        }
        Assert.True((r.sum(1) - 1).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Fit_OnSeparatedClusters_HasWeightsMeansAndSpreadOfTheClusters()
    {
        var a = Clustered(300, 4, 13);
        using var at = torch.tensor(a);
        using var mix = MixtureDenoiser.Fit(at, new MixtureOptions(Components: 3, Covariance: MixtureCovariance.Full));
        Assert.Equal(3, mix.Components.Count);
        Assert.All(mix.Weights, w => Assert.Equal(1.0 / 3, w, 12)); // i % 3 labels: exactly 100 points each
        // The top eigenvalue of each cluster's covariance is the variance of coordinate 0, 1, estimated from 100 points:
        // relative SE √(2/99) ≈ 0.14, so 4 SE ≈ 0.57 relative.
        Assert.All(mix.Components, c => Assert.InRange(c.Eigenvalues[0], 1 - 0.57, 1 + 0.57));
    }

    [Theory]
    [InlineData(10)]   // n < d: eigenpairs from the n×n Gram matrix
    [InlineData(100)]  // n > d: from the d×d covariance
    public void LowRank_KeepsTheTopEigenpairsAndTheMeanResidualVariance(int n)
    {
        int d = 20, r = 4;
        var a = RandomMatrix(n, d, 14);
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) a[i, j] *= 3 + j; // a few dominant directions
        a = RoundToFloat(a);
        using var at = torch.tensor(a);
        using var low = MixtureDenoiser.Fit(at, new MixtureOptions(Components: 1, Covariance: MixtureCovariance.LowRank, Rank: r));
        using var full = GaussianDenoiser.FromData(new DiffusionDynamics.Data.Dataset(Flatten(a), n, d));
        var c = low.Components[0];
        for (int k = 0; k < r; k++) Assert.Equal(full.Eigenvalues[k], c.Eigenvalues[k], 9);
        double residual = full.Eigenvalues.Skip(r).Sum() / (d - r); // (tr C − Σ_{k≤r} λ_k)/(d − r)
        Assert.Equal(residual, c.ComplementVariance, 9);
        // Same top subspace: |U_lowᵀ U_full| is a rotation of the top-r block (its singular values are 1).
        using var overlap = c.Basis.t().mm(full.Basis.narrow(1, 0, r));
        using var sv = torch.linalg.svdvals(overlap);
        Assert.True((sv - 1).abs().max().item<double>() < 1e-8);
    }

    [Fact]
    public void Denoise_RowsDoNotDependOnTheBatch()
    {
        using var a = torch.tensor(Clustered(60, 4, 15));
        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 4));
        using var x = torch.tensor(RandomMatrix(6, 4, 16, 3.0));
        using var all = mix.Denoise(x, 0.2);
        for (int i = 0; i < 6; i++)
        {
            using var one = mix.Denoise(x.narrow(0, i, 1), 0.2);
            Assert.True((one[0] - all[i]).abs().max().item<double>() < 1e-13);
        }
    }

    [Fact]
    public void Fit_SameSeed_SameMixture_AndFloat32InputGivesFloat32Output()
    {
        var a = Clustered(90, 4, 17);
        using var at = torch.tensor(a);
        using var m1 = MixtureDenoiser.Fit(at, new MixtureOptions(Components: 5, Seed: 3));
        using var m2 = MixtureDenoiser.Fit(at.to_type(ScalarType.Float32), new MixtureOptions(Components: 5, Seed: 3));
        Assert.Equal(m1.Clustering!.Assignments, m2.Clustering!.Assignments);
        using var x = torch.tensor(RandomMatrix(3, 4, 18)).to_type(ScalarType.Float32);
        using var d = m1.Denoise(x, 0.5);
        Assert.Equal(ScalarType.Float32, d.dtype);
    }

    [Fact]
    public void BadInputs_Throw()
    {
        using var a = torch.tensor(Clustered(30, 4, 19));
        Assert.Throws<ArgumentOutOfRangeException>(() => MixtureDenoiser.Fit(a, new MixtureOptions(Components: 0)));
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => MixtureDenoiser.Fit(a, new MixtureOptions(Components: 31)));
        Assert.Contains("31", tooMany.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MixtureDenoiser.Fit(a, new MixtureOptions(Rank: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MixtureDenoiser.Fit(a, new MixtureOptions(MaxIterations: 0)));
        using var nan = a.clone();
        nan[2, 1] = torch.tensor(double.NaN);
        Assert.Throws<ArgumentException>(() => MixtureDenoiser.Fit(nan, new MixtureOptions(Components: 2)));
        Assert.Throws<ArgumentException>(() => MixtureDenoiser.Fit(a.reshape(-1), new MixtureOptions(Components: 2)));

        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 2));
        Assert.Throws<ArgumentException>(() => mix.Denoise(torch.zeros(3, 5, dtype: ScalarType.Float64), 0.5));   // d mismatch
        Assert.Throws<ArgumentException>(() => mix.Denoise(torch.zeros(0, 4, dtype: ScalarType.Float64), 0.5));   // empty batch
        Assert.Throws<ArgumentException>(() => mix.Denoise(torch.full(2, 4, double.NaN, dtype: ScalarType.Float64), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => mix.Denoise(torch.zeros(2, 4, dtype: ScalarType.Float64), 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => mix.LogDensity(torch.zeros(2, 4, dtype: ScalarType.Float64), -1.0));

        using var m = torch.zeros(4, dtype: ScalarType.Float64);
        using var m3 = torch.zeros(3, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => new MixtureDenoiser([1.0], []));
        Assert.Throws<ArgumentException>(() => new MixtureDenoiser([0.5], [GaussianDenoiser.Isotropic(m, 1), GaussianDenoiser.Isotropic(m, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureDenoiser([1.0, -1.0], [GaussianDenoiser.Isotropic(m, 1), GaussianDenoiser.Isotropic(m, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureDenoiser([1.0, double.NaN], [GaussianDenoiser.Isotropic(m, 1), GaussianDenoiser.Isotropic(m, 1)]));
        Assert.Throws<ArgumentException>(() => new MixtureDenoiser([1.0, 1.0], [GaussianDenoiser.Isotropic(m, 1), GaussianDenoiser.Isotropic(m3, 1)]));
    }

    internal static double[,] RoundToFloat(double[,] a)
    {
        var r = (double[,])a.Clone();
        for (int i = 0; i < r.GetLength(0); i++)
            for (int j = 0; j < r.GetLength(1); j++) r[i, j] = (float)r[i, j];
        return r;
    }

    internal static float[] Flatten(double[,] a)
    {
        var f = new float[a.Length];
        int k = 0;
        foreach (var v in a) f[k++] = (float)v;
        return f;
    }
}
