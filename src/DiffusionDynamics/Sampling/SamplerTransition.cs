using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// The Gaussian transition kernel of a stochastic sampler step, read off its registered step function (docs/theory.md §7.4).
/// Every registered stochastic step is affine in its draw with a scalar coefficient, x_s = F(x_t, D, t, s) + c(t, s) z
/// (Euler–Maruyama c² = 2h; DDPM ancestral c² = β̃ = Δ_s Δ_h/Δ_t; DDIM-η c² = η² Δ_s Δ_h/Δ_t), so the kernel is N(F, c² I):
/// F is the step with z = 0 and c the change of the step under a unit draw. The online Bayes classifier needs exactly the
/// mean and the variance the sampler injects — not DDPM's β̃ with another sampler's noise (the mismatch arXiv 2410.14398's
/// reference code has).
/// </summary>
public static class SamplerTransition
{
    /// <summary>
    /// Mean F = the step with z = 0 ([B, d], in the caller's dispose scope) and injected variance c² (per coordinate) of the
    /// step from t to s of <paramref name="method"/>, for x and the denoised estimate D ([B, d]). Throws
    /// <see cref="ArgumentException"/> for a deterministic or multistep method (no Gaussian kernel).
    /// </summary>
    public static (Tensor Mean, double Variance) Kernel(this SamplerMethod method, IDenoiser denoiser, Tensor x, Tensor denoised, double t, double s, double ddimEta = 0)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!method.IsStochastic(ddimEta) || method.NewMemory is not null)
            throw new ArgumentException($"The {method.DisplayName} sampler has no Gaussian one-step kernel (choose a stochastic sampler: sde, ddpm, or ddim with η > 0).", nameof(method));
        if (!(s < t)) throw new ArgumentOutOfRangeException(nameof(s), s, $"The step must go down in time (t = {t}).");
        var zeros = torch.zeros_like(x);
        var mean = method.Step(new StepInput(denoiser, x, denoised, t, s, zeros, ddimEta), null);
        // c from one unit draw on the first row (the coefficient is a scalar, the same for every row and coordinate).
        var x0 = x.narrow(0, 0, 1);
        var d0 = denoised.narrow(0, 0, 1);
        var unit = torch.zeros_like(x0);
        unit[0, 0] = 1.0;
        var kicked = method.Step(new StepInput(denoiser, x0, d0, t, s, unit, ddimEta), null);
        double c = (kicked[0, 0] - mean[0, 0]).to_type(ScalarType.Float64).item<double>();
        return (mean, c * c);
    }
}
