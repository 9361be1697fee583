using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Bench;

/// <summary>
/// A minimal empirical denoiser (docs/theory.md §2) used as the bench's baseline and to time its parts:
/// logits L = α X Aᵀ + β |a|² (one addmm), W = exp(L − max L), D = (W A) / Σ W, chunked over n.
/// α = e^{−t}/Δ_t, β = −½ e^{−2t}/Δ_t. Chunks of ⌊maxChunkElements / B⌋ rows (online softmax).
/// Variants for the lead to compare: <paramref name="reuseLogits"/> keeps one [B, n] logits buffer across calls
/// and fills it in place with addmm_ (no fresh 10 MB allocation, so no page faults per call; single-block
/// case only), <paramref name="clampLogits"/> clamps L − max L at −80 before exp_ so every weight stays a
/// normal float32 (weights below e^{−80} relative to the largest change D by less than n·e^{−80}).
/// </summary>
internal sealed class ReferenceEmpiricalDenoiser : IDenoiser, IDisposable
{
    private readonly Tensor data;    // A: [n, d] float32
    private readonly Tensor normsSq; // |a|²: [n]
    private readonly long maxChunkElements;
    private readonly bool reuseLogits, clampLogits;
    private Tensor? logitsBuffer; // [B, n], reused when reuseLogits (not thread-safe: bench only)

    public ReferenceEmpiricalDenoiser(Tensor trainingSet, long maxChunkElements = 1L << 24, bool reuseLogits = false, bool clampLogits = false)
    {
        this.reuseLogits = reuseLogits;
        this.clampLogits = clampLogits;
        data = trainingSet.to_type(ScalarType.Float32).contiguous().clone();
        normsSq = data.square().sum(1);
        this.maxChunkElements = maxChunkElements;
        Dimension = (int)data.shape[1];
    }

    public int Dimension { get; }

    private long Count => data.shape[0];

    public Tensor Denoise(Tensor x, double t)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0];
        long chunk = Math.Clamp(maxChunkElements / batch, 1, Count);
        double delta = DiffusionDynamics.Time.OuTime.Delta(t);
        float alpha = (float)(Math.Exp(-t) / delta), beta = (float)(-0.5 * Math.Exp(-2 * t) / delta);
        if (reuseLogits && chunk >= Count)
        {
            if (logitsBuffer is null || logitsBuffer.shape[0] != batch)
            {
                logitsBuffer?.Dispose();
                logitsBuffer = empty([batch, Count]).DetachFromDisposeScope();
            }
            var l = logitsBuffer.copy_(normsSq.unsqueeze(0).expand(batch, Count)).addmm_(x, data.t(), beta, alpha);
            l.sub_(l.amax([1], keepdim: true));
            if (clampLogits) l.clamp_min_(-80.0);
            l.exp_();
            var z = l.sum(1, keepdim: true);
            return l.mm(data).div_(z).MoveToOuterDisposeScope();
        }
        var m = full([batch, 1], float.NegativeInfinity);
        var s = zeros([batch, 1]);
        var acc = zeros([batch, Dimension]);
        for (long start = 0; start < Count; start += chunk)
        {
            using var inner = NewDisposeScope();
            long len = Math.Min(chunk, Count - start);
            var a = data.narrow(0, start, len);
            var logits = addmm(normsSq.narrow(0, start, len).unsqueeze(0), x, a.t(), beta, alpha);
            var mNew = maximum(m, logits.amax([1], keepdim: true));
            var rescale = (m - mNew).exp_();
            var w = logits.sub_(mNew);
            if (clampLogits) w.clamp_min_(-80.0);
            w.exp_();
            s.mul_(rescale).add_(w.sum(1, keepdim: true));
            acc.mul_(rescale).add_(w.mm(a));
            m.copy_(mNew);
        }
        return acc.div_(s).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Seconds per call spent in each stage of the single-chunk path (B·n fits one block), each stage timed
    /// alone on pre-computed inputs: GEMM 1 (addmm), softmax numerator (amax, sub_, exp_, sum), GEMM 2 (mm),
    /// normalization (div_).
    /// </summary>
    public (Timing Gemm1, Timing Softmax, Timing Gemm2, Timing Normalize) Profile(Tensor x, double t, int warmups, int repeats)
    {
        using var scope = NewDisposeScope();
        double delta = DiffusionDynamics.Time.OuTime.Delta(t);
        float alpha = (float)(Math.Exp(-t) / delta), beta = (float)(-0.5 * Math.Exp(-2 * t) / delta);
        var bias = normsSq.unsqueeze(0);
        var logits = addmm(bias, x, data.t(), beta, alpha);
        var work = empty_like(logits);
        var w = empty_like(logits);
        var z = empty([x.shape[0], 1]);
        var d = empty([x.shape[0], Dimension]);
        var gemm1 = reuseLogits
            ? Timing.Measure(() => w.copy_(bias.expand_as(w)).addmm_(x, data.t(), beta, alpha), warmups, repeats)
            : Timing.Measure(() => { using var _ = NewDisposeScope(); addmm(bias, x, data.t(), beta, alpha); }, warmups, repeats);
        var softmax = Timing.Measure(() =>
        {
            using var _ = NewDisposeScope();
            work.copy_(logits);
            var max = work.amax([1], keepdim: true);
            work.sub_(max);
            if (clampLogits) work.clamp_min_(-80.0);
            work.exp_();
            work.sum(1, keepdim: true);
        }, warmups, repeats);
        var copy = Timing.Measure(() => work.copy_(logits), warmups, repeats);
        softmax = softmax with { MedianSeconds = Math.Max(softmax.MedianSeconds - copy.MedianSeconds, 0), BestSeconds = Math.Max(softmax.BestSeconds - copy.BestSeconds, 0) };
        work.copy_(logits);
        work.sub_(work.amax([1], keepdim: true));
        if (clampLogits) work.clamp_min_(-80.0);
        work.exp_();
        var gemm2 = Timing.Measure(() => { using var _ = NewDisposeScope(); work.mm(data); }, warmups, repeats);
        var sum = work.sum(1, keepdim: true);
        var unnormalized = work.mm(data);
        var normalize = Timing.Measure(() => d.copy_(unnormalized).div_(sum), warmups, repeats);
        return (gemm1, softmax, gemm2, normalize);
    }

    public void Dispose()
    {
        data.Dispose();
        normsSq.Dispose();
        logitsBuffer?.Dispose();
    }
}
