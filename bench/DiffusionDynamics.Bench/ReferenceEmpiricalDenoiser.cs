using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Bench;

/// <summary>
/// A minimal empirical denoiser (science.md §2) used as the bench's baseline and to time its parts:
/// logits L = α X Aᵀ + β |a|² (one addmm), W = exp(L − max L), D = (W A) / Σ W, chunked over n.
/// α = e^{−t}/Δ_t, β = −½ e^{−2t}/Δ_t. Single-chunk path when B·n ≤ <see cref="maxChunkElements"/>.
/// </summary>
internal sealed class ReferenceEmpiricalDenoiser : IDenoiser, IDisposable
{
    private readonly Tensor data;    // A: [n, d] float32
    private readonly Tensor normsSq; // |a|²: [n]
    private readonly long maxChunkElements;

    public ReferenceEmpiricalDenoiser(Tensor trainingSet, long maxChunkElements = 1L << 24)
    {
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
            var w = logits.sub_(mNew).exp_();
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
        var gemm1 = Timing.Measure(() => { using var _ = NewDisposeScope(); addmm(bias, x, data.t(), beta, alpha); }, warmups, repeats);
        var softmax = Timing.Measure(() =>
        {
            using var _ = NewDisposeScope();
            work.copy_(logits);
            var max = work.amax([1], keepdim: true);
            work.sub_(max).exp_();
            work.sum(1, keepdim: true);
        }, warmups, repeats);
        var copy = Timing.Measure(() => work.copy_(logits), warmups, repeats);
        softmax = softmax with { MedianSeconds = Math.Max(softmax.MedianSeconds - copy.MedianSeconds, 0), BestSeconds = Math.Max(softmax.BestSeconds - copy.BestSeconds, 0) };
        work.copy_(logits);
        work.sub_(work.amax([1], keepdim: true)).exp_();
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
    }
}
