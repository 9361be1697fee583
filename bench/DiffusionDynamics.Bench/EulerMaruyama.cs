using DiffusionDynamics.Scores;
using static TorchSharp.torch;

namespace DiffusionDynamics.Bench;

/// <summary>
/// Reverse-time Euler–Maruyama in the OU clock (science.md §1–2), for timing only:
/// x ← x + h (x + 2 s(x, t)) + √(2h) z,  s = (e^{−t} D(x, t) − x) / Δ_t, on a uniform grid from T to tEnd.
/// </summary>
internal static class EulerMaruyama
{
    public static Tensor Run(IDenoiser denoiser, Tensor xT, double tStart, double tEnd, int steps, Generator generator)
    {
        var x = xT.clone();
        double h = (tStart - tEnd) / steps;
        for (int k = 0; k < steps; k++)
        {
            using var scope = NewDisposeScope();
            double t = tStart - k * h;
            double delta = DiffusionDynamics.Time.OuTime.Delta(t);
            var d = denoiser.Denoise(x, t);
            // Euler step: x + h (x + 2 (e^{-t} D − x)/Δ) = x (1 + h − 2h/Δ) + (2h e^{-t}/Δ) D.
            var next = x.mul(1 + h - 2 * h / delta).add_(d, alpha: 2 * h * Math.Exp(-t) / delta);
            next.add_(randn(x.shape, generator: generator), alpha: Math.Sqrt(2 * h));
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
        }
        return x;
    }
}
