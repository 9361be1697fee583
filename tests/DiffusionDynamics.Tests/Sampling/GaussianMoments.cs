using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests;

/// <summary>Moment checks of samples against the Gaussian marginal P_t = N(e^{−t} m, e^{−2t} C + Δ_t I) (t = 0: the data).</summary>
internal static class GaussianMoments
{
    /// <summary>
    /// Mean within 4 SE = 4 √(Σ_ii/n) and covariance within 4 SE = 4 √((Σ_ii Σ_jj + Σ_ij²)/n) (the Gaussian
    /// sampling variance of a covariance entry), for every entry, plus an optional systematic allowance.
    /// </summary>
    public static void Assert(Tensor samples, GaussianDenoiser g, double t, int n, double bias = 0)
    {
        double decay = Math.Exp(-t), delta = OuTime.Delta(t);
        using var lambdas = torch.tensor(g.Eigenvalues.ToArray()) * (decay * decay);
        using var sigma = (g.Basis * lambdas).mm(g.Basis.t()) + torch.eye(g.Dimension, dtype: ScalarType.Float64) * delta;
        using var mean = g.Mean * decay;
        using var x = samples.to_type(ScalarType.Float64);
        using var m = x.mean([0]);
        using var c = x - m;
        using var sc = c.t().mm(c) / (n - 1);
        for (int i = 0; i < g.Dimension; i++)
        {
            double sii = sigma[i, i].item<double>();
            double mi = m[i].item<double>(), ei = mean[i].item<double>();
            Xunit.Assert.True(Math.Abs(mi - ei) < 4 * Math.Sqrt(sii / n) + bias, $"mean[{i}] = {mi} vs {ei}");
            for (int j = 0; j < g.Dimension; j++)
            {
                double sjj = sigma[j, j].item<double>(), sij = sigma[i, j].item<double>();
                double se = Math.Sqrt((sii * sjj + sij * sij) / n);
                double got = sc[i, j].item<double>();
                Xunit.Assert.True(Math.Abs(got - sij) < 4 * se + bias, $"cov[{i},{j}] = {got} vs {sij} (4 SE = {4 * se:G3})");
            }
        }
    }
}
