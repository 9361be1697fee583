namespace DiffusionDynamics.Scores;

/// <summary>
/// Capability: the class-conditional denoisers D_c(x, t) = E[a | x(t) = x, y = c] of labelled data
/// (docs/theory.md §7), the ingredient of conditional sampling and of (dynamic negative) guidance. The unconditional
/// denoiser is their posterior average D = Σ_c p(c | x) D_c.
/// </summary>
public interface IClassConditional : IDenoiser
{
    /// <summary>The class labels.</summary>
    IReadOnlyList<int> Classes { get; }

    /// <summary>The denoiser of class <paramref name="label"/> (owned by this object; do not dispose). Throws when the class is absent.</summary>
    IDenoiser ForClass(int label);
}
