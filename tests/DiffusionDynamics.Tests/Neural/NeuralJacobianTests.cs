using DiffusionDynamics.Analysis;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Neural;

public class NeuralJacobianTests
{
    /// <summary>Hides the network type so the spectrum takes the finite-difference path.</summary>
    private sealed class Opaque(IDenoiser inner) : IDenoiser
    {
        public int Dimension => inner.Dimension;
        public Tensor Denoise(Tensor x, double t) => inner.Denoise(x, t);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.8)]
    public void AutogradTransposeProduct_EqualsTheTransposeOfTheFiniteDifferenceJacobian(double t)
    {
        const int d = 6;
        using var den = new NeuralDenoiser(ScoreNetwork.Create(SmallMlp(d: d, width: 32), 3));
        using var x = torch.linspace(-1, 1, d, dtype: ScalarType.Float64);
        using var eye = torch.eye(d, dtype: ScalarType.Float64);
        using var autograd = den.ScoreJacobianTransposeApply(x, t, eye);              // J_sᵀ
        using var fd = ScoreJacobian.FiniteDifference(den, x, t, eye);                // J_s, central differences of the float32 network
        double scale = fd.abs().max().item<double>();
        // Central differences with h = ε₃₂^{1/3}√Δ_t: truncation O(h²) ≈ 2e−5 Δ_t and float32 round-off ε₃₂|s|/h ≈ 2e−5 |s|/√Δ_t
        // (relative); autograd itself is exact up to float32 round-off. 2e−3 of the largest entry covers both with margin.
        Assert.True((autograd.t() - fd).abs().max().item<double>() < 2e-3 * scale, $"max |J_autogradᵀ − J_fd| too large (scale {scale:G3})");
    }

    [Fact]
    public void NetworkSpectrum_ByAutograd_MatchesTheFiniteDifferenceSpectrum()
    {
        const int d = 5;
        using var den = new NeuralDenoiser(ScoreNetwork.Create(SmallMlp(d: d, width: 32), 4));
        using var x = torch.linspace(-0.5, 0.7, d, dtype: ScalarType.Float64);
        var viaAutograd = JacobianSpectrum.Normalized(den, x, 0.3).Values;
        var viaFd = JacobianSpectrum.Normalized(new Opaque(den), x, 0.3).Values;
        // Same J_s up to the finite-difference error above (singular values are 1-Lipschitz in the matrix norm).
        for (int k = 0; k < d; k++) Assert.Equal(viaFd[k], viaAutograd[k], 2e-3 * Math.Max(1, viaFd[0]));
    }

    [Fact]
    public void AutogradTransposeProduct_RejectsBadShapesNaNAndTime()
    {
        using var den = new NeuralDenoiser(ScoreNetwork.Create(SmallMlp(d: 3), 0));
        using var x = torch.zeros(3, dtype: ScalarType.Float64);
        using var v = torch.eye(3, dtype: ScalarType.Float64);
        Assert.Equal("v", Assert.ThrowsAny<ArgumentException>(() => den.ScoreJacobianTransposeApply(x, 0.1, torch.ones(4, 2))).ParamName);
        Assert.Equal("x", Assert.ThrowsAny<ArgumentException>(() => den.ScoreJacobianTransposeApply(torch.ones(2), 0.1, v)).ParamName);
        Assert.Equal("x", Assert.ThrowsAny<ArgumentException>(() => den.ScoreJacobianTransposeApply(torch.full(3, double.NaN), 0.1, v)).ParamName);
        Assert.Equal("t", Assert.ThrowsAny<ArgumentException>(() => den.ScoreJacobianTransposeApply(x, 0, v)).ParamName);
    }
}
