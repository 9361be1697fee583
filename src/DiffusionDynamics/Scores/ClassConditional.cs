using DiffusionDynamics.Data;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Class-conditional denoisers of labelled data: the denoiser of P(a | y = c), built from the items of class c only —
/// the ingredient of the online Bayes classifier and of dynamic negative guidance (Handke et al., arXiv 2506.10433;
/// Koulischer et al., arXiv 2410.14398; docs/theory.md §7). With priors π_c = n_c/n the unconditional denoisers decompose as
/// <code>
///   P_t(x) = Σ_c π_c P_t(x | c),   p(c | x) = π_c P_t(x | c) / P_t(x),   D(x, t) = Σ_c p(c | x) D_c(x, t)
/// </code>
/// (exact for the empirical score of the whole set).
/// </summary>
public static class ClassConditional
{
    /// <summary>The items of class <paramref name="label"/> (labels kept). Throws when the data are unlabelled or the class is absent.</summary>
    public static Dataset Subset(Dataset data, int label)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels: class-conditional scores need labelled data.", nameof(data));
        if (data.CountOf(label) == 0)
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Class {label} is absent from {data.Name} (classes present: {string.Join(", ", data.Classes())}).");
        return data.FilterClasses(label);
    }

    /// <summary>Prior π_c = n_c / n of class <paramref name="label"/>.</summary>
    public static double Prior(Dataset data, int label) => Subset(data, label).Count / (double)data.Count;

    /// <summary>The exact empirical denoiser of the items of class c: D_c(x, t) = Σ_{μ: y_μ = c} w_μ a^μ (arXiv 2402.18491).</summary>
    public static EmpiricalDenoiser Empirical(Dataset data, int label, EmpiricalDenoiserOptions? options = null) =>
        new(Subset(data, label), options);

    /// <summary>The Gaussian denoiser N(m_c, C_c) of the items of class c (arXiv 2412.09726); <paramref name="rank"/> as in <see cref="GaussianDenoiser.FromData"/>.</summary>
    public static GaussianDenoiser Gaussian(Dataset data, int label, int? rank = null) =>
        GaussianDenoiser.FromData(Subset(data, label), rank);

    /// <summary>A Gaussian mixture fitted to the items of class c (<see cref="MixtureDenoiser.Fit(Dataset, MixtureOptions?)"/>; k ≤ n_c).</summary>
    public static MixtureDenoiser Mixture(Dataset data, int label, MixtureOptions? options = null) =>
        MixtureDenoiser.Fit(Subset(data, label), options);
}
