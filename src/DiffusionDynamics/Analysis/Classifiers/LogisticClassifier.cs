using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Options of <see cref="LogisticClassifier.Train"/>.</summary>
/// <param name="L2">Ridge strength λ on the weights (not the biases) of the standardized problem. Range: ≥ 0, finite.</param>
/// <param name="MaxIterations">Full-batch Adam steps. Range: ≥ 1.</param>
/// <param name="Seed">Recorded with the run for completeness; training is deterministic (zero initial weights, full-batch
/// steps), so the fitted classifier does not depend on it. <see cref="LogisticClassifier.Split"/> takes its own seed.</param>
public sealed record LogisticClassifierOptions(double L2 = 1e-3, int MaxIterations = 200, long Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the offending value.</summary>
    public void Validate()
    {
        if (!(L2 >= 0) || !double.IsFinite(L2)) throw new ArgumentOutOfRangeException(nameof(L2), L2, "L2 must be finite and ≥ 0.");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be ≥ 1.");
    }
}

/// <summary>
/// Multinomial logistic (softmax) regression, used to decide the class of generated images in speciation
/// measurements (cloning: φ(t) = probability two clones end in the same class; Biroli et al. 2024, arXiv 2402.18491,
/// Sec. 3). Inputs are standardized with the training mean m_j and standard deviation s_j (s_j &lt; 10⁻⁶, e.g. constant
/// border pixels, is replaced by 1), x̃ = (x − m)/s, so one learning rate and one λ suit raw pixels and [−1, 1] data alike.
/// <code>
///   p(k | x) = softmax_k(W x̃ + b),   k = 0..K−1
///   L(W, b)  = −(1/n) Σ_i ln p(y_i | x_i) + (λ/2) |W|²_F
/// </code>
/// L is convex; it is minimized by full-batch Adam (learning rate 0.05, from W = 0, b = 0) for MaxIterations steps, in
/// float64. Labels are arbitrary integers mapped to 0..K−1 in increasing order; <see cref="Predict"/> returns the
/// original labels.
/// </summary>
public sealed class LogisticClassifier : Scores.IClassifier, IDisposable
{
    /// <summary>Adam step size on the standardized problem (features of unit variance).</summary>
    private const double LearningRate = 0.05;

    /// <summary>Features with a training standard deviation below this are not rescaled (s_j := 1).</summary>
    private const double MinStd = 1e-6;

    private readonly Tensor mean;     // m: [d] float64
    private readonly Tensor invStd;   // 1/s: [d] float64
    private readonly Tensor weight;   // W: [K, d] float64
    private readonly Tensor bias;     // b: [K] float64

    private LogisticClassifier(int[] classes, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, double finalLoss)
    {
        Classes = classes;
        this.mean = mean;
        this.invStd = invStd;
        this.weight = weight;
        this.bias = bias;
        Dimension = (int)mean.shape[0];
        FinalLoss = finalLoss;
    }

    /// <summary>The original labels, sorted increasingly; class index k stands for Classes[k]. K ≥ 2.</summary>
    public int[] Classes { get; }

    /// <summary>Input dimension d.</summary>
    public int Dimension { get; }

    /// <summary>The regularized training loss L(W, b) after the last step.</summary>
    public double FinalLoss { get; }

    /// <summary>
    /// Fits the classifier on the labelled rows of <paramref name="data"/> (see the class summary for the model).
    /// </summary>
    /// <exception cref="ArgumentException">No labels, or fewer than two classes.</exception>
    public static LogisticClassifier Train(Dataset data, LogisticClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new LogisticClassifierOptions();
        options.Validate();
        var (classes, index) = data.ClassIndex();
        Backend.TorchRuntime.EnsureInitialized();

        using var scope = NewDisposeScope();
        var x = data.ToTensor(ScalarType.Float64);                                   // x: [n, d]
        var y = torch.tensor(data.Labels.Select(l => index[l]).ToArray());          // y: [n] int64
        var m = x.mean([0]);
        var s = x.std(0, unbiased: false);
        var invS = torch.where(s < MinStd, torch.ones_like(s), s.reciprocal());
        var xs = (x - m) * invS;

        int k = classes.Length, d = data.Dimension;
        var w = torch.nn.Parameter(torch.zeros([k, d], dtype: ScalarType.Float64));
        var b = torch.nn.Parameter(torch.zeros([k], dtype: ScalarType.Float64));
        var optimizer = torch.optim.Adam([w, b], lr: LearningRate);
        double loss = double.NaN;
        for (int it = 0; it < options.MaxIterations; it++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var l = Loss(xs, y, w, b, options.L2);
            l.backward();
            optimizer.step();
            loss = l.item<double>();
        }
        using (torch.no_grad()) loss = Loss(xs, y, w, b, options.L2).item<double>();
        optimizer.Dispose();
        return new LogisticClassifier(classes,
            m.DetachFromDisposeScope(), invS.DetachFromDisposeScope(),
            w.detach().clone().DetachFromDisposeScope(), b.detach().clone().DetachFromDisposeScope(), loss);
    }

    /// <summary>L = mean cross-entropy + (λ/2)|W|²_F.</summary>
    private static Tensor Loss(Tensor xs, Tensor y, Tensor w, Tensor b, double l2) =>
        torch.nn.functional.cross_entropy(torch.nn.functional.linear(xs, w, b), y) + 0.5 * l2 * w.square().sum();

    /// <summary>p(k | x) = softmax_k(W x̃ + b) for x: [B, d] float32/64; returns [B, K] float64, columns in <see cref="Classes"/> order.</summary>
    /// <exception cref="ArgumentException">x is not [B, d] with B ≥ 1, not floating point, or not finite.</exception>
    public Tensor Probabilities(Tensor x)
    {
        Check(x);
        using var scope = NewDisposeScope();
        return Logits(x).softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>The most probable class of each row of x: [B, d], as ORIGINAL labels (elements of <see cref="Classes"/>).</summary>
    /// <exception cref="ArgumentException">x is not [B, d] with B ≥ 1, not floating point, or not finite.</exception>
    public int[] Predict(Tensor x)
    {
        Check(x);
        using var scope = NewDisposeScope();
        var k = Logits(x).argmax(1).data<long>().ToArray();
        return k.Select(i => Classes[i]).ToArray();
    }

    /// <summary>Share of labelled rows of <paramref name="data"/> whose predicted label equals the true one.</summary>
    /// <exception cref="ArgumentException">No labels, or dimension ≠ d.</exception>
    public double Accuracy(Dataset data) => ClassifierAccuracy.Accuracy(this, data);

    /// <summary>
    /// Stratified random split: in every class (or in the whole set when unlabelled) round(testFraction × size) items,
    /// drawn without replacement from the stream (seed, label), go to Test, the rest to Train; both keep the original
    /// order, item shape, name and preprocessing record. Range: 0 &lt; testFraction &lt; 1; each part must end non-empty.
    /// </summary>
    /// <exception cref="ArgumentException">testFraction out of range, or a part would be empty.</exception>
    public static (Dataset Train, Dataset Test) Split(Dataset data, double testFraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        var groups = data.Labels is null
            ? [(Label: 0, Members: Enumerable.Range(0, data.Count).ToArray())]
            : data.Classes().Select(c => (Label: c, Members: Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == c).ToArray())).ToArray();
        var isTest = new bool[data.Count];
        foreach (var (label, members) in groups)
        {
            int take = (int)Math.Round(testFraction * members.Length);
            var rng = Xoshiro.ForStream(seed, label);
            // Partial Fisher–Yates: the first `take` entries become a uniform sample without replacement.
            var pool = (int[])members.Clone();
            for (int i = 0; i < take; i++)
            {
                int j = i + rng.NextInt(pool.Length - i);
                (pool[i], pool[j]) = (pool[j], pool[i]);
                isTest[pool[i]] = true;
            }
        }
        int testCount = isTest.Count(b => b);
        if (testCount == 0 || testCount == data.Count)
            throw new ArgumentException($"testFraction {testFraction} leaves {(testCount == 0 ? "the test" : "the training")} part empty (n = {data.Count}).", nameof(testFraction));
        string step = $"split test fraction {testFraction} (stratified), seed {seed}";
        return (Rows(data, i => !isTest[i], $"{step}: train"), Rows(data, i => isTest[i], $"{step}: test"));
    }

    /// <summary>A new dataset of the rows i with keep(i), in order.</summary>
    private static Dataset Rows(Dataset data, Func<int, bool> keep, string step)
    {
        var rows = Enumerable.Range(0, data.Count).Where(keep).ToArray();
        int d = data.Dimension;
        var values = new float[(long)rows.Length * d];
        for (int r = 0; r < rows.Length; r++) data.Row(rows[r]).CopyTo(values.AsSpan(r * d, d));
        int[]? labels = data.Labels is null ? null : rows.Select(i => data.Labels[i]).ToArray();
        return new Dataset(values, rows.Length, d, labels, data.ItemShape, [.. data.Preprocessing, step], data.Name);
    }

    /// <summary>W x̃ + b: [B, K] float64.</summary>
    private Tensor Logits(Tensor x) =>
        torch.nn.functional.linear((x.to_type(ScalarType.Float64) - mean) * invStd, weight, bias);

    private void Check(Tensor x) => Scores.DenoiserChecks.RequireBatch(x, Dimension, "");

    /// <summary>Releases the parameter tensors.</summary>
    public void Dispose()
    {
        mean.Dispose();
        invStd.Dispose();
        weight.Dispose();
        bias.Dispose();
    }
}
