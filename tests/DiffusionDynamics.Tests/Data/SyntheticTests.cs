using DiffusionDynamics.Data;
using MathNet.Numerics.LinearAlgebra;

namespace DiffusionDynamics.Tests.Data;

public class SyntheticTests
{
    /// <summary>Sample covariance (1/n) Σ (a − ā)(a − ā)ᵀ in double precision.</summary>
    private static double[,] SampleCovariance(Dataset data)
    {
        var mean = data.Mean();
        int d = data.Dimension;
        var c = new double[d, d];
        for (int mu = 0; mu < data.Count; mu++)
        {
            var row = data.Row(mu);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) c[i, j] += (row[i] - mean[i]) * (row[j] - mean[j]);
        }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) c[i, j] /= data.Count;
        return c;
    }

    [Fact]
    public void TwoCluster_HasMeanNormDMuSquaredAndVarianceSigmaSquaredPlusMuSquared()
    {
        const int d = 16, n = 20000;
        const double mu = 0.5, sigma = 1.2;
        var result = new TwoClusterSpec(d, n, mu, sigma).Generate(seed: 0);
        Assert.Equal(d * mu * mu, result.M.Sum(m => m * m), 12);
        Assert.Equal(d * mu * mu, result.MeanNormSquared, 12);
        Assert.Equal(sigma * sigma + d * mu * mu, result.Lambda, 12);

        var data = result.Data;
        var mean = data.Mean();
        double variance = sigma * sigma + mu * mu;
        double seVariance = Math.Sqrt((4 * mu * mu * sigma * sigma + 2 * Math.Pow(sigma, 4)) / n);
        var c = SampleCovariance(data);
        for (int k = 0; k < d; k++)
        {
            Assert.InRange(mean[k], -4 * Math.Sqrt(variance / n), 4 * Math.Sqrt(variance / n));
            Assert.InRange(c[k, k], variance - 4 * seVariance, variance + 4 * seVariance);
        }
        int ones = data.CountOf(1);
        Assert.Equal(n, ones + data.CountOf(0));
        Assert.InRange(ones, n / 2 - 4 * Math.Sqrt(n) / 2, n / 2 + 4 * Math.Sqrt(n) / 2);
    }

    [Fact]
    public void TwoCluster_LabelOneItemsCentreOnPlusM()
    {
        var data = new TwoClusterSpec(4, 4000, 2, 1).Generate(3).Data;
        foreach (int label in new[] { 0, 1 })
        {
            var cluster = data.FilterClasses(label);
            double se = 1 / Math.Sqrt(cluster.Count);
            Assert.All(cluster.Mean(), m => Assert.InRange(m, (2 * label - 1) * 2 - 4 * se, (2 * label - 1) * 2 + 4 * se));
        }
    }

    [Fact]
    public void Generators_AreSeedDeterministicAndPrefixStable()
    {
        var a = new TwoClusterSpec(3, 20, 1, 1).Generate(7).Data;
        Assert.Equal(a.ToArray(), new TwoClusterSpec(3, 20, 1, 1).Generate(7).Data.ToArray());
        Assert.NotEqual(a.ToArray(), new TwoClusterSpec(3, 20, 1, 1).Generate(8).Data.ToArray());
        Assert.Equal(a.ToArray()[..30], new TwoClusterSpec(3, 10, 1, 1).Generate(7).Data.ToArray());
        var g = new GaussianSpec(3, 10, [1, 2, 3], Rotate: true);
        Assert.Equal(g.Generate(1).Data.ToArray(), g.Generate(1).Data.ToArray());
    }

    [Fact]
    public void Gaussian_SampleCovarianceMatchesUSpectrumUTransposed()
    {
        const int n = 20000;
        double[] spectrum = [4, 1, 0.5, 0.25];
        var result = new GaussianSpec(4, n, spectrum, Rotate: true).Generate(seed: 2);
        var u = Matrix<double>.Build.Dense(4, 4, (i, k) => result.Basis![i * 4 + k]);
        Assert.True((u.TransposeThisAndMultiply(u) - Matrix<double>.Build.DenseIdentity(4)).FrobeniusNorm() < 1e-12, "U must be orthogonal");

        var expected = result.Covariance();
        var c = SampleCovariance(result.Data);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double se = Math.Sqrt((expected[i * 4 + i] * expected[j * 4 + j] + expected[i * 4 + j] * expected[i * 4 + j]) / n);
                Assert.InRange(c[i, j], expected[i * 4 + j] - 4 * se, expected[i * 4 + j] + 4 * se);
            }
        var eigen = Matrix<double>.Build.DenseOfArray(c).Evd().EigenValues.Select(z => z.Real).OrderDescending().ToArray();
        for (int k = 0; k < 4; k++)
            Assert.InRange(eigen[k], spectrum[k] * (1 - 4 * Math.Sqrt(2.0 / n)), spectrum[k] * (1 + 4 * Math.Sqrt(2.0 / n)));
    }

    [Fact]
    public void Gaussian_WithoutRotation_HasDiagonalVariances()
    {
        const int n = 10000;
        var data = new GaussianSpec(3, n, [9, 1, 0]).Generate(5).Data;
        var c = SampleCovariance(data);
        Assert.InRange(c[0, 0], 9 * (1 - 4 * Math.Sqrt(2.0 / n)), 9 * (1 + 4 * Math.Sqrt(2.0 / n)));
        Assert.InRange(c[1, 1], 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        Assert.Equal(0, c[2, 2]);
    }

    [Fact]
    public void LinearManifold_StandardSpecHasSubspaceStds()
    {
        const int n = 20000;
        var spec = LinearManifoldSpec.Standard(n);
        Assert.Equal(30, spec.D);
        Assert.Equal([1.0, 1, .. Enumerable.Repeat(0.3, 5), .. Enumerable.Repeat(0.01, 23)], spec.Stds);
        var c = SampleCovariance(spec.Generate(4).Data);
        for (int k = 0; k < 30; k++)
        {
            double v = spec.Stds[k] * spec.Stds[k];
            Assert.InRange(c[k, k], v * (1 - 4 * Math.Sqrt(2.0 / n)), v * (1 + 4 * Math.Sqrt(2.0 / n)));
        }
    }

    [Fact]
    public void LinearManifold_SphereProjectionGivesUnitNorms()
    {
        var data = new LinearManifoldSpec(10, 200, LinearManifoldSpec.FromSubspaces((2, 1), (8, 0.01)), Sphere: true, Rotate: true).Generate(0).Data;
        for (int mu = 0; mu < data.Count; mu++)
        {
            double norm = Math.Sqrt(data.Row(mu).ToArray().Sum(x => (double)x * x));
            Assert.Equal(1, norm, 5);
        }
    }

    [Fact]
    public void Circle_PointsLieOnTheCircle()
    {
        var data = new CircleSpec(64, 2.5).Generate(0).Data;
        Assert.Equal(2, data.Dimension);
        for (int mu = 0; mu < 64; mu++) Assert.Equal(2.5, Math.Sqrt(data.Row(mu)[0] * data.Row(mu)[0] + data.Row(mu)[1] * data.Row(mu)[1]), 5);
        var even = new CircleSpec(4, 1, Evenly: true).Generate(0).Data.ToArray();
        Assert.Equal([1, 0, 0, 1, -1, 0, 0, -1], even.Select(v => MathF.Round(v, 5)));
        var noisy = new CircleSpec(5000, 1, 0.1).Generate(1).Data;
        var radii = Enumerable.Range(0, 5000).Select(mu => Math.Sqrt(noisy.Row(mu)[0] * noisy.Row(mu)[0] + noisy.Row(mu)[1] * noisy.Row(mu)[1])).ToArray();
        Assert.InRange(radii.Average(), 1 - 4 * 0.1 / Math.Sqrt(5000), 1 + 4 * 0.1 / Math.Sqrt(5000));
    }

    [Fact]
    public void Points_GiveOneDimensionalDatasetLabelledByIndex()
    {
        var data = new PointsSpec([-1, 1]).Generate().Data;
        Assert.Equal((2, 1), (data.Count, data.Dimension));
        Assert.Equal([-1f, 1], data.ToArray());
        Assert.Equal([0, 1], data.Labels!);
        Assert.Equal("points:-1,1", data.Name);
    }

    [Theory]
    [InlineData(0, 10, 1.0, 1.0)]
    [InlineData(2, 0, 1.0, 1.0)]
    [InlineData(2, 10, double.NaN, 1.0)]
    [InlineData(2, 10, 1.0, -0.1)]
    [InlineData(2, 10, 1.0, double.PositiveInfinity)]
    public void TwoCluster_OutOfRangeParameters_Throw(int d, int n, double mu, double sigma) =>
        Assert.Throws<ArgumentException>(() => new TwoClusterSpec(d, n, mu, sigma).Generate(0));

    [Fact]
    public void Generators_InvalidSpectraAndRadii_Throw()
    {
        Assert.Throws<ArgumentException>(() => new GaussianSpec(3, 10, [1, 1]).Generate(0));
        Assert.Throws<ArgumentException>(() => new GaussianSpec(2, 10, [1, -1]).Generate(0));
        Assert.Throws<ArgumentException>(() => new LinearManifoldSpec(2, 10, [0, 0], Sphere: true).Generate(0));
        Assert.Throws<ArgumentException>(() => new CircleSpec(10, 0).Generate(0));
        Assert.Throws<ArgumentException>(() => new PointsSpec([]).Generate());
    }

    [Fact]
    public void Source_RoundTripsThroughDataSource()
    {
        SyntheticSpec[] specs =
        [
            new TwoClusterSpec(5, 7, 0.3, 2),
            new GaussianSpec(4, 6, [4, 2, 2, 0.1], Rotate: true),
            LinearManifoldSpec.Standard(9, sphere: true),
            new CircleSpec(8, 1.5, 0.2),
            new PointsSpec([-1, 0.5, 1]),
        ];
        foreach (var spec in specs)
        {
            var direct = spec.Generate(42).Data;
            var parsed = DataSource.Parse(spec.Source(42));
            Assert.Equal(direct.ToArray(), parsed.ToArray());
            Assert.Equal(direct.Name, parsed.Name);
        }
    }
}
