using DiffusionDynamics.Data;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The exact class-conditional empirical scores of labelled data (docs/theory.md §7; Handke et al., arXiv 2506.10433;
/// Koulischer et al., arXiv 2410.14398): one <see cref="EmpiricalDenoiser"/> D_c per class (<see cref="ClassConditional.Empirical"/>),
/// priors π_c = n_c/n, and
/// <code>
///   ln p(c | x, t) = ln π_c + ln P_t(x | c) − logsumexp_c′(ln π_c′ + ln P_t(x | c′))
///                  = logsumexp_{μ: y_μ = c} L_μ − logsumexp_μ L_μ,     L_μ = (e^{−t} x·a^μ − ½ e^{−2t}|a^μ|²)/Δ_t
///   D(x, t)        = Σ_c p(c | x, t) D_c(x, t)       (the empirical denoiser of the whole set, exactly)
///   ln P_t(x)      = logsumexp_c(ln π_c + ln P_t(x | c))
/// </code>
/// The second line holds because π_c/n_c = 1/n and the Gaussian normalizations and |x|²/(2Δ_t) are common to all classes:
/// the posterior is a difference of log-sum-exps of the logits alone, finite at small t where p(c | x) of the far classes is
/// below the smallest double (its softmax would give ln 0 = −∞). Default precision float64 (the logits are ~|x||a|/Δ_t).
/// </summary>
public sealed class ClassConditionalEmpirical : IClassConditional, IClassPosterior, ILogDensity, IDisposable
{
    private readonly EmpiricalDenoiser[] perClass;
    private readonly double[] logPriors;
    private readonly int[] classes;

    /// <summary>
    /// The class-conditional empirical scores of <paramref name="data"/> (labelled, ≥ 1 class). Options default to float64.
    /// </summary>
    public ClassConditionalEmpirical(Dataset data, EmpiricalDenoiserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels: class-conditional scores need labelled data.", nameof(data));
        options ??= new EmpiricalDenoiserOptions(Precision.Float64);
        classes = data.Classes();
        perClass = new EmpiricalDenoiser[classes.Length];
        try
        {
            for (int c = 0; c < classes.Length; c++) perClass[c] = ClassConditional.Empirical(data, classes[c], options);
        }
        catch
        {
            foreach (var e in perClass) e?.Dispose();
            throw;
        }
        Priors = perClass.Select(e => e.Count / (double)data.Count).ToArray();
        logPriors = Priors.Select(p => Math.Log(p)).ToArray();
        Dimension = data.Dimension;
        Options = options;
    }

    /// <inheritdoc cref="IDenoiser.Dimension" />
    public int Dimension { get; }

    /// <summary>The options of the per-class empirical denoisers.</summary>
    public EmpiricalDenoiserOptions Options { get; }

    /// <inheritdoc />
    public Precision Precision => Options.Precision;

    /// <summary>The class labels, ascending (column order of <see cref="LogClassPosterior"/>).</summary>
    public IReadOnlyList<int> Classes => classes;

    /// <summary>Priors π_c = n_c / n, in the order of <see cref="Classes"/>.</summary>
    public IReadOnlyList<double> Priors { get; }

    /// <summary>The empirical denoiser D_c of class <paramref name="label"/> (owned by this object).</summary>
    public EmpiricalDenoiser ForClass(int label)
    {
        int c = Array.IndexOf(classes, label);
        if (c < 0) throw new ArgumentOutOfRangeException(nameof(label), label, $"Class {label} is absent (classes present: {string.Join(", ", classes)}).");
        return perClass[c];
    }

    IDenoiser IClassConditional.ForClass(int label) => ForClass(label);

    /// <summary>ln p(c | x, t): [B, K] float64 (see the class summary). x: [B, d]; Range: t &gt; 0.</summary>
    public Tensor LogClassPosterior(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        return LogitLogSumExps(x, t).log_softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>D(x, t) = Σ_c p(c | x, t) D_c(x, t): [B, d] in x's dtype.</summary>
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var posterior = LogitLogSumExps(x, t).softmax(1);                              // [B, K]
        var result = torch.zeros(x.shape, dtype: ScalarType.Float64);
        for (int c = 0; c < classes.Length; c++)
            result.add_(perClass[c].Denoise(x, t).to_type(ScalarType.Float64).mul_(posterior.narrow(1, c, 1)));
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>ln P_t(x) = logsumexp_c(ln π_c + ln P_t(x | c)): [B] float64.</summary>
    public Tensor LogDensity(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var columns = new Tensor[classes.Length];
        for (int c = 0; c < classes.Length; c++) columns[c] = perClass[c].LogDensity(x, t).add_(logPriors[c]);
        return torch.stack(columns, 1).logsumexp(1, keepdim: false).MoveToOuterDisposeScope();
    }

    /// <summary>logsumexp_{μ: y_μ = c} L_μ per class: [B, K] float64; ln π_c + ln P_t(x | c) up to terms common to all c.</summary>
    private Tensor LogitLogSumExps(Tensor x, double t)
    {
        var columns = new Tensor[classes.Length];
        for (int c = 0; c < classes.Length; c++) columns[c] = perClass[c].LogitLogSumExp(x, t);
        return torch.stack(columns, 1);
    }

    /// <summary>Releases the per-class denoisers.</summary>
    public void Dispose()
    {
        foreach (var e in perClass) e.Dispose();
    }
}
