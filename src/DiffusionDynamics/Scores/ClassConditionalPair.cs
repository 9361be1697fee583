using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// An unconditional denoiser D with class-conditional denoisers D_c given separately — e.g. trained networks (<c>diffdyn train</c> on all data
/// and <c>train --classes c</c> per class) or one class-conditional ONNX graph read with a fixed label per class (D = the graph with the
/// classifier-free-guidance null label, or a separate graph). <see cref="Denoise"/> is D; <see cref="ForClass"/> is D_c. No exact class
/// posterior: <c>entropy</c> tracks p(c | path) with the online Bayes classifier (docs/theory.md §7.4) and I-MMSE. Owns every denoiser it is given
/// (the same instance may serve twice; it is disposed once).
/// </summary>
public sealed class ClassConditionalPair : IClassConditional, IDisposable
{
    private readonly IDenoiser unconditional;
    private readonly Dictionary<int, IDenoiser> perClass;

    /// <summary>From D and one D_c per label (at least two labels; all of D's dimension).</summary>
    public ClassConditionalPair(IDenoiser unconditional, IReadOnlyDictionary<int, IDenoiser> perClass, string name)
    {
        ArgumentNullException.ThrowIfNull(unconditional);
        ArgumentNullException.ThrowIfNull(perClass);
        if (perClass.Count < 2) throw new ArgumentException($"A class-conditional pair needs ≥ 2 class denoisers (got {perClass.Count}).", nameof(perClass));
        foreach (var (label, d) in perClass)
            if (d.Dimension != unconditional.Dimension)
                throw new ArgumentException($"The denoiser of class {label} has d = {d.Dimension}, the unconditional one d = {unconditional.Dimension}.", nameof(perClass));
        this.unconditional = unconditional;
        this.perClass = new Dictionary<int, IDenoiser>(perClass);
        Classes = perClass.Keys.Order().ToArray();
        Name = name;
    }

    /// <summary>How the pair was given (for reports).</summary>
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> Classes { get; }

    /// <inheritdoc />
    public int Dimension => unconditional.Dimension;

    /// <inheritdoc />
    public Precision Precision => unconditional.Precision;

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t) => unconditional.Denoise(x, t);

    /// <inheritdoc />
    public IDenoiser ForClass(int label) => perClass.TryGetValue(label, out var d) ? d
        : throw new ArgumentOutOfRangeException(nameof(label), label, $"Class {label} has no denoiser (classes given: {string.Join(", ", Classes)}).");

    /// <summary>Releases every denoiser once.</summary>
    public void Dispose()
    {
        foreach (var d in perClass.Values.Append(unconditional).Distinct(ReferenceEqualityComparer.Instance)) (d as IDisposable)?.Dispose();
    }
}
