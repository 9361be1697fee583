using DiffusionDynamics.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Seeded k-means (Lloyd 1982; k-means++ initialization of Arthur &amp; Vassilvitskii 2007), the clustering behind the
/// Gaussian-mixture scores (Wang &amp; Vastola, arXiv 2412.09726). All batch math is float64 TorchSharp: squared
/// distances through one GEMM, |a − c|² = |a|² − 2 a·c + |c|², so an iteration costs O(n·k·d) and never forms an
/// n×k×d tensor.
/// </summary>
public static class KMeans
{
    /// <summary>
    /// Partitions <paramref name="points"/> ([n, d], float32 or float64, finite) into <paramref name="k"/> clusters.
    /// Initialization (k-means++): the first centre is a uniform point, each next one a point drawn with probability
    /// ∝ D(a)², its squared distance to the nearest centre so far (uniform among unchosen points when all D(a)² = 0).
    /// Lloyd iterations then alternate assignment a ↦ argmin_j |a − c_j|² and c_j = mean of its points, until no
    /// assignment changes or <paramref name="maxIterations"/>. A cluster left empty is re-seeded at the point farthest
    /// from its own centre. Same inputs and seed → same result. Range: 1 ≤ k ≤ n, maxIterations ≥ 1.
    /// </summary>
    public static KMeansResult Fit(Tensor points, int k, int maxIterations = 100, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        Backend.TorchRuntime.EnsureInitialized();
        if (points.dim() != 2 || points.shape[0] < 1 || points.shape[1] < 1)
            throw new ArgumentException($"Points must have shape [n ≥ 1, d ≥ 1], got [{string.Join(", ", points.shape)}].", nameof(points));
        int n = (int)points.shape[0];
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, n = {n}].");
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "maxIterations must be ≥ 1.");
        if (!points.isfinite().all().item<bool>()) throw new ArgumentException("Points contain NaN or infinite values.", nameof(points));

        using var scope = NewDisposeScope();
        var a = points.to_type(ScalarType.Float64).contiguous();
        var normsSq = a.square().sum(1);                                  // |a|²: [n]
        var centres = InitialCentres(a, normsSq, k, Xoshiro.ForStream(seed, 0));

        int[]? assignment = null;
        int iterations = 0;
        bool converged = false;
        for (int it = 0; it < maxIterations; it++)
        {
            using var step = NewDisposeScope();
            var (next, nearestSq) = Assign(a, normsSq, centres);
            if (assignment is not null && next.AsSpan().SequenceEqual(assignment))
            {
                converged = true;
                break;
            }
            assignment = next;
            iterations++;
            var updated = Update(a, assignment, nearestSq, k);
            centres.copy_(updated);
        }
        // After the cap the last update moved the centres: they stay the means of the returned assignment.
        var sizes = new int[k];
        foreach (int j in assignment!) sizes[j]++;
        var final = Means(a, assignment, k, sizes, fallback: centres);
        double inertia = (a - final.index_select(0, torch.tensor(assignment.Select(j => (long)j).ToArray()))).square().sum().item<double>();
        return new KMeansResult(final.MoveToOuterDisposeScope(), assignment, sizes, iterations, converged, inertia);
    }

    /// <summary>Squared distances |a − c|² = |a|² − 2 a·c + |c|² ([n, k], clamped at 0 against round-off).</summary>
    internal static Tensor SquaredDistances(Tensor a, Tensor normsSq, Tensor centres) =>
        torch.addmm(normsSq.unsqueeze(1) + centres.square().sum(1).unsqueeze(0), a, centres.t(), beta: 1.0f, alpha: -2.0f).clamp_min_(0.0);

    private static Tensor InitialCentres(Tensor a, Tensor normsSq, int k, Xoshiro rng)
    {
        int n = (int)a.shape[0];
        var chosen = new List<int> { rng.NextInt(n) };
        var minSq = SquaredDistances(a, normsSq, a[chosen[0]].unsqueeze(0)).squeeze(1).data<double>().ToArray();
        while (chosen.Count < k)
        {
            double total = minSq.Sum();
            int pick;
            if (total > 0)
            {
                double u = rng.NextDouble() * total, cumulative = 0;
                pick = -1;
                for (int i = 0; i < n && pick < 0; i++)
                {
                    cumulative += minSq[i];
                    if (u < cumulative && minSq[i] > 0) pick = i;
                }
                if (pick < 0) pick = Array.FindLastIndex(minSq, v => v > 0); // u landed on the round-off edge of the sum
            }
            else
            {
                // Every point coincides with a chosen centre (fewer distinct points than k): take an unchosen one.
                var rest = Enumerable.Range(0, n).Except(chosen).ToArray();
                pick = rest[rng.NextInt(rest.Length)];
            }
            chosen.Add(pick);
            using var d2 = SquaredDistances(a, normsSq, a[pick].unsqueeze(0)).squeeze(1);
            var fresh = d2.data<double>().ToArray();
            for (int i = 0; i < n; i++) minSq[i] = Math.Min(minSq[i], fresh[i]);
        }
        return a.index_select(0, torch.tensor(chosen.Select(i => (long)i).ToArray())).clone();
    }

    private static (int[] Assignment, double[] NearestSq) Assign(Tensor a, Tensor normsSq, Tensor centres)
    {
        var d2 = SquaredDistances(a, normsSq, centres);
        var (values, indices) = d2.min(1);
        return (indices.to_type(ScalarType.Int32).data<int>().ToArray(), values.data<double>().ToArray());
    }

    /// <summary>New centres: cluster means; an empty cluster takes the point farthest from its own centre (each point used once).</summary>
    private static Tensor Update(Tensor a, int[] assignment, double[] nearestSq, int k)
    {
        var sizes = new int[k];
        foreach (int j in assignment) sizes[j]++;
        var centres = Means(a, assignment, k, sizes, fallback: null);
        var empty = Enumerable.Range(0, k).Where(j => sizes[j] == 0).ToArray();
        if (empty.Length > 0)
        {
            var farthest = Enumerable.Range(0, assignment.Length).OrderByDescending(i => nearestSq[i]).ThenBy(i => i).Take(empty.Length).ToArray();
            for (int e = 0; e < empty.Length; e++) centres[empty[e]].copy_(a[farthest[e]]);
        }
        return centres;
    }

    /// <summary>Cluster means via one index_add (an empty cluster keeps the fallback row, or zeros).</summary>
    private static Tensor Means(Tensor a, int[] assignment, int k, int[] sizes, Tensor? fallback)
    {
        var index = torch.tensor(assignment.Select(j => (long)j).ToArray());
        var sums = torch.zeros([k, a.shape[1]], dtype: ScalarType.Float64).index_add_(0, index, a, 1.0);
        var counts = torch.tensor(sizes.Select(s => (double)Math.Max(s, 1)).ToArray()).unsqueeze(1);
        var means = sums.div_(counts);
        if (fallback is not null)
            for (int j = 0; j < k; j++)
                if (sizes[j] == 0) means[j].copy_(fallback[j]);
        return means;
    }
}
