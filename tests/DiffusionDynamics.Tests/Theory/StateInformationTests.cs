using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Theory;

public class StateInformationTests
{
    private static readonly double[] Lambdas = [4.0, 1.0, 0.25, 0.01];

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.4)]
    [InlineData(1.5)]
    public void GaussianRate_IsTheDerivativeOfTheConditionalEntropy_AndOfMinusTheInformation(double t)
    {
        // Central differences of the closed-form H and I: truncation O(h²) ~ 1e-10 relative at h = 1e-5, round-off ~ 1e-16/1e-5.
        const double h = 1e-5;
        double fdH = (StateInformation.GaussianConditionalEntropy(t + h, Lambdas) - StateInformation.GaussianConditionalEntropy(t - h, Lambdas)) / (2 * h);
        double fdI = -(StateInformation.GaussianInformation(t + h, Lambdas) - StateInformation.GaussianInformation(t - h, Lambdas)) / (2 * h);
        double rate = StateInformation.GaussianRate(t, Lambdas);
        Assert.Equal(rate, fdH, 6);
        Assert.Equal(rate, fdI, 6);
        // H(X₀ | X_t) + I(X₀; X_t) = H(X₀) = ½ Σ ln(2πe λ).
        double h0 = Lambdas.Sum(l => 0.5 * Math.Log(2 * Math.PI * Math.E * l));
        Assert.Equal(h0, StateInformation.GaussianConditionalEntropy(t, Lambdas) + StateInformation.GaussianInformation(t, Lambdas), 10);
    }

    [Theory]
    [InlineData(0.1, 1.0)]
    [InlineData(0.7, 2.0)]
    [InlineData(2.0, 0.5)]
    public void TwoPoints_StateRateEqualsTheClassEntropyRate(double t, double a)
    {
        // For two points the state is the class: H(X₀ | X_t) = H(Y | X_t), for every dimension d (σ = 0 removes the d term).
        Assert.Equal(ClassEntropy.Rate(t, a, 0), StateInformation.TwoClusterRate(t, a, 0, 1), 10);
        Assert.Equal(ClassEntropy.Rate(t, a, 0), StateInformation.TwoClusterRate(t, a, 0, 7), 10);
    }

    [Fact]
    public void TwoCluster_ZeroSeparation_IsTheIsotropicGaussianRate()
    {
        // |m| = 0: N(0, σ²I) in d = 3.
        foreach (double t in new[] { 0.1, 1.0 })
            Assert.Equal(StateInformation.GaussianRate(t, [0.49, 0.49, 0.49]), StateInformation.TwoClusterRate(t, 0, 0.7, 3), 12);
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StateInformation.GaussianRate(0, Lambdas));
        Assert.Throws<ArgumentOutOfRangeException>(() => StateInformation.GaussianRate(1, [-1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => StateInformation.GaussianConditionalEntropy(1, [0.0, 1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => StateInformation.TwoClusterRate(1, 1, -0.1, 2));
    }
}
