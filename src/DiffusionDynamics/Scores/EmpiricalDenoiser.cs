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
        if (!(options.PruneTolerance >= 0 && options.PruneTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.PruneTolerance, "PruneTolerance must lie in [0, 1).");
        if (options.PruneMinCount < 2)
            throw new ArgumentOutOfRangeException(nameof(options), options.PruneMinCount, "PruneMinCount must be ≥ 2.");
        if (options.PruneComponents < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.PruneComponents, "PruneComponents must be ≥ 0.");
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
        using (var stats = NewDisposeScope())
        {
            var a64 = data.to_type(ScalarType.Float64);
            var n64 = a64.square().sum(1);
            maxNorm = Math.Sqrt(n64.max().item<double>());
            maxNormSq = n64.max().item<double>();
            minNormSq = n64.min().item<double>();
            radius = Math.Sqrt((a64 - a64.mean([0])).square().sum(1).max().item<double>());
        }
        index = new Lazy<EmpiricalDenoiserIndex>(() => EmpiricalDenoiserIndex.Build(data, options.PruneComponents, dtype));
    }

    private readonly double maxNorm, maxNormSq, minNormSq, radius;   // max|a|, max|a|², min|a|², max|a − ā|
    private readonly Lazy<EmpiricalDenoiserIndex> index;             // built at the first call that can prune



    /// <summary>Largest share of the n points that may survive in a batch's union for the pruned product to run; above it, the dense path.</summary>
    public const double MaxSurvivorShare = 0.5;

    /// <summary>
    /// The certified bound on the dropped posterior mass of the last <see cref="Denoise(Tensor, double)"/> call, maximized over its rows:
    /// Σ_{dropped μ} w_μ ≤ this for every sample (docs/theory.md §10.7). 0 when the call ran the dense path.
    /// </summary>
    public double LastDroppedMass { get; private set; }

    /// <summary>
    /// Share of the n training points that entered the second product of the last <see cref="Denoise(Tensor, double)"/> call (the union of its
    /// rows' survivors, largest over its row blocks): 1 on the dense path.
    /// </summary>
    public double LastSurvivorShare { get; private set; } = 1;

    /// <summary>The largest <see cref="LastDroppedMass"/> since construction or <see cref="ResetDroppedMass"/>.</summary>
    public double MaxDroppedMass { get; private set; }

    /// <summary>Calls that ran the pruned product, since construction or <see cref="ResetDroppedMass"/>.</summary>
    public long PrunedCalls { get; private set; }

    /// <summary>Calls of <see cref="Denoise(Tensor, double)"/>, since construction or <see cref="ResetDroppedMass"/>.</summary>
    public long Calls { get; private set; }

    /// <summary>Resets <see cref="MaxDroppedMass"/>, <see cref="PrunedCalls"/> and <see cref="Calls"/>.</summary>
    public void ResetDroppedMass()
    {
        MaxDroppedMass = 0;
        PrunedCalls = 0;
        Calls = 0;
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
    /// <remarks>
    /// With <see cref="EmpiricalDenoiserOptions.PruneTolerance"/> ε &gt; 0 the posterior is certified-pruned where that can help
    /// (<see cref="Denoise(Tensor, double, out double)"/>); ε = 0 is the dense product, bit for bit.
    /// </remarks>
    public Tensor Denoise(Tensor x, double t) => Denoise(x, t, out _);

    /// <summary>
    /// D(x, t) and the certified bound on the posterior mass it dropped, maximized over the rows: for every row b,
    /// Σ_{μ skipped} w_μ(x_b, t) ≤ <paramref name="droppedMass"/> (0 on the dense path). docs/theory.md §10.7.
    /// </summary>
    public Tensor Denoise(Tensor x, double t, out double droppedMass)
    {
        DenoiserChecks.Require(x, Dimension, t);
        if (x.shape[0] == 1)
        {
            double one = 0;
            var row = OnTwoRows(x, two => Denoise(two, t, out one));
            droppedMass = one;
            return row;
        }
        using var scope = NewDisposeScope();
        var xi = x.to_type(dtype);
        var pruned = Pruned(xi, t, out droppedMass, out bool prunedAny);
        Calls++;
        LastDroppedMass = droppedMass;
        MaxDroppedMass = Math.Max(MaxDroppedMass, droppedMass);
        if (prunedAny) PrunedCalls++;
        LastSurvivorShare = prunedAny ? survivorShare : 1;
        if (pruned is not null) return pruned.to_type(x.dtype).MoveToOuterDisposeScope();
        return Dense(xi, t).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The certified-pruned posterior mean (docs/theory.md §10.7), or null for the dense path (ε = 0 or n below <see cref="EmpiricalDenoiserOptions.PruneMinCount"/>), in
    /// the caller's dispose scope. Rows are processed in blocks of at most MaxChunkElements / n (≥ 2) rows. Each row's result is computed by
    /// arithmetic that depends on that row alone (its exact logits, its own threshold τ_b, and the second product summed over fixed column
    /// blocks in a fixed order, where a block no row needs contributes exact zeros), so it is bit for bit the same in any batch
    /// (<see cref="Scores.EmpiricalDenoiserOptions.PruneTolerance"/>). With <see cref="EmpiricalDenoiserOptions.PruneComponents"/> &gt; 0 a
    /// projection bound may first skip whole logits where a probe says it bites; that stage keeps the certified bound but not the
    /// bitwise batch independence.
    /// </summary>
    private Tensor? Pruned(Tensor xi, double t, out double droppedMass, out bool prunedAny)
    {
        droppedMass = 0;
        prunedAny = false;
        double tolerance = Options.PruneTolerance;
        if (!(tolerance > 0) || Count < Options.PruneMinCount) return null;
        var (alpha, beta) = Coefficients(t);
        var xNormsSq = xi.square().sum(1);
        bool tryBound = false;
        double theta = Math.Log(Count / tolerance);
        if (Options.PruneComponents > 0 && Dimension <= EmpiricalDenoiserIndex.MaxDimension)
        {
            double maxX = Math.Sqrt(xNormsSq.max().to_type(ScalarType.Float64).item<double>());
            // The logits of a row span at most α|x|·2R + |β|(max|a|² − min|a|²) over μ: below θ the bound cannot drop anything.
            tryBound = alpha * maxX * 2 * radius + -beta * (maxNormSq - minNormSq) > theta && BoundMayPrune(xi, xNormsSq, alpha, beta, theta);
        }
        long batch = xi.shape[0];
        long rows = Math.Max(2, maxChunkElements / Count);
        survivorShare = 0;
        var parts = new List<Tensor>();
        for (long start = 0; start < batch;)
        {
            long len = Math.Min(rows, batch - start);
            if (batch - start - len == 1) len = len > 2 ? len - 1 : len + 1;     // never leave a one-row block (see OnTwoRows)
            var xb = len == batch ? xi : xi.narrow(0, start, len);
            var nb = len == batch ? xNormsSq : xNormsSq.narrow(0, start, len);
            double m = 0;
            var part = tryBound ? PrunedBlock(xb, nb, t, alpha, beta, theta, out m) : null;
            bool p = part is not null;
            part ??= SparseBlock(xb, nb, alpha, beta, tolerance, out m, out p);
            droppedMass = Math.Max(droppedMass, m);
            prunedAny |= p;
            parts.Add(part);
            start += len;
        }
        return parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
    }

    /// <summary>
    /// Whether the projection bound can rule out enough points to pay for itself: it is evaluated on the first two rows, and each must keep at
    /// most a quarter of <see cref="MaxSurvivorShare"/>·n points. A gate only (the certified bound of the call does not depend on it); it costs
    /// 2/B of the bound's product, where a failed attempt on the whole batch would cost the bound's product and several passes over [B, n].
    /// </summary>
    private bool BoundMayPrune(Tensor xi, Tensor xNormsSq, double alpha, double beta, double theta)
    {
        using var scope = NewDisposeScope();
        var idx = index.Value;
        var probe = xi.narrow(0, 0, 2);
        var upper = Affine(idx.Augment(probe, xNormsSq.narrow(0, 0, 2)), idx.Augmented, normsSq, alpha, beta);
        var best = upper.argmax(1);
        var reference = Affine(probe, data.index_select(0, best), normsSq.index_select(0, best), alpha, beta).diagonal();
        var kept = upper.ge((reference - theta).unsqueeze(1)).sum(1).max().item<long>();
        return kept <= MaxSurvivorShare * Count / 4;
    }

    /// <summary>Relative round-off of exp and of a row sum of n positive terms, r = 2(n + 4)u + 10⁻⁶ (docs/theory.md §10.7).</summary>
    private double SumRoundOff => 2.0 * (Count + 4) * Unit + 1e-6;

    /// <summary>Unit round-off u of the internal precision (2⁻²⁴ or 2⁻⁵³).</summary>
    private double Unit => Math.ScaleB(1.0, dtype == ScalarType.Float32 ? -24 : -53);

    /// <summary>
    /// m_b ≥ |L̂_bμ − L_bμ| for every μ: a float dot product of d terms errs by at most d·u·Σ|terms| ≤ d·u·|x||a|, doubled for safety, plus
    /// the |a|² term: [B] float64.
    /// </summary>
    private Tensor LogitMargin(Tensor xNormsSq, double alpha, double beta) =>
        (xNormsSq.to_type(ScalarType.Float64).sqrt() * (alpha * maxNorm) + (-beta * maxNormSq)) * (2.0 * (Dimension + 4) * Unit);

    /// <summary>
    /// Columns of one block of the pruned second product (fixed, so a row's sums run in the same order in any batch; 16 blocks of ⌈n/16⌉ at
    /// n = 60,000 lost the only gain, at t = 0.03, and kept the overhead).
    /// </summary>
    public const int ColumnBlock = 512;

    /// <summary>
    /// Exact logits of every point, then the second product W·A over fixed column blocks of <see cref="ColumnBlock"/> training points
    /// (docs/theory.md §10.7, second stage). Row b drops block j when every logit there is ≤ max L̂_b + ln τ_b, τ_b = (ε/n)·e^{−2m_b}(1 − r)/(1 + r);
    /// a block no row keeps is skipped. Each dropped weight is ≤ τ_b and the kept sum ŝ_b ≥ 1 (the largest term is exp(0) = 1), so the true
    /// dropped mass of row b is ≤ e^{2m_b}·(1 + r)/(1 − r)·n_b·τ_b / ŝ_b ≤ ε, n_b the points in its dropped blocks: that bound is returned.
    /// The block maxima replace the dense path's row maximum and the block sums its row sum, so a call where nothing drops makes no extra pass
    /// over [B, n]. Row b's sums run over the blocks in a fixed order and a block it dropped adds exact zeros, so its result does not depend on
    /// which blocks the other rows of the batch keep.
    /// </summary>
    private Tensor SparseBlock(Tensor xi, Tensor xNormsSq, double alpha, double beta, double tolerance, out double droppedMass, out bool pruned)
    {
        droppedMass = 0;
        pruned = false;
        long batch = xi.shape[0];
        int blocks = (Count + ColumnBlock - 1) / ColumnBlock, full = Count / ColumnBlock;
        var logits = dtype == ScalarType.Float32 ? Logits32(xi, alpha, beta) : Affine(xi, data, normsSq, alpha, beta);
        var blockMax = BlockReduce(logits, full, blocks, b => b.amax([2]), t => t.amax([1], keepdim: true));        // [B, blocks]
        var rowMax = blockMax.amax([1], keepdim: true);
        var margin = LogitMargin(xNormsSq, alpha, beta);
        double r = SumRoundOff;
        var logTau = (margin * -2.0).add_(Math.Log(tolerance / Count * (1 - r) / (1 + r)));                          // [B] float64
        var keepBlock = (blockMax - rowMax).to_type(ScalarType.Float64).gt(logTau.unsqueeze(1));                     // [B, blocks]
        var w = logits.sub_(rowMax).clamp_min_(LogitFloor).exp_();
        bool[] used = Enumerable.Repeat(true, blocks).ToArray();
        if (!keepBlock.all().item<bool>())
        {
            pruned = true;
            used = keepBlock.any(0).data<bool>().ToArray();
            for (int j = 0; j < blocks; j++)
                if (used[j]) Columns(w, j).mul_(keepBlock.narrow(1, j, 1));            // zero the rows that dropped block j
        }
        var s = torch.zeros([batch, 1], dtype: dtype);
        var acc = torch.zeros([batch, Dimension], dtype: dtype);
        long usedColumns = 0;
        for (int j = 0; j < blocks; j++)
        {
            if (!used[j]) continue;
            var wj = Columns(w, j);
            s.add_(wj.sum(1, keepdim: true));
            acc.addmm_(wj, data.narrow(0, (long)j * ColumnBlock, wj.shape[1]), 1.0f, 1.0f);
            usedColumns += wj.shape[1];
        }
        survivorShare = Math.Max(survivorShare, usedColumns / (double)Count);
        if (pruned)
        {
            var lengths = torch.tensor(Enumerable.Range(0, blocks).Select(j => (double)Math.Min(ColumnBlock, Count - (long)j * ColumnBlock)).ToArray());
            var droppedPoints = keepBlock.logical_not().to_type(ScalarType.Float64).mv(lengths);                         // n_b
            var rowBound = droppedPoints.mul_(logTau.exp()).div_(s.squeeze(1).to_type(ScalarType.Float64)).mul_((margin * 2.0).exp_()).mul_((1 + r) / (1 - r));
            survivorProbe?.Invoke(keepBlock.repeat_interleave(lengths.to_type(ScalarType.Int64), 1, Count), rowBound.log());
            droppedMass = Math.Min(1.0, rowBound.max().item<double>());
        }
        return acc.div_(s);
    }

    /// <summary>Columns of column block j of a [B, n] matrix (a view).</summary>
    private Tensor Columns(Tensor m, int j)
    {
        long from = (long)j * ColumnBlock;
        return m.narrow(1, from, Math.Min(ColumnBlock, Count - from));
    }

    /// <summary>A per-block reduction of [B, n] to [B, blocks]: the full blocks through a [B, full, ColumnBlock] view, the tail apart.</summary>
    private Tensor BlockReduce(Tensor m, int full, int blocks, Func<Tensor, Tensor> overBlocks, Func<Tensor, Tensor> overTail)
    {
        long batch = m.shape[0];
        var head = full > 0 ? overBlocks(m.narrow(1, 0, (long)full * ColumnBlock).view(batch, full, ColumnBlock)) : null;
        if (full == blocks) return head!;
        var tail = overTail(m.narrow(1, (long)full * ColumnBlock, Count - (long)full * ColumnBlock));
        return head is null ? tail : torch.cat([head, tail], 1);
    }

    private Tensor? PrunedBlock(Tensor xi, Tensor xNormsSq, double t, double alpha, double beta, double theta, out double droppedMass)
    {
        droppedMass = 0;
        var idx = index.Value;
        int k = (int)idx.Basis.shape[1];
        // Round-off: a float dot product of m terms errs by at most m·u·Σ|terms| ≤ m·u·|x||a|; doubled for safety (u = 2⁻²⁴ or 2⁻⁵³).
        double u = Math.ScaleB(1.0, dtype == ScalarType.Float32 ? -24 : -53);
        var xNorm = xNormsSq.to_type(ScalarType.Float64).sqrt();
        var boundMargin = (xNorm * (alpha * maxNorm) + (-beta * maxNormSq)) * (2.0 * (k + 4) * u);          // [B] float64
        var exactMargin = (xNorm * (alpha * maxNorm) + (-beta * maxNormSq)) * (2.0 * (Dimension + 4) * u);   // [B] float64
        // Upper bounds L̄ ≥ L on every logit from the (k + 1)-dimensional product.
        var upper = Affine(idx.Augment(xi, xNormsSq), idx.Augmented, normsSq, alpha, beta);             // [B, n]
        // A reference logit per row: the exact logit of the point with the largest bound, lowered by its round-off.
        var best = upper.argmax(1);
        var reference = (xi * data.index_select(0, best)).sum(1).to_type(ScalarType.Float64).mul_(alpha)
            .add_(normsSq.index_select(0, best).to_type(ScalarType.Float64) * beta).sub_(exactMargin);
        // Keep μ unless L̄_μ + margin < L_ref − θ: then w_μ/w_ref < e^{−θ} = ε/n, and the n − 1 others drop at most ε in all.
        var cut = (reference - theta - boundMargin).to_type(dtype).unsqueeze(1);
        var keep = upper.ge(cut);
        // Rows that keep more than MaxSurvivorShare·n points (a flat posterior) take the dense product; the others share one
        // product over the union of their survivors, each row masked to its own survivors. Both choices depend on the row alone.
        var kept = keep.sum(1);
        var hard = kept.gt((long)(MaxSurvivorShare * Count));
        long hardCount = hard.sum().item<long>(), batch = xi.shape[0];
        if (hardCount == batch) return null;
        var easyRows = hard.logical_not().nonzero().squeeze(1);
        var easyKeep = hardCount == 0 ? keep : keep.index_select(0, easyRows);
        var union = easyKeep.any(0).nonzero().squeeze(1);
        long m = union.shape[0];
        if (m > MaxSurvivorShare * Count) return null;
        survivorShare = Math.Max(survivorShare, m / (double)Count);
        var xe = hardCount == 0 ? xi : xi.index_select(0, easyRows);
        var a = data.index_select(0, union);
        var logits = Affine(xe, a, normsSq.index_select(0, union), alpha, beta);                      // [B_easy, m], exact logits
        var dropped = easyKeep.index_select(1, union).logical_not_();
        logits.masked_fill_(dropped, double.NegativeInfinity);
        var rowMax = logits.amax([1], keepdim: true);
        var w = logits.sub_(rowMax).clamp_min_(LogitFloor).exp_().masked_fill_(dropped, 0);
        var s = w.sum(1, keepdim: true);
        var easyResult = w.mm(a).div_(s);
        // The achieved bound: ε_b ≤ n · exp(max_{dropped} L̄ + margin − (exact logsumexp of the kept, lowered by its round-off)).
        var easyUpper = hardCount == 0 ? upper : upper.index_select(0, easyRows);
        var maxDropped = easyUpper.masked_fill_(easyKeep, double.NegativeInfinity).amax([1]).to_type(ScalarType.Float64);
        var keptLse = rowMax.squeeze(1).to_type(ScalarType.Float64) + s.squeeze(1).to_type(ScalarType.Float64).log();
        var easyMargins = hardCount == 0 ? boundMargin + exactMargin : (boundMargin + exactMargin).index_select(0, easyRows);
        var logBound = maxDropped + easyMargins + Math.Log(Count) - keptLse;
        Tensor result = easyResult, rowBound = logBound;
        if (hardCount > 0)
        {
            var hardRows = hard.nonzero().squeeze(1);
            var hx = xi.index_select(0, hardRows);
            var hardResult = hardCount == 1 ? Dense(hx.expand(2, -1).contiguous(), t).narrow(0, 0, 1) : Dense(hx, t);
            result = torch.empty([batch, Dimension], dtype: dtype).index_copy_(0, easyRows, easyResult).index_copy_(0, hardRows, hardResult);
            rowBound = torch.full([batch], double.NegativeInfinity, dtype: ScalarType.Float64).index_copy_(0, easyRows, logBound);
        }
        survivorProbe?.Invoke(keep.logical_or(hard.unsqueeze(1)), rowBound);
        double worst = rowBound.max().item<double>();
        droppedMass = double.IsNegativeInfinity(worst) ? 0 : Math.Min(1.0, Math.Exp(worst));
        return result;
    }

    private Action<Tensor, Tensor>? survivorProbe;
    private double survivorShare;

    /// <summary>
    /// Test hook: D(x, t) with the survivor mask keep[b, μ] ([B, n] bool, true: μ entered row b's posterior) and the per-row ln bound ([B]) of a pruned call, or null
    /// when the call ran the dense path. Batches up to MaxChunkElements / n rows.
    /// </summary>
    internal (Tensor Denoised, Tensor? Keep, double DroppedMass, Tensor? LogBound) DenoiseWithSurvivors(Tensor x, double t)
    {
        Tensor? keep = null, logBound = null;
        survivorProbe = (k, b) =>
        {
            keep = k.clone().DetachFromDisposeScope();
            logBound = b.clone().DetachFromDisposeScope();
        };
        try
        {
            var d = Denoise(x, t, out double dropped);
            return (d, keep, dropped, logBound);
        }
        finally
        {
            survivorProbe = null;
        }
    }

    /// <summary>L = α x·aᵀ + β |a|² for x: [B, m], a: [n, m] (rows), norms: [n]: [B, n]. float32 fuses both terms in one addmm.</summary>
    private Tensor Affine(Tensor x, Tensor a, Tensor norms, double alpha, double beta)
    {
        if (dtype == ScalarType.Float32)
            return torch.addmm(norms.unsqueeze(0), x, a.t(), (float)beta, (float)alpha);
        return x.mm(a.t()).mul_(alpha).add_(norms.unsqueeze(0) * beta);
    }

    /// <summary>The dense posterior mean over all n points (streamed over blocks of n), in the caller's dispose scope.</summary>
    private Tensor Dense(Tensor xi, double t)
    {
        if (dtype == ScalarType.Float32 && ChunkRows(xi.shape[0]) >= Count)
        {
            // One block (the common case): the logits go into this thread's reused [B, n] workspace.
            var (alpha, beta) = Coefficients(t);
            var logits = Logits32(xi, alpha, beta);
            var rowMax = logits.amax([1], keepdim: true);
            var w = logits.sub_(rowMax).clamp_min_(LogitFloor).exp_();
            var sum = w.sum(1, keepdim: true);
            return w.mm(data).div_(sum);
        }
        // Streaming softmax over blocks of n: running max m, normaliser s and accumulator acc = Σ w a.
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
        return acc!.div_(s!);
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

    /// <summary>
    /// L = α x·aᵀ + β|a|² for all n points in float32, written into this thread's [B, n] workspace, which is reused across calls with the same B
    /// (bench/FINDINGS.md §5: a fresh [B, n] output cost GEMM 1 about 2.7× its speed). The arithmetic is addmm's: the workspace holds
    /// |a|² broadcast and sgemm scales it by β and adds α x·aᵀ in one call, as torch.addmm does into a fresh output. Valid until the thread's next call.
    /// </summary>
    private Tensor Logits32(Tensor x, double alpha, double beta)
    {
        long batch = x.shape[0];
        var buffer = workspace.Value;
        if (buffer is null || buffer.shape[0] != batch)
        {
            buffer?.Dispose();
            buffer = torch.empty([batch, Count], dtype: ScalarType.Float32).DetachFromDisposeScope();
            workspace.Value = buffer;
        }
        buffer.copy_(normsSq.unsqueeze(0).expand(batch, Count));
        return buffer.addmm_(x, data.t(), (float)beta, (float)alpha);
    }

    private readonly ThreadLocal<Tensor?> workspace = new(() => null, trackAllValues: true);

    /// <summary>Releases the training-set tensors.</summary>
    public void Dispose()
    {
        foreach (var buffer in workspace.Values) buffer?.Dispose();
        workspace.Dispose();
        if (index.IsValueCreated) index.Value.Dispose();

        data.Dispose();
        normsSq.Dispose();
    }
}
