using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Nearest and second-nearest training points of each sample, and the memorization test built on them.</summary>
/// <param name="Nearest">Index of the nearest training point per sample.</param>
/// <param name="SecondNearest">Index of the second-nearest training point (−1 when n = 1).</param>
/// <param name="NearestDistance">Euclidean distance to the nearest training point.</param>
/// <param name="SecondDistance">Distance to the second-nearest (+∞ when n = 1).</param>
public sealed record NearestNeighbourResult(long[] Nearest, long[] SecondNearest, double[] NearestDistance, double[] SecondDistance)
{
    /// <summary>
    /// Nearest/second-nearest distance ratio per sample; a sample with ratio &lt; <paramref name="threshold"/>
    /// (1/3 in Biroli et al. 2024, arXiv 2402.18491, following Yoon et al.) counts as a copy of a training point.
    /// </summary>
    public bool[] Memorized(double threshold = 1.0 / 3.0) =>
        NearestDistance.Select((d1, i) => d1 < threshold * SecondDistance[i]).ToArray();

    /// <summary>Share of samples that are copies (ratio below the threshold).</summary>
    public double MemorizedFraction(double threshold = 1.0 / 3.0) => Memorized(threshold).Count(m => m) / (double)Nearest.Length;

    /// <summary>d₁/d₂ per sample (0 when d₂ = 0 and d₁ = 0).</summary>
    public double[] Ratios => NearestDistance.Select((d1, i) => SecondDistance[i] > 0 ? d1 / SecondDistance[i] : 0.0).ToArray();
}

/// <summary>Exact nearest-neighbour search of samples against a training set by GEMM (|x|² − 2x·a + |a|²), chunked over n.</summary>
public static class NearestNeighbours
{
    /// <param name="samples">x: [B, d].</param>
    /// <param name="trainingSet">A: [n, d], n ≥ 1.</param>
    /// <param name="maxChunkElements">Bound on B × chunk for the distance block.</param>
    public static NearestNeighbourResult Find(Tensor samples, Tensor trainingSet, long maxChunkElements = 1L << 24)
    {
        using var index = new NearestNeighbourIndex(trainingSet, maxChunkElements);
        return index.Find(samples);
    }
}

/// <summary>
/// <see cref="NearestNeighbours.Find"/> against one training set, many times: the float64 copy of A and its squared norms are made once
/// (at n = 60,000, d = 784 remaking them took most of a call). The arithmetic of a search is the same, so its results are identical.
/// </summary>
public sealed class NearestNeighbourIndex : IDisposable
{
    private readonly Tensor a, aNorm;
    private readonly long maxChunkElements;

    /// <param name="trainingSet">A: [n, d], n ≥ 1 (copied to float64).</param>
    /// <param name="maxChunkElements">Bound on B × chunk for the distance block.</param>
    public NearestNeighbourIndex(Tensor trainingSet, long maxChunkElements = 1L << 24)
    {
        ArgumentNullException.ThrowIfNull(trainingSet);
        if (trainingSet.dim() != 2) throw new ArgumentException($"The training set must be [n, d], got [{string.Join(", ", trainingSet.shape)}].");
        if (trainingSet.shape[0] < 1) throw new ArgumentException("Samples and training set must be non-empty.");
        using var scope = NewDisposeScope();
        a = trainingSet.to_type(ScalarType.Float64).DetachFromDisposeScope();
        aNorm = a.square().sum(1).DetachFromDisposeScope();
        this.maxChunkElements = maxChunkElements;
    }

    /// <summary>Nearest and second-nearest training points of each row of <paramref name="samples"/> ([B, d]).</summary>
    public NearestNeighbourResult Find(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 2 || samples.shape[1] != a.shape[1])
            throw new ArgumentException($"Samples [{string.Join(", ", samples.shape)}] and training set [{string.Join(", ", a.shape)}] must be [B, d] and [n, d].");
        if (samples.shape[0] < 1) throw new ArgumentException("Samples and training set must be non-empty.");
        using var scope = NewDisposeScope();
        var x = samples.to_type(ScalarType.Float64);
        long b = x.shape[0], n = a.shape[0];
        long chunk = Math.Clamp(maxChunkElements / b, Math.Min(2, n), n);
        var xNorm = x.square().sum(1, keepdim: true);
        var bestD = new List<Tensor>();
        var bestI = new List<Tensor>();
        for (long start = 0; start < n; start += chunk)
        {
            long len = Math.Min(chunk, n - start);
            var ac = a.narrow(0, start, len);
            var dist2 = torch.addmm(xNorm + aNorm.narrow(0, start, len).unsqueeze(0), x, ac.t(), 1.0f, -2.0f).clamp_min_(0.0);
            int k = (int)Math.Min(2, len);
            var (v, i) = dist2.topk(k, 1, largest: false, sorted: true);
            bestD.Add(v);
            bestI.Add(i + start);
        }
        var allD = torch.cat(bestD, 1);
        var allI = torch.cat(bestI, 1);
        int kk = (int)Math.Min(2, n);
        var (topD, pos) = allD.topk(kk, 1, largest: false, sorted: true);
        var topI = allI.gather(1, pos);
        // The GEMM expansion finds the neighbours; their distances are recomputed as |x − a| directly, because
        // |x|² − 2x·a + |a|² cancels catastrophically for a copy (d₁ ≈ 0 came out as rounding noise ~1e−6).
        var i1Tensor = topI.select(1, 0);
        var i1 = i1Tensor.data<long>().ToArray();
        var d1 = (x - a.index_select(0, i1Tensor)).square().sum(1).sqrt().data<double>().ToArray();
        long[] i2 = kk > 1 ? topI.select(1, 1).data<long>().ToArray() : Enumerable.Repeat(-1L, (int)b).ToArray();
        double[] d2 = kk > 1
            ? (x - a.index_select(0, topI.select(1, 1))).square().sum(1).sqrt().data<double>().ToArray()
            : Enumerable.Repeat(double.PositiveInfinity, (int)b).ToArray();
        return new NearestNeighbourResult(i1, i2, d1, d2);
    }

    /// <summary>Releases the float64 copy.</summary>
    public void Dispose()
    {
        a.Dispose();
        aNorm.Dispose();
    }
}
