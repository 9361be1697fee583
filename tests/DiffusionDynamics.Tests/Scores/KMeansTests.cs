using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class KMeansTests
{
    /// <summary>k clusters of n/k points in d dimensions: centre j at 10·e_j, within-cluster sd 0.5 (centres 14 apart, 28 sd).</summary>
    private static (double[,] Points, int[] Truth) Separated(int n, int k, int d, ulong seed)
    {
        var z = RandomMatrix(n, d, seed, 0.5);
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = (i * 7) % k; // interleaved, so cluster order is not the point order
            z[i, truth[i]] += 10;
        }
        return (z, truth);
    }

    [Fact]
    public void WellSeparatedClusters_AreRecoveredExactly()
    {
        var (points, truth) = Separated(200, 4, 5, 1);
        using var a = torch.tensor(points);
        var result = KMeans.Fit(a, 4, seed: 2);
        Assert.True(result.Converged);
        // The same partition up to relabelling: each found cluster holds exactly one true cluster.
        for (int j = 0; j < 4; j++)
        {
            var labels = Enumerable.Range(0, 200).Where(i => result.Assignments[i] == j).Select(i => truth[i]).Distinct().ToArray();
            Assert.Single(labels);
            Assert.Equal(50, result.Sizes[j]);
        }
        // Centres are the cluster means, within 4 SE (0.5/√50 per coordinate) of the true centres.
        var c = ToArray(result.Centres);
        for (int j = 0; j < 4; j++)
        {
            int label = truth[Array.IndexOf(result.Assignments, j)];
            for (int q = 0; q < 5; q++) Assert.InRange(c[j, q] - (q == label ? 10 : 0), -4 * 0.5 / Math.Sqrt(50), 4 * 0.5 / Math.Sqrt(50));
        }
        result.Centres.Dispose();
    }

    [Fact]
    public void ConvergedPartition_IsALloydFixedPoint()
    {
        // Every point is assigned to its nearest centre (brute-force distances in doubles) and every centre is its points' mean.
        var points = RandomMatrix(150, 3, 3);
        using var a = torch.tensor(points);
        var r = KMeans.Fit(a, 6, maxIterations: 500, seed: 4);
        Assert.True(r.Converged);
        var c = ToArray(r.Centres);
        double inertia = 0;
        for (int i = 0; i < 150; i++)
        {
            double Dist(int j) => Enumerable.Range(0, 3).Sum(q => (points[i, q] - c[j, q]) * (points[i, q] - c[j, q]));
            int best = Enumerable.Range(0, 6).OrderBy(Dist).First();
            Assert.True(Dist(r.Assignments[i]) <= Dist(best) + 1e-12);
            inertia += Dist(r.Assignments[i]);
        }
        for (int j = 0; j < 6; j++)
            for (int q = 0; q < 3; q++)
            {
                var members = Enumerable.Range(0, 150).Where(i => r.Assignments[i] == j).ToArray();
                Assert.Equal(members.Average(i => points[i, q]), c[j, q], 12);
            }
        Assert.Equal(inertia, r.Inertia, 9);
        Assert.Equal(150, r.Sizes.Sum());
        r.Centres.Dispose();
    }

    [Fact]
    public void OneCluster_IsTheMean_AndKEqualsN_HasZeroInertia()
    {
        var points = RandomMatrix(20, 4, 5);
        using var a = torch.tensor(points);
        var one = KMeans.Fit(a, 1);
        using var mean = a.mean([0]);
        Assert.True((one.Centres[0] - mean).abs().max().item<double>() < 1e-14);
        var all = KMeans.Fit(a, 20);
        Assert.Equal(0.0, all.Inertia, 12);
        Assert.All(all.Sizes, s => Assert.Equal(1, s));
        one.Centres.Dispose();
        all.Centres.Dispose();
    }

    [Fact]
    public void SameSeed_GivesTheSamePartition()
    {
        var (points, _) = Separated(120, 3, 4, 6);
        using var a = torch.tensor(RandomMatrix(120, 4, 7)) + torch.tensor(points);
        var r1 = KMeans.Fit(a, 5, seed: 9);
        var r2 = KMeans.Fit(a, 5, seed: 9);
        Assert.Equal(r1.Assignments, r2.Assignments);
        Assert.Equal(r1.Iterations, r2.Iterations);
        r1.Centres.Dispose();
        r2.Centres.Dispose();
    }

    [Fact]
    public void FewerDistinctPointsThanK_LeavesAnEmptyClusterInsteadOfFailing()
    {
        // Two distinct points, each three times: the third cluster can hold nothing; sizes still add up to n.
        var points = new double[6, 2];
        for (int i = 0; i < 6; i++) points[i, 0] = i % 2;
        using var a = torch.tensor(points);
        var r = KMeans.Fit(a, 3);
        Assert.Equal(6, r.Sizes.Sum());
        Assert.Equal(2, r.Sizes.Count(s => s > 0));
        Assert.Equal(0.0, r.Inertia, 12);
        r.Centres.Dispose();
    }

    [Fact]
    public void BadInputs_ThrowNamingTheValue()
    {
        using var a = torch.tensor(RandomMatrix(10, 3, 8));
        Assert.Contains("k", Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit(a, 0)).ParamName);
        Assert.Contains("11", Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit(a, 11)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit(a, 2, maxIterations: 0));
        Assert.Throws<ArgumentException>(() => KMeans.Fit(a.reshape(-1), 2));
        Assert.Throws<ArgumentException>(() => KMeans.Fit(torch.zeros(0, 3), 1));
        using var nan = a.clone();
        nan[3, 2] = torch.tensor(double.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => KMeans.Fit(nan, 2)).Message);
    }
}
