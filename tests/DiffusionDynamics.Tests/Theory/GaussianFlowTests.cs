using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Theory;

public class GaussianFlowTests
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(1.0)]
    [InlineData(25.0)]
    public void Psi_SolvesTheProbabilityFlowOde(double lambda)
    {
        // 1-D Gaussian mode, m = 0: dx/dt = −(x + ∇ln P_t) = −x + x/v(t), v(t) = e^{−2t}λ + Δ_t.
        // RK4 backward from T = 5 to t = 0.01 with 20 000 steps: global error O(h⁴) ≈ 1e-13 for |dv/dt/v| ≤ 50.
        double T = 5, tEnd = 0.01, x = 1.0;
        int steps = 20000;
        double h = (T - tEnd) / steps;
        double F(double t, double y) => -y + y / GaussianFlow.MarginalVariance(lambda, t);
        double time = T;
        for (int k = 0; k < steps; k++)
        {
            // Integrate dt = −h.
            double k1 = F(time, x), k2 = F(time - h / 2, x - h / 2 * k1), k3 = F(time - h / 2, x - h / 2 * k2), k4 = F(time - h, x - h * k3);
            x -= h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            time -= h;
        }
        Assert.Equal(GaussianFlow.Psi(lambda, tEnd, T), x, 1e-9 * Math.Max(1, x));
    }

    [Fact]
    public void Psi_EdgeValues()
    {
        Assert.Equal(1.0, GaussianFlow.Psi(3.0, 2.0, 2.0));
        Assert.Equal(1.0, GaussianFlow.Psi(1.0, 0.1, 10.0), 15); // unit variance is stationary
        Assert.Equal(Math.Sqrt(4.0 / (Math.Exp(-20) * 4 + 1 - Math.Exp(-20))), GaussianFlow.Psi(4.0, 0.0, 10.0), 14);
        Assert.Throws<ArgumentException>(() => GaussianFlow.Psi(-1, 0.1, 1));
        Assert.ThrowsAny<ArgumentException>(() => GaussianFlow.Psi(1, -0.1, 1));
        Assert.ThrowsAny<ArgumentException>(() => GaussianFlow.Psi(1, 0.1, 0));
    }
}
