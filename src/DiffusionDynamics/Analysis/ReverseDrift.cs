using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The backward drift of a denoiser in path time s = t₀ − t (docs/theory.md §3.5, §8.6): f(x, s) = x + c ∇ln P_t(x) with
/// c = 2 (reverse SDE, D = 1) or 1 (probability flow), and (∂f)ᵀv = v + c J_sᵀ v — by autograd when the denoiser offers
/// <see cref="IJacobianTransposeProduct"/>, else J_s v (J_s symmetric for exact scores; closed form or finite differences, <see cref="ScoreJacobian.Apply"/>).
/// </summary>
public sealed class ReverseDenoiserDrift(IDenoiser denoiser, double startTime, double scoreCoefficient = 2, string? name = null) : IPathDrift
{
    private readonly IDenoiser denoiser = denoiser ?? throw new ArgumentNullException(nameof(denoiser));

    /// <inheritdoc />
    public int Dimension => denoiser.Dimension;

    /// <inheritdoc />
    public string Name { get; } = name ?? "reverse drift x + 2∇ln P_t";

    /// <inheritdoc />
    public bool TimeHomogeneous => false;

    /// <inheritdoc />
    public bool TranslationInvariant => false;

    /// <inheritdoc />
    public bool RotationInvariant => false;

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> s, ReadOnlySpan<double> v, Span<double> f, Span<double> jtv)
    {
        int d = Dimension;
        var transpose = denoiser.As<IJacobianTransposeProduct>();
        for (int k = 0; k < s.Length; k++)
        {
            using var scope = NewDisposeScope();
            double t = startTime - s[k];
            var xk = tensor(x.Slice(k * d, d).ToArray(), [1L, d], ScalarType.Float64);
            var score = Score.Evaluate(denoiser, xk, t).to_type(ScalarType.Float64).contiguous();
            var sv = score.data<double>();
            for (int c = 0; c < d; c++) f[k * d + c] = x[k * d + c] + scoreCoefficient * sv[c];
            if (v.IsEmpty) continue;
            var vk = tensor(v.Slice(k * d, d).ToArray(), [(long)d], ScalarType.Float64);
            var jv = (transpose is not null ? transpose.ScoreJacobianTransposeApply(xk, t, vk) : ScoreJacobian.Apply(denoiser, xk, t, vk.unsqueeze(1)))
                .to_type(ScalarType.Float64).contiguous().data<double>();
            for (int c = 0; c < d; c++) jtv[k * d + c] = v[k * d + c] + scoreCoefficient * jv[c];
        }
    }
}

/// <summary>The closed-form ring score (<see cref="RingScore"/>) as a denoiser D = e^{t}(x + Δ_t ∇ln P_t), for the library's samplers.</summary>
public sealed class RingDenoiser(RingScore ring) : IDenoiser
{
    /// <inheritdoc />
    public int Dimension => 2;

    /// <inheritdoc />
    public Precision Precision => Precision.Float64;

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, 2, t);
        using var scope = NewDisposeScope();
        var xs = x.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var output = new double[xs.Length];
        Span<double> score = stackalloc double[2];
        double growth = Math.Exp(t), delta = -double.ExpM1(-2 * t);
        for (int b = 0; b < xs.Length / 2; b++)
        {
            ring.Evaluate(xs.AsSpan(2 * b, 2), t, score, ReadOnlySpan<double>.Empty, Span<double>.Empty);
            output[2 * b] = growth * (xs[2 * b] + delta * score[0]);
            output[2 * b + 1] = growth * (xs[2 * b + 1] + delta * score[1]);
        }
        return tensor(output, [xs.Length / 2, 2L], ScalarType.Float64).to_type(x.dtype).MoveToOuterDisposeScope();
    }
}
