using DiffusionDynamics.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Exact class-conditional scores built from per-class denoisers with closed-form log-densities (Gaussian or mixture per
/// class, the two-cluster model as two Gaussians N(±m, σ²I)); docs/theory.md §7.3:
/// <code>
///   ln p(c | x, t) = ln π_c + ln P_t(x | c) − logsumexp_c′(ln π_c′ + ln P_t(x | c′)),   D(x, t) = Σ_c p(c | x, t) D_c(x, t)
/// </code>
/// Owns its per-class denoisers.
/// </summary>
public sealed class ClassConditionalDensities : IClassConditional, IClassPosterior, ILogDensity, IDisposable
{
    private readonly IDenoiser[] perClass;
    private readonly double[] logPriors;
    private readonly int[] classes;

    /// <summary>From labels, priors (positive, summing to 1 within 1e-9) and per-class denoisers that implement <see cref="ILogDensity"/>.</summary>
    public ClassConditionalDensities(IReadOnlyList<int> labels, IReadOnlyList<double> priors, IReadOnlyList<IDenoiser> denoisers)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(priors);
        ArgumentNullException.ThrowIfNull(denoisers);
        if (labels.Count < 1 || labels.Count != priors.Count || labels.Count != denoisers.Count)
            throw new ArgumentException($"labels, priors and denoisers must have the same length ≥ 1 (got {labels.Count}, {priors.Count}, {denoisers.Count}).", nameof(labels));
        if (labels.Distinct().Count() != labels.Count) throw new ArgumentException("Class labels must be distinct.", nameof(labels));
        if (priors.Any(p => !(p > 0)) || Math.Abs(priors.Sum() - 1) > 1e-9)
            throw new ArgumentException($"Priors must be > 0 and sum to 1 (got {string.Join(", ", priors)}).", nameof(priors));
        if (denoisers.Any(d => d is not ILogDensity)) throw new ArgumentException("Every per-class denoiser needs a closed-form log-density.", nameof(denoisers));
        if (denoisers.Select(d => d.Dimension).Distinct().Count() != 1) throw new ArgumentException("Per-class denoisers differ in dimension.", nameof(denoisers));
        classes = labels.ToArray();
        perClass = denoisers.ToArray();
        Priors = priors.ToArray();
        logPriors = priors.Select(p => Math.Log(p)).ToArray();
        Dimension = perClass[0].Dimension;
    }

    /// <summary>
    /// The two-cluster model ½N(−m, σ²I) + ½N(+m, σ²I) with the labels of <see cref="TwoClusterSpec"/> (0 for −m, 1 for +m):
    /// ln p(1 | x, t) − ln p(0 | x, t) = 2 e^{−t} m·x / Γ_t, Γ_t = Δ_t + σ² e^{−2t}. centre: [d]. Range: σ ≥ 0.
    /// </summary>
    public static ClassConditionalDensities TwoCluster(Tensor centre, double sigma)
    {
        ArgumentNullException.ThrowIfNull(centre);
        if (!(sigma >= 0) || double.IsInfinity(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be finite and ≥ 0.");
        var m = centre.to_type(ScalarType.Float64).flatten();
        return new ClassConditionalDensities([0, 1], [0.5, 0.5],
            [GaussianDenoiser.Isotropic(-m, sigma * sigma), GaussianDenoiser.Isotropic(m.clone(), sigma * sigma)]);
    }

    /// <summary>One Gaussian N(m_c, C_c) per class of labelled <paramref name="data"/> (priors n_c/n).</summary>
    public static ClassConditionalDensities Gaussian(Dataset data, int? rank = null) =>
        PerClass(data, c => ClassConditional.Gaussian(data, c, rank));

    /// <summary>One Gaussian mixture per class of labelled <paramref name="data"/> (priors n_c/n).</summary>
    public static ClassConditionalDensities Mixture(Dataset data, MixtureOptions? options = null) =>
        PerClass(data, c => ClassConditional.Mixture(data, c, options));

    private static ClassConditionalDensities PerClass(Dataset data, Func<int, IDenoiser> build)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels: class-conditional scores need labelled data.", nameof(data));
        var labels = data.Classes();
        return new ClassConditionalDensities(labels, labels.Select(c => data.CountOf(c) / (double)data.Count).ToArray(), labels.Select(build).ToArray());
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public Precision Precision => Precision.Float64;

    /// <summary>The class labels (column order of <see cref="LogClassPosterior"/>).</summary>
    public IReadOnlyList<int> Classes => classes;

    /// <summary>Priors π_c in the order of <see cref="Classes"/>.</summary>
    public IReadOnlyList<double> Priors { get; }

    /// <inheritdoc />
    public IDenoiser ForClass(int label)
    {
        int c = Array.IndexOf(classes, label);
        if (c < 0) throw new ArgumentOutOfRangeException(nameof(label), label, $"Class {label} is absent (classes present: {string.Join(", ", classes)}).");
        return perClass[c];
    }

    /// <summary>ln π_c + ln P_t(x | c): [B, K] float64.</summary>
    private Tensor Joint(Tensor x, double t)
    {
        var columns = new Tensor[classes.Length];
        for (int c = 0; c < classes.Length; c++) columns[c] = ((ILogDensity)perClass[c]).LogDensity(x, t).to_type(ScalarType.Float64).add_(logPriors[c]);
        return torch.stack(columns, 1);
    }

    /// <inheritdoc />
    public Tensor LogClassPosterior(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        return Joint(x, t).log_softmax(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor LogDensity(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        return Joint(x, t).logsumexp(1, keepdim: false).MoveToOuterDisposeScope();
    }

    /// <summary>D(x, t) = Σ_c p(c | x, t) D_c(x, t): [B, d] in x's dtype.</summary>
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var posterior = Joint(x, t).softmax(1);
        var result = torch.zeros(x.shape, dtype: ScalarType.Float64);
        for (int c = 0; c < classes.Length; c++)
            result.add_(perClass[c].Denoise(x, t).to_type(ScalarType.Float64).mul_(posterior.narrow(1, c, 1)));
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the per-class denoisers.</summary>
    public void Dispose()
    {
        foreach (var d in perClass) (d as IDisposable)?.Dispose();
    }
}
