using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Theory;

public class GaussianFlowTransportTests
{
    /// <summary>N(m, C) in d = 3, C = B Bᵀ (B lower triangular: rows (2, 0, 0), (0.5, 0.9, 0), (0.05, −0.05, 0.2)), eigenvalues spread over two decades.</summary>
    internal static GaussianDenoiser Gaussian3(int? rank = null)
    {
        using var mean = torch.tensor(new[] { 0.5, -1.0, 2.0 });
        using var cov = torch.tensor(new[,] { { 4.0, 1.0, 0.1 }, { 1.0, 1.06, -0.02 }, { 0.1, -0.02, 0.045 } });
        return new GaussianDenoiser(mean, cov, rank);
    }

    private static Tensor Starts() => torch.tensor(new[,] { { 0.3, -1.2, 0.7 }, { 2.0, 0.5, -0.4 }, { -1.0, -1.0, 1.5 }, { 0.0, 0.0, 0.0 } });

    private static double MaxError(Tensor a, Tensor b) => (a - b).abs().max().item<double>();

    [Fact]
    public void Transport_EqualsHeunIntegration_WithErrorShrinkingAsHSquared()
    {
        // Heun on the PF-ODE with the exact Gaussian denoiser is second order: the error against the closed form
        // must fall by ≈ 4 per halving of h (slope 2; band [1.85, 2.15] for the pre-asymptotic curvature of the stiff
        // λ ≈ 0.03 mode near t = 0.05; measured 0.0125, 0.0030, 0.00072, 0.00018 for N = 50 … 400).
        using var g = Gaussian3();
        using var x = Starts();
        double T = 3.0, tEnd = 0.05;
        using var exact = g.Transport(x, T, tEnd);
        var errors = new List<double>();
        foreach (int steps in new[] { 50, 100, 200, 400 })
        {
            using var heun = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, TimeGrid.Uniform(T, tEnd, steps), x);
            errors.Add(MaxError(heun, exact));
        }
        for (int i = 1; i < errors.Count; i++)
        {
            double slope = Math.Log2(errors[i - 1] / errors[i]);
            Assert.True(slope is > 1.85 and < 2.15, $"slope {slope:F3}; errors {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
        }
        // Errors that fall as h² against the closed form mean Heun's limit is the closed form.
    }

    [Fact]
    public void Transport_WithComplementVariance_EqualsHeunIntegrationOfThatGaussian()
    {
        // A rank-1 Gaussian with variance σ²_⊥ = 0.3 off its eigenvector (a low-rank mixture component): the closed
        // form must use ψ(σ²_⊥, t) on the complement. Heun with 800 steps is within ~1e-5 of the exact flow (the
        // h² error constant measured above, ~0.0125·(50/800)², is 5e-5 for the stiffer full-rank case); a wrong
        // complement factor would be off by O(0.1).
        using var mean = torch.tensor(new[] { 0.5, -1.0, 2.0 });
        using var u = torch.tensor(new[] { 0.6, 0.0, 0.8 }).reshape(3, 1);
        using var lambda = torch.tensor(new[] { 3.0 });
        using var g = GaussianDenoiser.FromEigenpairs(mean, u, lambda, complementVariance: 0.3);
        using var x = Starts();
        double T = 3.0, tEnd = 0.05;
        using var exact = g.Transport(x, T, tEnd);
        using var heun = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, TimeGrid.Uniform(T, tEnd, 800), x);
        Assert.True(MaxError(heun, exact) < 5e-5, $"max error {MaxError(heun, exact):G3}");
    }

    [Fact]
    public void Transport_OutsideKeptModes_ScalesByTheLambdaZeroFactor()
    {
        // Rank 1: directions orthogonal to the top eigenvector get ψ_⊥ = √(Δ_t/Δ_T) around e^{−t} m.
        using var g = Gaussian3(rank: 1);
        double T = 2.0, t = 0.3;
        using var u = g.Basis.narrow(1, 0, 1).squeeze(1);            // top eigenvector [3]
        using var any = torch.tensor(new[] { 1.0, 2.0, -0.5 });
        using var orthogonal = any - u * any.dot(u);
        using var xT = (orthogonal + g.Mean * Math.Exp(-T)).unsqueeze(0);
        using var xt = g.Transport(xT, T, t);
        using var expected = (orthogonal * Math.Sqrt(OuTime.Delta(t) / OuTime.Delta(T)) + g.Mean * Math.Exp(-t)).unsqueeze(0);
        Assert.True(MaxError(xt, expected) < 1e-13);
        // Along the kept mode the factor is ψ_1(t).
        using var xU = (u * 1.7 + g.Mean * Math.Exp(-T)).unsqueeze(0);
        using var xUt = g.Transport(xU, T, t);
        using var expectedU = (u * (1.7 * GaussianFlow.Psi(g.Eigenvalues[0], t, T)) + g.Mean * Math.Exp(-t)).unsqueeze(0);
        Assert.True(MaxError(xUt, expectedU) < 1e-13);
    }

    [Fact]
    public void Transport_ForwardThenBackward_ReturnsTheStart()
    {
        // The flow map is invertible: T → t → T is the identity up to float64 round-off.
        using var g = Gaussian3();
        using var x = Starts();
        using var down = g.Transport(x, 4.0, 0.2);
        using var up = g.Transport(down, 0.2, 4.0);
        Assert.True(MaxError(up, x) < 1e-12);
        using var same = g.Transport(x, 1.5, 1.5);
        Assert.True(MaxError(same, x) < 1e-14);
    }

    [Fact]
    public void Transport_MapsTheMarginalAtTToTheMarginalAtT()
    {
        // x(T) ~ P_T exactly ⇒ x(t) ~ P_t: covariance e^{−2t}C + Δ_t I, mean e^{−t} m, within 4 standard errors.
        using var g = Gaussian3();
        int n = 20000;
        double T = 2.5, t = 0.1;
        var noise = NoiseSource.ForSamples(11, 0, n, 3);
        using var xT = Start.GaussianMarginal(g, T, noise, ScalarType.Float64);
        using var xt = g.Transport(xT, T, t);
        GaussianMoments.Assert(xt, g, t, n);
    }

    [Fact]
    public void Transport_KeepsTheInputDtype()
    {
        using var g = Gaussian3();
        using var x = Starts().to_type(ScalarType.Float32);
        using var y = g.Transport(x, 2.0, 1.0);
        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.Equal(x.shape, y.shape);
    }

    [Fact]
    public void Transport_BadInputs_ThrowArgumentExceptionNamingTheValue()
    {
        using var g = Gaussian3();
        using var x = Starts();
        using var wrongD = torch.zeros(2, 4, dtype: ScalarType.Float64);
        using var empty = torch.zeros(0, 3, dtype: ScalarType.Float64);
        Assert.Equal("xT", Assert.Throws<ArgumentException>(() => g.Transport(wrongD, 1, 0.5)).ParamName);
        Assert.Equal("xT", Assert.Throws<ArgumentException>(() => g.Transport(empty, 1, 0.5)).ParamName);
        Assert.Equal("T", Assert.ThrowsAny<ArgumentException>(() => g.Transport(x, 0, 0.5)).ParamName);
        Assert.Equal("T", Assert.ThrowsAny<ArgumentException>(() => g.Transport(x, double.NaN, 0.5)).ParamName);
        Assert.Equal("t", Assert.ThrowsAny<ArgumentException>(() => g.Transport(x, 1, -0.1)).ParamName);
    }
}
