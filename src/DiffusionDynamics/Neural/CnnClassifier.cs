using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Random;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DiffusionDynamics.Neural;

/// <summary>Options of <see cref="CnnClassifier.Train"/>.</summary>
/// <param name="Epochs">Passes over the training set. Range: ≥ 1.</param>
/// <param name="BatchSize">Images per Adam step (the last batch of an epoch may be smaller). Range: ≥ 1.</param>
/// <param name="LearningRate">Adam step size (β = (0.9, 0.999), no weight decay). Range: &gt; 0, finite.</param>
/// <param name="Seed">Seeds the initial weights (stream (Seed, 0)) and the batch order of epoch e (stream (Seed, 1 + e)).
/// Same seed, data and thread count → same classifier.</param>
public sealed record CnnClassifierOptions(int Epochs = 3, int BatchSize = 128, double LearningRate = 2e-3, long Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the offending value.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be ≥ 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be ≥ 1.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be finite and > 0.");
    }
}

/// <summary>
/// A small convolutional classifier for labelled images (item shape [c, h, w], h, w ≥ 4), used where a linear
/// classifier (<see cref="Analysis.LogisticClassifier"/>) is too weak to decide the class of generated images in
/// speciation measurements, and as a feature map (<see cref="Embed"/>) for Fréchet distances. Inputs are standardized
/// per channel with the training mean m_c and standard deviation s_c (s_c &lt; 10⁻⁶ is replaced by 1),
/// x̃ = (x − m)/s, so raw pixels and [−1, 1] data train alike.
/// <code>
///   h₁ = maxpool₂(SiLU(conv₃ₓ₃(x̃; c → 16)))          [B, 16, h/2, w/2]
///   h₂ = maxpool₂(SiLU(conv₃ₓ₃(h₁; 16 → 32)))         [B, 32, h/4, w/4]
///   e  = SiLU(W₃ flatten(adaptive-avgpool₄ₓ₄(h₂)) + b₃)  [B, 64]   (the embedding)
///   p(k | x) = softmax_k(W₄ e + b₄),   k = 0..K−1
/// </code>
/// 37,488 + 144 c + 65 K parameters (37,762 for one channel and K = 2). Trained in float32 by Adam on the mean
/// cross-entropy, on minibatches in a seeded order; weights start from PyTorch's default uniform init
/// U(−1/√fan_in, 1/√fan_in) drawn from <see cref="Xoshiro"/>, never from torch's global generator. Labels are arbitrary
/// integers mapped to 0..K−1 in increasing order; <see cref="Predict"/> returns the original labels.
/// </summary>
public sealed class CnnClassifier : Scores.IClassifier, IDisposable
{
    /// <summary>Channels of the first and second convolution.</summary>
    private const int C1 = 16, C2 = 32;

    /// <summary>Side of the adaptive average pool before the dense layers.</summary>
    private const int Pooled = 4;

    /// <summary>Width F of the embedding (penultimate layer).</summary>
    public const int EmbeddingDimension = 64;

    /// <summary>Channels with a training standard deviation below this are not rescaled (s_c := 1).</summary>
    private const double MinStd = 1e-6;

    /// <summary>Images per forward pass at inference, to bound memory.</summary>
    private const int InferenceBatch = 512;

    private readonly Tensor mean;        // m: [1, c, 1, 1] float32
    private readonly Tensor invStd;      // 1/s: [1, c, 1, 1] float32
    private readonly Tensor[] weights;   // w1, b1, w2, b2, w3, b3, w4, b4 (float32)

    private CnnClassifier(int[] classes, int[] itemShape, Tensor mean, Tensor invStd, Tensor[] weights, double finalLoss)
    {
        Classes = classes;
        ItemShape = itemShape;
        Dimension = itemShape[0] * itemShape[1] * itemShape[2];
        this.mean = mean;
        this.invStd = invStd;
        this.weights = weights;
        FinalLoss = finalLoss;
        ParameterCount = weights.Sum(w => w.numel());
    }

    /// <summary>The original labels, sorted increasingly; class index k stands for Classes[k]. K ≥ 2.</summary>
    public int[] Classes { get; }

    /// <summary>Item shape [c, h, w] of the training images.</summary>
    public int[] ItemShape { get; }

    /// <summary>Input dimension d = c·h·w.</summary>
    public int Dimension { get; }

    /// <summary>Mean cross-entropy over the minibatches of the last epoch.</summary>
    public double FinalLoss { get; }

    /// <summary>Number of trained scalars.</summary>
    public long ParameterCount { get; }

    /// <summary>
    /// Fits the classifier on the labelled images of <paramref name="data"/> (see the class summary for the model).
    /// <paramref name="progress"/> receives (epoch, mean minibatch loss of that epoch) after each epoch, epochs from 1.
    /// </summary>
    /// <exception cref="ArgumentException">Not image data (item shape [c, h, w] with h, w ≥ 4), no labels, or fewer than two classes.</exception>
    public static CnnClassifier Train(Dataset data, CnnClassifierOptions? options = null, IProgress<(int Epoch, double Loss)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new CnnClassifierOptions();
        options.Validate();
        if (!data.IsImage)
            throw new ArgumentException($"Dataset \"{data.Name}\" is not image data (item shape [{string.Join(", ", data.ItemShape)}]); " +
                                        "a CNN classifier needs items of shape [c, h, w]. Use the logistic classifier for vectors.", nameof(data));
        if (data.ItemShape[1] < 4 || data.ItemShape[2] < 4)
            throw new ArgumentException($"Images of dataset \"{data.Name}\" are {data.ItemShape[1]}×{data.ItemShape[2]}; the CNN pools twice by 2 and needs h, w ≥ 4.", nameof(data));
        var (classes, index) = data.ClassIndex();
        Backend.TorchRuntime.EnsureInitialized();
        int[] shape = (int[])data.ItemShape.Clone();
        int channels = shape[0], n = data.Count;

        using var scope = NewDisposeScope();
        var x = data.ToTensor().reshape(n, shape[0], shape[1], shape[2]);   // x: [n, c, h, w] float32
        var y = torch.tensor(data.Labels.Select(l => index[l]).ToArray());   // y: [n] int64
        var m = x.mean([0, 2, 3], keepdim: true);
        var s = x.std([0, 2, 3], unbiased: false, keepdim: true);
        var invS = torch.where(s < MinStd, torch.ones_like(s), s.reciprocal());
        var xs = (x - m) * invS;

        var parameters = Initialize(channels, classes.Length, Xoshiro.ForStream(options.Seed, 0));
        var optimizer = torch.optim.Adam(parameters, lr: options.LearningRate);
        double epochLoss = double.NaN;
        var order = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            // Fisher–Yates shuffle of the batch order from stream (seed, 1 + epoch).
            var rng = Xoshiro.ForStream(options.Seed, 1 + epoch);
            for (int i = n - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < n; start += options.BatchSize)
            {
                using var step = NewDisposeScope();
                int size = Math.Min(options.BatchSize, n - start);
                var pick = torch.tensor(order.AsSpan(start, size).ToArray());
                optimizer.zero_grad();
                var loss = F.cross_entropy(Forward(xs.index_select(0, pick), parameters).Logits, y.index_select(0, pick));
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
                batches++;
            }
            epochLoss = sum / batches;
            if (!double.IsFinite(epochLoss))
                throw new InvalidOperationException($"CNN training diverged in epoch {epoch + 1} (loss {epochLoss}); lower the learning rate ({options.LearningRate}).");
            progress?.Report((epoch + 1, epochLoss));
        }
        optimizer.Dispose();
        var trained = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        return new CnnClassifier(classes, shape, m.DetachFromDisposeScope(), invS.DetachFromDisposeScope(), trained, epochLoss);
    }

    /// <summary>
    /// Parameters w1 [16, c, 3, 3], b1, w2 [32, 16, 3, 3], b2, w3 [64, 512], b3, w4 [K, 64], b4, each (weight and bias)
    /// uniform on ±1/√fan_in of its layer, drawn in that order from <paramref name="rng"/>.
    /// </summary>
    private static Parameter[] Initialize(int channels, int k, Xoshiro rng)
    {
        long[][] shapes =
        [
            [C1, channels, 3, 3], [C1],
            [C2, C1, 3, 3], [C2],
            [EmbeddingDimension, C2 * Pooled * Pooled], [EmbeddingDimension],
            [k, EmbeddingDimension], [k],
        ];
        var result = new Parameter[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            var w = shapes[i - i % 2];
            long fanIn = w.Skip(1).Aggregate(1L, (a, b) => a * b);
            double bound = 1 / Math.Sqrt(fanIn);
            var values = new float[shapes[i].Aggregate(1L, (a, b) => a * b)];
            for (int j = 0; j < values.Length; j++) values[j] = (float)((2 * rng.NextDouble() - 1) * bound);
            result[i] = torch.nn.Parameter(torch.tensor(values).reshape(shapes[i]));
        }
        return result;
    }

    /// <summary>x̃: [B, c, h, w] standardized → (embedding e: [B, 64], logits: [B, K]), float32.</summary>
    private static (Tensor Embedding, Tensor Logits) Forward(Tensor xs, Tensor[] p)
    {
        var h = F.max_pool2d(F.silu(F.conv2d(xs, p[0], p[1], padding: [1, 1])), [2, 2]);
        h = F.max_pool2d(F.silu(F.conv2d(h, p[2], p[3], padding: [1, 1])), [2, 2]);
        h = F.adaptive_avg_pool2d(h, [Pooled, Pooled]).flatten(1);
        var e = F.silu(F.linear(h, p[4], p[5]));
        return (e, F.linear(e, p[6], p[7]));
    }

    /// <summary>Runs the network on x: [B, d] in chunks without gradients; returns (e, logits) as float32.</summary>
    private (Tensor Embedding, Tensor Logits) Evaluate(Tensor x)
    {
        Check(x);
        using var noGrad = torch.no_grad();
        long b = x.shape[0];
        var embeddings = new List<Tensor>();
        var logits = new List<Tensor>();
        for (long start = 0; start < b; start += InferenceBatch)
        {
            long size = Math.Min(InferenceBatch, b - start);
            var xi = x.narrow(0, start, size).to_type(ScalarType.Float32).reshape(size, ItemShape[0], ItemShape[1], ItemShape[2]);
            var (e, l) = Forward((xi - mean) * invStd, weights);
            embeddings.Add(e);
            logits.Add(l);
        }
        return embeddings.Count == 1 ? (embeddings[0], logits[0]) : (torch.cat(embeddings, 0), torch.cat(logits, 0));
    }

    /// <summary>p(k | x) for x: [B, d] float32/64 (rows are flattened [c, h, w] images); returns [B, K] float64, columns in <see cref="Classes"/> order.</summary>
    /// <exception cref="ArgumentException">x is not [B, d] with B ≥ 1, not floating point, or not finite.</exception>
    public Tensor Probabilities(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Evaluate(x).Logits.to_type(ScalarType.Float64).softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>The most probable class of each row of x: [B, d], as ORIGINAL labels (elements of <see cref="Classes"/>).</summary>
    /// <exception cref="ArgumentException">x is not [B, d] with B ≥ 1, not floating point, or not finite.</exception>
    public int[] Predict(Tensor x)
    {
        using var scope = NewDisposeScope();
        var k = Evaluate(x).Logits.argmax(1).data<long>().ToArray();
        return k.Select(i => Classes[i]).ToArray();
    }

    /// <summary>
    /// The penultimate-layer features e(x) = SiLU(W₃ flatten(pool(h₂)) + b₃) of x: [B, d]; returns [B, F] float64 with
    /// F = <see cref="EmbeddingDimension"/>, e.g. for a Fréchet distance between generated and training images.
    /// </summary>
    /// <exception cref="ArgumentException">x is not [B, d] with B ≥ 1, not floating point, or not finite.</exception>
    public Tensor Embed(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Evaluate(x).Embedding.to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>Share of labelled rows of <paramref name="data"/> whose predicted label equals the true one.</summary>
    /// <exception cref="ArgumentException">No labels, or dimension ≠ d.</exception>
    public double Accuracy(Dataset data) => ClassifierAccuracy.Accuracy(this, data);

    private void Check(Tensor x) => Scores.DenoiserChecks.RequireBatch(x, Dimension, $" (flattened [{string.Join(", ", ItemShape)}] images)");

    /// <summary>Releases the parameter tensors.</summary>
    public void Dispose()
    {
        mean.Dispose();
        invStd.Dispose();
        foreach (var w in weights) w.Dispose();
    }
}
