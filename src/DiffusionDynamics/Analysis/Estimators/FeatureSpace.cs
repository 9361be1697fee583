using System.Globalization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Which fixed feature map a Fréchet distance is computed in.</summary>
public enum FeatureSpaceKind
{
    /// <summary>Top-k principal components of the reference (held-out) data, f = Uᵀ(x − m), fixed once.</summary>
    Pca,
    /// <summary>The 64-wide penultimate layer of the project's CNN classifier trained on the labelled training images.</summary>
    Cnn,
    /// <summary>The data coordinates themselves, f = x (for low d).</summary>
    Identity,
}

/// <summary>Options of the feature map of a Fréchet distance (<see cref="FeatureSpace.Create"/>).</summary>
/// <param name="Kind">Feature map (default PCA, the one that works for every dataset).</param>
/// <param name="Components">k, the number of principal components for <see cref="FeatureSpaceKind.Pca"/> (default 32; capped at
/// min(d, n_ref − 1)). Range: ≥ 1.</param>
/// <param name="Cnn">Training options of the CNN for <see cref="FeatureSpaceKind.Cnn"/> (default: the classifier's defaults, 3 epochs).</param>
public sealed record FeatureSpaceOptions(FeatureSpaceKind Kind = FeatureSpaceKind.Pca, int Components = 32, CnnClassifierOptions? Cnn = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (Components < 1) throw new ArgumentOutOfRangeException(nameof(Components), Components, "Components must be ≥ 1.");
        Cnn?.Validate();
    }

    /// <summary>Parses <c>pca</c>, <c>pca:K</c>, <c>cnn</c> or <c>identity</c>.</summary>
    /// <exception cref="ArgumentException">Any other text, or K not an integer ≥ 1.</exception>
    public static FeatureSpaceOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        if (s == "cnn") return new FeatureSpaceOptions(FeatureSpaceKind.Cnn);
        if (s == "identity") return new FeatureSpaceOptions(FeatureSpaceKind.Identity);
        if (s == "pca") return new FeatureSpaceOptions();
        if (s.StartsWith("pca:", StringComparison.Ordinal))
        {
            if (!int.TryParse(s[4..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k < 1)
                throw new ArgumentException($"Features \"{text}\": the number of components after 'pca:' must be an integer ≥ 1.", nameof(text));
            return new FeatureSpaceOptions(FeatureSpaceKind.Pca, k);
        }
        throw new ArgumentException($"Features \"{text}\" are not one of pca, pca:K, cnn, identity.", nameof(text));
    }
}

/// <summary>
/// A fixed map f: ℝ^d → ℝ^k in which Fréchet distances are taken. Fixed means fitted once (on reference or training
/// data) and then applied unchanged to every set of points compared.
/// </summary>
public interface IFeatureSpace : IDisposable
{
    /// <summary>Input dimension d.</summary>
    int InputDimension { get; }

    /// <summary>Feature dimension k.</summary>
    int Dimension { get; }

    /// <summary>What the map is, for reports (e.g. "top 32 principal components of the reference set (62.1 % of its variance)").</summary>
    string Description { get; }

    /// <summary>f(x) for x: [B, d] (float32/64, finite); returns [B, k] float64.</summary>
    Tensor Map(Tensor x);
}

/// <summary>f(x) = x (float64). For low-dimensional data, where the covariance of the raw coordinates is well estimated.</summary>
public sealed class IdentityFeatureSpace(int dimension) : IFeatureSpace
{
    /// <inheritdoc />
    public int InputDimension { get; } = dimension >= 1 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be ≥ 1.");

    /// <inheritdoc />
    public int Dimension => InputDimension;

    /// <inheritdoc />
    public string Description => $"identity (the {InputDimension} data coordinates)";

    /// <inheritdoc />
    public Tensor Map(Tensor x)
    {
        Scores.DenoiserChecks.RequireBatch(x, InputDimension);
        return x.to_type(ScalarType.Float64, copy: true);
    }

    /// <inheritdoc />
    public void Dispose() { }
}

/// <summary>
/// f(x) = Uᵀ(x − m): coordinates on the top-k principal axes of a fixed dataset (mean m, covariance
/// C = (1/n) Σ (a − m)(a − m)ᵀ with eigenvectors U = [u_1 … u_k] of the k largest eigenvalues, by
/// <see cref="CovarianceSpectrum"/> in float64). Unwhitened, so the FD is in the data's squared units restricted to the
/// top-k subspace (the high-variance modes, which Wang &amp; Vastola, arXiv 2303.02490, show are decided first).
/// </summary>
public sealed class PcaFeatureSpace : IFeatureSpace
{
    private readonly Tensor mean;   // m: [1, d] float64
    private readonly Tensor basis;  // U: [d, k] float64

    /// <summary>Fits the map on <paramref name="data"/>. Range: n ≥ 2, 1 ≤ k ≤ min(d, n − 1).</summary>
    public PcaFeatureSpace(Dataset data, int components)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count < 2) throw new ArgumentException($"PCA features need n ≥ 2 reference points (got {data.Count}).", nameof(data));
        int kMax = Math.Min(data.Dimension, data.Count - 1);
        if (components < 1 || components > kMax)
            throw new ArgumentOutOfRangeException(nameof(components), components, $"components must be in [1, min(d, n − 1)] = [1, {kMax}].");
        using var scope = NewDisposeScope();
        var a = data.ToTensor(ScalarType.Float64);
        var pairs = CovarianceSpectrum.Top(a, components);
        Eigenvalues = pairs.Eigenvalues;
        mean = a.mean([0], keepdim: true).DetachFromDisposeScope();
        double total = (a - mean).square().sum().item<double>() / data.Count;
        ExplainedVarianceFraction = total > 0 ? Eigenvalues.Sum() / total : 1.0;
        var rows = new double[components * data.Dimension];
        for (int i = 0; i < components; i++) pairs.Eigenvectors[i].CopyTo(rows, i * data.Dimension);
        basis = torch.tensor(rows, [components, data.Dimension]).t().contiguous().DetachFromDisposeScope();
        InputDimension = data.Dimension;
        Dimension = components;
        Description = string.Create(CultureInfo.InvariantCulture,
            $"top {components} principal components of {data.Name} (n = {data.Count}; {100 * ExplainedVarianceFraction:F1} % of its variance)");
    }

    /// <summary>λ_1 ≥ … ≥ λ_k of the fitted covariance.</summary>
    public IReadOnlyList<double> Eigenvalues { get; }

    /// <summary>Σ_{i≤k} λ_i / tr C of the fitted data.</summary>
    public double ExplainedVarianceFraction { get; }

    /// <inheritdoc />
    public int InputDimension { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public Tensor Map(Tensor x)
    {
        Scores.DenoiserChecks.RequireBatch(x, InputDimension);
        using var scope = NewDisposeScope();
        return (x.to_type(ScalarType.Float64) - mean).mm(basis).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        mean.Dispose();
        basis.Dispose();
    }
}

/// <summary>
/// f(x) = e(x), the 64-wide penultimate layer of <see cref="CnnClassifier"/> trained (seeded) on the labelled training
/// images: a small learned feature space of the project's own, in the spirit of FID's Inception features but far
/// smaller and trained only on these classes — an FD here is not comparable to published FIDs.
/// </summary>
public sealed class CnnFeatureSpace : IFeatureSpace
{
    private readonly CnnClassifier classifier;

    /// <summary>Trains the classifier on <paramref name="training"/> (labelled images) and keeps its embedding.</summary>
    public CnnFeatureSpace(Dataset training, CnnClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        classifier = CnnClassifier.Train(training, options);
        InputDimension = training.Dimension;
        Description = string.Create(CultureInfo.InvariantCulture,
            $"CNN penultimate layer ({CnnClassifier.EmbeddingDimension} features) of a classifier trained on {training.Name} (n = {training.Count}, classes {string.Join(",", classifier.Classes)}, final loss {classifier.FinalLoss:F3})");
    }

    /// <summary>The trained classifier (owned by this feature space).</summary>
    public CnnClassifier Classifier => classifier;

    /// <inheritdoc />
    public int InputDimension { get; }

    /// <inheritdoc />
    public int Dimension => CnnClassifier.EmbeddingDimension;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public Tensor Map(Tensor x) => classifier.Embed(x);

    /// <inheritdoc />
    public void Dispose() => classifier.Dispose();
}

/// <summary>Builds the feature space named by <see cref="FeatureSpaceOptions"/>.</summary>
public static class FeatureSpace
{
    /// <summary>
    /// PCA: fitted on <paramref name="reference"/> (k capped at min(d, n_ref − 1)). CNN: trained on the labelled
    /// <paramref name="training"/> images. Identity: f = x.
    /// </summary>
    /// <exception cref="ArgumentException">CNN features for unlabelled or non-image data; d mismatch between the sets.</exception>
    public static IFeatureSpace Create(FeatureSpaceOptions options, Dataset training, Dataset reference)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(reference);
        options.Validate();
        if (training.Dimension != reference.Dimension)
            throw new ArgumentException($"Training data have d = {training.Dimension}, the reference set d = {reference.Dimension}.", nameof(reference));
        return options.Kind switch
        {
            FeatureSpaceKind.Identity => new IdentityFeatureSpace(training.Dimension),
            FeatureSpaceKind.Cnn => new CnnFeatureSpace(training, options.Cnn),
            _ => new PcaFeatureSpace(reference, Math.Min(options.Components, Math.Min(reference.Dimension, reference.Count - 1))),
        };
    }

    /// <summary>f of every row of a dataset, in chunks: [n, k] float64.</summary>
    public static Tensor MapAll(IFeatureSpace space, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        return space.Map(data.ToTensor()).MoveToOuterDisposeScope();
    }
}
