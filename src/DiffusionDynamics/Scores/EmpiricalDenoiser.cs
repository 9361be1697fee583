using DiffusionDynamics.Data;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The exact denoiser of the empirical distribution of a training set {a^μ}, μ = 1..n
/// (Biroli, Bonnaire, De Bortoli &amp; Mézard 2024, arXiv 2402.18491, Eq. for P_t^e):
/// <code>
///   P_t^e(x) = (1/n) Σ_μ N(x; a^μ e^{−t}, Δ_t I)
///   w_μ(x, t) = softmax_μ( (e^{−t} x·a^μ − ½ e^{−2t} |a^μ|²) / Δ_t )      (|x|² cancels)
///   D(x, t)   = Σ_μ w_μ a^μ
/// </code>
/// One call costs two GEMMs (X·Aᵀ and W·A, 4·B·n·d flops) and a max-subtracted softmax, streamed over
/// chunks of n (online softmax) so a B×n×d tensor is never formed and memory stays O(n·d + B·chunk).
/// </summary>
public sealed class EmpiricalDenoiser : IDenoiser, ILogDensity, IPosteriorWeights, IClosedFormJacobian, IDisposable
{
    private readonly Tensor data;       // A: [n, d], internal precision
    private readonly Tensor normsSq;    // |a^μ|²: [n], internal precision
    private readonly ScalarType dtype;
    private readonly long maxChunkElements;

    /// <summary>
    /// Max-subtracted logits below −80 are clamped before exp: their weights (&lt; e^{−80} ≈ 2e−35 each, so
    /// &lt; n·e^{−80} relative in total) are far below float32 resolution, and without the clamp exp lands in
    /// float32's denormal range at small t, which made the softmax 2–10× slower (bench/FINDINGS.md).
    /// </summary>
    private const double LogitFloor = -80.0;

    /// <summary>Builds the denoiser of a training set given as a [n, d] tensor (copied).</summary>
    public EmpiricalDenoiser(Tensor trainingSet, EmpiricalDenoiserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainingSet);
        options ??= new EmpiricalDenoiserOptions();
        if (options.MaxChunkElements < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxChunkElements, "MaxChunkElements must be ≥ 1.");
        Backend.TorchRuntime.EnsureInitialized();
        if (trainingSet.dim() != 2)
            throw new ArgumentException($"Training set must have shape [n, d], got [{string.Join(", ", trainingSet.shape)}].", nameof(trainingSet));
        if (trainingSet.shape[0] < 1 || trainingSet.shape[1] < 1)
            throw new ArgumentException($"Training set is empty: shape [{string.Join(", ", trainingSet.shape)}].", nameof(trainingSet));
        if (!trainingSet.isfinite().all().item<bool>())
            throw new ArgumentException("Training set contains NaN or infinite values.", nameof(trainingSet));
        dtype = options.ScalarType;
        if (dtype == ScalarType.Float32) RequireFloat32Range(trainingSet);
        maxChunkElements = options.MaxChunkElements;
        Options = options;
        data = trainingSet.to_type(dtype).contiguous().clone().DetachFromDisposeScope();
        normsSq = data.square().sum(1).DetachFromDisposeScope();
        Count = (int)data.shape[0];
        Dimension = (int)data.shape[1];
    }

    /// <summary>
    /// Largest |a|² the float32 arithmetic takes: the logits e^{−t} x·a/Δ_t and |a|² must stay far below float32's
    /// 3.4e38 for every t, so |a|² ≤ 1e30 (|a| ≤ 1e15).
    /// </summary>
    public const double Float32MaxNormSquared = 1e30;

    private static void RequireFloat32Range(Tensor trainingSet)
    {
        using var scope = NewDisposeScope();
        double maxNormSq = trainingSet.to_type(ScalarType.Float64).square().sum(1).max().item<double>();
        if (maxNormSq > Float32MaxNormSquared)
            throw OptionMessage.Argument(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The data overflow float32: a training point has |a| = {Math.Sqrt(maxNormSq):G3}, and float32 holds up to 3.4e38 " +
                $"(|a|² must stay below {Float32MaxNormSquared:G3}). Use float64 ({{Precision}} float64) or rescale the data to order 1."), nameof(Precision));
    }

    /// <summary>Builds the denoiser of a <see cref="Dataset"/>.</summary>
    public EmpiricalDenoiser(Dataset dataset, EmpiricalDenoiserOptions? options = null)
        : this(dataset.ToTensor(), options)
    {
    }

    /// <summary>Number of training points n.</summary>
    public int Count { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>The options in force.</summary>
    public EmpiricalDenoiserOptions Options { get; }

    /// <summary>The precision of the GEMMs and the softmax (<see cref="EmpiricalDenoiserOptions.Precision"/>).</summary>
    public Precision Precision => Options.Precision;

    /// <summary>J_s V = (e^{−2t}/Δ_t²) Cov_w(a) V − V/Δ_t with Cov_w V = Cᵀ(C V), C = √w_μ (a^μ − D) (<see cref="ScoreJacobian"/>).</summary>
    Tensor IClosedFormJacobian.ScoreJacobianProduct(Tensor point, double t, Tensor directions)
    {
        using var scope = NewDisposeScope();
        return ScoreJacobian.EmpiricalProduct(ScoreJacobian.WeightedCentred(this, point, t), directions, t).MoveToOuterDisposeScope();
    }

    /// <summary>J_s = (e^{−2t}/Δ_t²) CᵀC − I/Δ_t over the m rows of C that carry weight.</summary>
    Tensor IClosedFormJacobian.ScoreJacobianDense(Tensor point, double t)
    {
        using var scope = NewDisposeScope();
        var centred = ScoreJacobian.WeightedCentred(this, point, t);                 // √w_μ (a^μ − D) over the rows with weight: [m, d]
        var cov = centred.t().mm(centred).to_type(ScalarType.Float64);
        double delta = OuTime.Delta(t);
        return cov.mul_(Math.Exp(-2 * t) / (delta * delta)).sub_(torch.eye(Dimension, dtype: ScalarType.Float64) / delta).MoveToOuterDisposeScope();
    }

    /// <summary>The training points A: [n, d] (internal precision; do not modify or dispose).</summary>
    public Tensor TrainingSet => data;

    /// <summary>Rows per logits block for a batch of size B.</summary>
    public long ChunkRows(long batch) => Math.Clamp(maxChunkElements / Math.Max(batch, 1), 1, Count);

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        if (x.shape[0] == 1) return OnTwoRows(x, two => Denoise(two, t));
        using var scope = NewDisposeScope();
        var xi = x.to_type(dtype);
        // Streaming softmax over blocks of n: running max m, normaliser s and accumulator acc = Σ w a
        // (a single block when B·n fits, which is the common case).
        Tensor? m = null, s = null, acc = null;
        ForEachBlock(xi, t, (start, logits) =>
        {
            var a = logits.shape[1] == Count ? data : data.narrow(0, start, logits.shape[1]);
            var blockMax = logits.amax([1], keepdim: true);
            if (m is null)
            {
                var w = logits.sub_(blockMax).clamp_min_(LogitFloor).exp_();
                m = blockMax.MoveToOuterDisposeScope();
                s = w.sum(1, keepdim: true).MoveToOuterDisposeScope();
                acc = w.mm(a).MoveToOuterDisposeScope();
                return;
            }
            var mNew = torch.maximum(m, blockMax);
            var rescale = (m - mNew).exp_();
            var wb = logits.sub_(mNew).clamp_min_(LogitFloor).exp_();
            s!.mul_(rescale).add_(wb.sum(1, keepdim: true));
            acc!.mul_(rescale).addmm_(wb, a, 1.0f, 1.0f);
            m.copy_(mNew);
        });
        return acc!.div_(s!).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ln P_t^e(x) = logsumexp_μ(−|x − a^μ e^{−t}|² / (2Δ_t)) − ln n − (d/2) ln(2π Δ_t), as [B] float64.
    /// Used by the excess-entropy estimator and to check the score by finite differences.
    /// </summary>
    public Tensor LogDensity(Tensor x, double t) => LogDensity(x, t, null);

    /// <summary>
    /// ln P_t^e(x) with, for row b, the training point <paramref name="exclude"/>[b] left out of the mixture
    /// (leave-one-out: the density of the other n − 1 points, normalized by n − 1). Excluding by masking the logit
    /// keeps full accuracy where that point dominates (small t), unlike subtracting its term afterwards.
    /// Range: n ≥ 2 when excluding; exclude[b] in [0, n).
    /// </summary>
    public Tensor LogDensity(Tensor x, double t, long[]? exclude)
    {
        DenoiserChecks.Require(x, Dimension, t);
        if (x.shape[0] == 1) return OnTwoRows(x, two => LogDensity(two, t, exclude is null ? null : [exclude[0], exclude[0]]));
        if (exclude is not null)
        {
            if (Count < 2) throw new ArgumentException("Leave-one-out needs n ≥ 2 training points.", nameof(exclude));
            if (exclude.Length != x.shape[0]) throw new ArgumentException($"{exclude.Length} exclusions for a batch of {x.shape[0]}.", nameof(exclude));
            if (exclude.Any(i => i < 0 || i >= Count)) throw new ArgumentOutOfRangeException(nameof(exclude), $"Excluded indices must lie in [0, {Count}).");
        }
        using var scope = NewDisposeScope();
        var xi = x.to_type(dtype);
        var lse = LogitLogSumExp(xi, t, exclude);
        double delta = OuTime.Delta(t);
        int mixtureSize = exclude is null ? Count : Count - 1;
        var xNormSq = xi.to_type(ScalarType.Float64).square().sum(1);
        var result = lse - xNormSq / (2 * delta) - Math.Log(mixtureSize) - 0.5 * Dimension * Math.Log(2 * Math.PI * delta);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// logsumexp_μ L_μ(x, t) over the logits L_μ = (e^{−t} x·a^μ − ½ e^{−2t}|a^μ|²)/Δ_t (with row b's excluded point masked): [B] float64,
    /// in the caller's dispose scope. ln P_t^e adds −|x|²/(2Δ_t) − ln n − (d/2) ln(2πΔ_t); differences between sets of points need none of those.
    /// </summary>
    private Tensor LogitLogSumExp(Tensor xi, double t, long[]? exclude)
    {
        var parts = new List<Tensor>();
        ForEachBlock(xi, t, (start, logits) =>
        {
            var l64 = logits.to_type(ScalarType.Float64);
            if (exclude is not null)
            {
                long len = l64.shape[1];
                var rows = new List<long>();
                var cols = new List<long>();
                for (int b = 0; b < exclude.Length; b++)
                    if (exclude[b] >= start && exclude[b] < start + len)
                    {
                        rows.Add(b);
                        cols.Add(exclude[b] - start);
                    }
                if (rows.Count > 0)
                    l64.index_put_(double.NegativeInfinity, torch.tensor(rows.ToArray()), torch.tensor(cols.ToArray()));
            }
            parts.Add(l64.logsumexp(1, keepdim: true).MoveToOuterDisposeScope());
        });
        return torch.cat(parts, 1).logsumexp(1, keepdim: false);
    }

    /// <summary>
    /// logsumexp_μ L_μ(x, t) = ln P_t^e(x) + |x|²/(2Δ_t) + ln n + (d/2) ln(2πΔ_t): [B] float64 for x: [B, d] (checked). The part of
    /// ln P_t^e that depends on the training points only; class posteriors are differences of it (<see cref="ClassConditionalEmpirical"/>).
    /// </summary>
    internal Tensor LogitLogSumExp(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        return LogitLogSumExp(x.to_type(dtype), t, null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The <paramref name="k"/> largest posterior weights w_μ(x, t) per row and their training indices μ,
    /// sorted by decreasing weight: indices [B, k] (int64), weights [B, k] (float64). Index 0 is the
    /// nearest training point in the sense argmin_μ |x − a^μ e^{−t}|. Range: 1 ≤ k ≤ n.
    /// </summary>
    public (Tensor Indices, Tensor Weights) TopPosterior(Tensor x, double t, int k = 1)
    {
        DenoiserChecks.Require(x, Dimension, t);
        if (k < 1 || k > Count) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, n = {Count}].");
        if (x.shape[0] == 1)
        {
            using var two = x.expand(2, -1).contiguous();
            var (i2, w2) = TopPosterior(two, t, k);
            using (i2)
            using (w2)
                return (i2.narrow(0, 0, 1).clone(), w2.narrow(0, 0, 1).clone());
        }
        using var scope = NewDisposeScope();
        var xi = x.to_type(dtype);
        var values = new List<Tensor>();
        var indices = new List<Tensor>();
        var lses = new List<Tensor>();
        ForEachBlock(xi, t, (start, logits) =>
        {
            var l64 = logits.to_type(ScalarType.Float64);
            lses.Add(l64.logsumexp(1, keepdim: true).MoveToOuterDisposeScope());
            var (v, i) = l64.topk((int)Math.Min(k, l64.shape[1]), 1, largest: true, sorted: true);
            values.Add(v.MoveToOuterDisposeScope());
            indices.Add((i + start).MoveToOuterDisposeScope());
        });
        var lse = torch.cat(lses, 1).logsumexp(1, keepdim: true);
        var (topV, pos) = torch.cat(values, 1).topk(k, 1, largest: true, sorted: true);
        var topI = torch.cat(indices, 1).gather(1, pos);
        var weights = (topV - lse).exp_();
        return (topI.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// All posterior weights w_μ(x, t) = softmax_μ(−|x − a^μ e^{−t}|² / (2Δ_t)) as [B, n] float64 (rows sum to 1);
    /// the building block of the score's Jacobian (<see cref="ScoreJacobian"/>). Memory O(B·n): meant for small B.
    /// </summary>
    public Tensor PosteriorWeights(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var xi = x.to_type(dtype);
        var parts = new List<Tensor>();
        ForEachBlock(xi, t, (_, logits) => parts.Add(logits.to_type(ScalarType.Float64).MoveToOuterDisposeScope()));
        var all = parts.Count == 1 ? parts[0] : torch.cat(parts, 1);
        return all.softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Evaluates a one-row batch as two copies of the row and keeps the first: libtorch splits a reduction with a
    /// single output (the sum or logsumexp over n of one row) across its threads, which made B = 1 results depend on
    /// the thread count; with two rows each output is reduced by one thread, in the same order on any thread count.
    /// </summary>
    private static Tensor OnTwoRows(Tensor x, Func<Tensor, Tensor> f)
    {
        using var two = x.expand(2, -1).contiguous();
        using var both = f(two);
        return both.narrow(0, 0, 1).clone();
    }

    /// <summary>
    /// Calls <paramref name="body"/>(start, logits) for consecutive blocks of training points, logits: [B, len]
    /// for μ in [start, start + len), inside a dispose scope per block (so memory stays O(B·chunk)); the body
    /// moves out what it keeps.
    /// </summary>
    private void ForEachBlock(Tensor xi, double t, Action<long, Tensor> body)
    {
        long chunk = ChunkRows(xi.shape[0]);
        var (alpha, beta) = Coefficients(t);
        for (long start = 0; start < Count; start += chunk)
        {
            using var block = NewDisposeScope();
            body(start, Logits(xi, start, Math.Min(chunk, Count - start), alpha, beta));
        }
    }

    /// <summary>α = e^{−t}/Δ_t multiplies x·a, β = −½ e^{−2t}/Δ_t multiplies |a|².</summary>
    private static (double Alpha, double Beta) Coefficients(double t)
    {
        double delta = OuTime.Delta(t);
        return (OuTime.Decay(t) / delta, -0.5 * Math.Exp(-2.0 * t) / delta);
    }

    /// <summary>
    /// Logits L[b, μ] = α x_b·a^μ + β |a^μ|² for μ in [start, start + len): [B, len].
    /// float32 fuses both terms in one addmm; float64 keeps α and β in double (addmm takes float scalars).
    /// </summary>
    private Tensor Logits(Tensor x, long start, long len, double alpha, double beta)
    {
        var a = start == 0 && len == Count ? data : data.narrow(0, start, len);
        var norms = start == 0 && len == Count ? normsSq : normsSq.narrow(0, start, len);
        if (dtype == ScalarType.Float32)
            return torch.addmm(norms.unsqueeze(0), x, a.t(), (float)beta, (float)alpha);
        return x.mm(a.t()).mul_(alpha).add_(norms.unsqueeze(0) * beta);
    }

    /// <summary>Releases the training-set tensors.</summary>
    public void Dispose()
    {
        data.Dispose();
        normsSq.Dispose();
    }
}
