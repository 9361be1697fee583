using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The divergence of the score, ∇·s(x, t) = tr J_s(x, t), for a batch of points (information dynamics, arXiv 2508.19897;
/// docs/theory.md §7.7). By Tweedie tr J_s = −d/Δ_t + (e^{−2t}/Δ_t²) tr Cov[a | x_t = x], so the posterior covariance trace V(x)
/// is computed wherever a closed form exists and the divergence follows:
/// <list type="bullet">
/// <item>exact empirical score (<see cref="IPosteriorWeights"/>): V = Σ_μ w_μ|a^μ|² − |D|² (one GEMM for the whole batch);</item>
/// <item>exact class-conditional scores (<see cref="IClassPosterior"/> + <see cref="IClassConditional"/> whose D_c all qualify): the law of
/// total variance V = Σ_c p(c | x) (V_c + |D_c − D|²);</item>
/// <item>closed-form Jacobians (<see cref="IClosedFormJacobian"/>: Gaussian, two-cluster) in d ≤ <see cref="DenseTraceMaxDimension"/>:
/// the trace of the dense J_s per point;</item>
/// <item>any other denoiser (e.g. a trained network): Hutchinson's estimator with k Rademacher probes v and central finite differences of
/// the Tweedie score, tr J_s ≈ (1/k) Σ v·(s(x + hv) − s(x − hv))/(2h), h = ε^{1/3}√Δ_t (<see cref="ScoreJacobian.DefaultStep"/>).
/// Unbiased up to O(h²); its probe variance adds to the spread over points, so standard errors over points include it.</item>
/// </list>
/// </summary>
public static class ScoreDivergence
{
    /// <summary>Largest d for which a closed-form Jacobian is traced densely point by point (d products per point).</summary>
    public const int DenseTraceMaxDimension = 32;

    /// <summary>True when <see cref="Evaluate"/> is exact for <paramref name="denoiser"/> (no Hutchinson probes).</summary>
    public static bool IsExact(IDenoiser denoiser)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        if (denoiser.Has<IPosteriorWeights>()) return true;
        if (denoiser.Has<IClosedFormJacobian>() && denoiser.Dimension <= DenseTraceMaxDimension) return true;
        return denoiser.As<IClassPosterior>() is { } posterior && denoiser.As<IClassConditional>() is { } conditional
               && posterior.Classes.All(c => IsExact(conditional.ForClass(c)));
    }

    /// <summary>
    /// ∇·s(x, t): [B] float64 for x: [B, d]. <paramref name="probes"/> and <paramref name="seed"/> only matter for the Hutchinson
    /// estimator (row b of a call draws from stream (seed, firstId + b), so results do not depend on the batching). Range: t &gt; 0, probes ≥ 1.
    /// </summary>
    public static Tensor Evaluate(IDenoiser denoiser, Tensor x, double t, int probes = 4, long seed = 0, long firstId = 0)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        DenoiserChecks.Require(x, denoiser.Dimension, t);
        if (probes < 1) throw new ArgumentOutOfRangeException(nameof(probes), probes, "Need ≥ 1 Hutchinson probe.");
        using var scope = NewDisposeScope();
        double delta = OuTime.Delta(t), decay = OuTime.Decay(t);
        int d = denoiser.Dimension;
        Tensor result = IsExact(denoiser)
            ? PosteriorTrace(denoiser, x, t).mul(decay * decay / (delta * delta)).sub(d / delta)
            : Hutchinson(denoiser, x, t, probes, seed, firstId);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>tr Cov[a | x_t = x]: [B] float64, for a denoiser with <see cref="IsExact"/>.</summary>
    public static Tensor PosteriorTrace(IDenoiser denoiser, Tensor x, double t)
    {
        using var scope = NewDisposeScope();
        if (denoiser.As<IPosteriorWeights>() is { } e)
        {
            var a = e.TrainingSet;
            var w = e.PosteriorWeights(x, t).to_type(ScalarType.Float64);                       // [B, n]
            var squares = a.to_type(ScalarType.Float64).square().sum(1);                         // |a^μ|²: [n]
            var mean = w.to_type(a.dtype).mm(a).to_type(ScalarType.Float64);                    // D: [B, d]
            return w.mv(squares).sub_(mean.square().sum(1)).clamp_min_(0).MoveToOuterDisposeScope();
        }
        if (denoiser.Has<IClosedFormJacobian>() && denoiser.Dimension <= DenseTraceMaxDimension)
        {
            // One dense closed-form Jacobian per point; each point's tensors are released at once (a batch makes thousands).
            double delta = OuTime.Delta(t), decay = OuTime.Decay(t), scale = delta * delta / (decay * decay);
            int d = denoiser.Dimension;
            var rows = x.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            var traces = new double[rows.Length / d];
            for (int b = 0; b < traces.Length; b++)
            {
                using var row = NewDisposeScope();
                var point = torch.tensor(rows.AsSpan(b * d, d).ToArray());
                traces[b] = (ScoreJacobian.Dense(denoiser, point, t).trace().item<double>() + d / delta) * scale;
            }
            return torch.tensor(traces).MoveToOuterDisposeScope();
        }
        var posterior = denoiser.As<IClassPosterior>()!;
        var conditional = denoiser.As<IClassConditional>()!;
        var p = posterior.LogClassPosterior(x, t).to_type(ScalarType.Float64).exp();               // [B, K]
        var classDenoised = posterior.Classes.Select(c => conditional.ForClass(c).Denoise(x, t).to_type(ScalarType.Float64)).ToArray();
        var mix = torch.zeros(x.shape, dtype: ScalarType.Float64);
        for (int c = 0; c < classDenoised.Length; c++) mix.add_(classDenoised[c] * p.narrow(1, c, 1));
        var total = torch.zeros(x.shape[0], dtype: ScalarType.Float64);
        for (int c = 0; c < classDenoised.Length; c++)
        {
            var within = PosteriorTrace(conditional.ForClass(posterior.Classes[c]), x, t);
            var between = (classDenoised[c] - mix).square().sum(1);
            total.add_((within + between) * p.select(1, c));
        }
        return total.MoveToOuterDisposeScope();
    }

    private static Tensor Hutchinson(IDenoiser denoiser, Tensor x, double t, int probes, long seed, long firstId)
    {
        int d = denoiser.Dimension, b = (int)x.shape[0];
        double h = ScoreJacobian.DefaultStep(denoiser, t);
        var noise = NoiseSource.ForSamples(seed, firstId, b, d);
        var point = x.to_type(denoiser.Precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64);
        var sum = torch.zeros(b, dtype: ScalarType.Float64);
        for (int k = 0; k < probes; k++)
        {
            using var step = NewDisposeScope();
            var v = noise.Next(ScalarType.Float64).sign();                                          // Rademacher probes
            var shift = (v * h).to_type(point.dtype);
            var s = Score.Evaluate(denoiser, torch.cat([point + shift, point - shift], 0), t).to_type(ScalarType.Float64);
            sum.add_((v * (s.narrow(0, 0, b) - s.narrow(0, b, b))).sum(1).div_(2 * h));
        }
        return sum.div_(probes);
    }
}
