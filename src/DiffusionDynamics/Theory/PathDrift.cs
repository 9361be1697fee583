namespace DiffusionDynamics.Theory;

/// <summary>
/// A drift f(x, s) of dx = f(x, s) ds + √(2D(s)) dW, evaluated at the K points of a discretized path, with the vector–Jacobian
/// product (∂f)ᵀv that the gradient of the Onsager–Machlup action needs (Vastola, arXiv 2504.09761; docs/theory.md §8.4).
/// The symmetry flags say which Noether charges the least-action paths conserve (§8.5).
/// </summary>
public interface IPathDrift
{
    /// <summary>Dimension d.</summary>
    int Dimension { get; }

    /// <summary>Short name for reports ("Ornstein–Uhlenbeck f = −x").</summary>
    string Name { get; }

    /// <summary>f does not depend on s: the energy (|ẋ|² − |f|²)/(4D) is conserved when D is constant.</summary>
    bool TimeHomogeneous { get; }

    /// <summary>f does not depend on x: the momentum p = (ẋ − f)/(2D) is conserved.</summary>
    bool TranslationInvariant { get; }

    /// <summary>f(Rx) = R f(x) for rotations R about the origin (d = 2): the angular momentum x × p is conserved.</summary>
    bool RotationInvariant { get; }

    /// <summary>
    /// f at the K points x (row-major [K, d]) and times s ([K]) into <paramref name="f"/> ([K, d]); when <paramref name="v"/> is
    /// not empty, also (∂f(x_k, s_k))ᵀ v_k into <paramref name="jtv"/> ([K, d]).
    /// </summary>
    void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> s, ReadOnlySpan<double> v, Span<double> f, Span<double> jtv);
}

/// <summary>The linear drift f = −γx (Ornstein–Uhlenbeck; γ = 1 is the forward process of docs/theory.md §1.1). Range: γ finite.</summary>
public sealed class LinearDrift(int dimension, double gamma = 1) : IPathDrift
{
    /// <summary>γ.</summary>
    public double Gamma { get; } = double.IsFinite(gamma) ? gamma : throw new ArgumentException($"gamma must be finite (got {gamma}).", nameof(gamma));

    /// <inheritdoc />
    public int Dimension { get; } = dimension >= 1 ? dimension : throw new ArgumentException($"dimension must be ≥ 1 (got {dimension}).", nameof(dimension));

    /// <inheritdoc />
    public string Name => Gamma == 1 ? "Ornstein–Uhlenbeck f = −x" : $"linear f = −{Gamma:G4} x";

    /// <inheritdoc />
    public bool TimeHomogeneous => true;

    /// <inheritdoc />
    public bool TranslationInvariant => Gamma == 0;

    /// <inheritdoc />
    public bool RotationInvariant => Dimension == 2;

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> s, ReadOnlySpan<double> v, Span<double> f, Span<double> jtv)
    {
        for (int i = 0; i < x.Length; i++) f[i] = -Gamma * x[i];
        if (!v.IsEmpty) for (int i = 0; i < v.Length; i++) jtv[i] = -Gamma * v[i];
    }
}

/// <summary>The constant drift f = v (drift–diffusion): translation invariant, so the least-action path is a straight line.</summary>
public sealed class ConstantDrift(double[] velocity) : IPathDrift
{
    private readonly double[] velocity = velocity.All(double.IsFinite) && velocity.Length > 0 ? (double[])velocity.Clone()
        : throw new ArgumentException("velocity must be non-empty and finite.", nameof(velocity));

    /// <inheritdoc />
    public int Dimension => velocity.Length;

    /// <inheritdoc />
    public string Name => "constant drift f = v";

    /// <inheritdoc />
    public bool TimeHomogeneous => true;

    /// <inheritdoc />
    public bool TranslationInvariant => true;

    /// <inheritdoc />
    public bool RotationInvariant => Dimension == 2 && velocity.All(c => c == 0);

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> s, ReadOnlySpan<double> v, Span<double> f, Span<double> jtv)
    {
        int d = velocity.Length;
        for (int i = 0; i < x.Length; i++) f[i] = velocity[i % d];
        if (!v.IsEmpty) jtv[..v.Length].Clear();
    }
}
