using DiffusionDynamics.Sampling;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Theory;

public class ModeEmergenceTheoryTests
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    [InlineData(100.0)]
    public void VarianceRule_TendsToHalfLogOnePlusLambda_ForLongRunsToZero(double lambda)
    {
        // T = 40: s(T) = 1/(λ + e^{80} − 1) ≈ 2e-35 is far below double resolution of s(0) = 1/λ, so the closed form is ½ ln(1 + λ) to rounding.
        Assert.Equal(0.5 * Math.Log(1 + lambda), ModeEmergenceTheory.VarianceRuleTime(lambda, 40, 0), 12);
        Assert.Equal(0.5 * Math.Log(1 + lambda), ModeEmergenceTheory.HeuristicTime(lambda), 14);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    [InlineData(100.0)]
    public void TrajectoryRule_TendsToHalfLogOnePlusThreeLambda(double lambda)
    {
        // √s(t) = ½ √s(0) ⇔ λ + e^{2t} − 1 = 4λ ⇔ t = ½ ln(1 + 3λ) (for T → ∞; √s(40) ≈ e^{-40} is negligible at 1e-12).
        Assert.Equal(0.5 * Math.Log(1 + 3 * lambda), ModeEmergenceTheory.TrajectoryRuleTime(lambda, 40, 0), 12);
    }

    [Theory]
    [InlineData(0.3, 0.7)]
    [InlineData(12.0, 2.0)]
    public void RuleTimes_SolveTheirDefiningEquations_AtFiniteTAndTEnd(double lambda, double tStart)
    {
        // Independent check: put the returned time back into the profile and compare with the halfway values.
        double tEnd = 0.01;
        double tv = ModeEmergenceTheory.VarianceRuleTime(lambda, tStart, tEnd);
        double sv = ModeEmergenceTheory.VarianceProfile(lambda, tv);
        Assert.Equal(0.5 * (ModeEmergenceTheory.VarianceProfile(lambda, tStart) + ModeEmergenceTheory.VarianceProfile(lambda, tEnd)), sv, 1e-12 * sv);
        double tt = ModeEmergenceTheory.TrajectoryRuleTime(lambda, tStart, tEnd);
        double f = Math.Sqrt(ModeEmergenceTheory.VarianceProfile(lambda, tt));
        Assert.Equal(0.5 * (Math.Sqrt(ModeEmergenceTheory.VarianceProfile(lambda, tStart)) + Math.Sqrt(ModeEmergenceTheory.VarianceProfile(lambda, tEnd))), f, 1e-12 * f);
        Assert.InRange(tt, tEnd, tStart);
        Assert.InRange(tv, tEnd, tStart);
    }

    [Theory]
    [InlineData(0.2, 0.05)]
    [InlineData(5.0, 1.3)]
    public void DenoiserCoordinate_EqualsGainTimesPsi_AndHasTheProfileShape(double lambda, double t)
    {
        // c(t) = gain(t) ψ(t) y(T) with gain = e^{−t}λ/v(t) and ψ from GaussianFlow; the claim c(t) = λ y(T) √s(t)/√v(T).
        double T = 10, y = 0.7;
        double v = GaussianFlow.MarginalVariance(lambda, t);
        double c = Math.Exp(-t) * lambda / v * GaussianFlow.Psi(lambda, t, T) * y;
        double claim = lambda * y * Math.Sqrt(ModeEmergenceTheory.VarianceProfile(lambda, t)) / Math.Sqrt(GaussianFlow.MarginalVariance(lambda, T));
        Assert.Equal(c, claim, 1e-13);
        // Var c(t) across y ~ N(0, v(T)) = e^{−2t}λ²/(e^{−2t}λ + Δ_t) (the form of the issue).
        double variance = Math.Exp(-2 * t) * lambda * lambda / (Math.Exp(-2 * t) * lambda + 1 - Math.Exp(-2 * t));
        Assert.Equal(variance, lambda * lambda * ModeEmergenceTheory.VarianceProfile(lambda, t), 1e-12);
    }

    [Theory]
    [InlineData(0.1, 0.5, BackwardDynamics.ProbabilityFlow)]
    [InlineData(9.0, 3.0, BackwardDynamics.ProbabilityFlow)]
    [InlineData(0.1, 0.5, BackwardDynamics.ReverseSde)]
    [InlineData(9.0, 3.0, BackwardDynamics.ReverseSde)]
    public void PerturbationGain_MatchesRk4OfTheLinearizedFlow(double lambda, double tp, BackwardDynamics sampler)
    {
        // A perturbation δ of a mode obeys (in forward t) dδ/dt = δ(1/v − 1) under the PF-ODE and dδ/dt = δ(2/v − 1) under the SDE
        // drift with shared noise; integrate backward from t_p to t_end with RK4 (10⁴ steps: error ≈ h⁴ ≈ 1e-14), then apply gain(t_end).
        double tEnd = 0.01, delta = 1.0;
        int steps = 10000;
        double h = (tp - tEnd) / steps, time = tp;
        double rate = sampler == BackwardDynamics.ReverseSde ? 2 : 1;
        double F(double s, double y) => y * (rate / GaussianFlow.MarginalVariance(lambda, s) - 1);
        for (int k = 0; k < steps; k++)
        {
            double k1 = F(time, delta), k2 = F(time - h / 2, delta - h / 2 * k1), k3 = F(time - h / 2, delta - h / 2 * k2), k4 = F(time - h, delta - h * k3);
            delta -= h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            time -= h;
        }
        double gainEnd = Math.Exp(-tEnd) * lambda / GaussianFlow.MarginalVariance(lambda, tEnd);
        Assert.Equal(gainEnd * delta, ModeEmergenceTheory.PerturbationGain(lambda, tp, tEnd, sampler), 1e-9);
    }

    [Fact]
    public void PerturbationRms_IsEpsilonTimesRootMeanSquareGain()
    {
        double[] spectrum = [4, 1, 0.25];
        double expected = 2.0 * Math.Sqrt(spectrum.Sum(l => Math.Pow(ModeEmergenceTheory.PerturbationGain(l, 1.0, 0.01, BackwardDynamics.ProbabilityFlow), 2)) / 5);
        Assert.Equal(expected, ModeEmergenceTheory.PerturbationRms(spectrum, 5, 2.0, 1.0, 0.01, BackwardDynamics.ProbabilityFlow), 14);
        // Zero-variance modes are erased by the Gaussian denoiser: their gain is 0.
        Assert.Equal(0.0, ModeEmergenceTheory.PerturbationGain(0, 1.0, 0.01, BackwardDynamics.ProbabilityFlow));
    }

    [Fact]
    public void PlaneResidual_IsZero_ForTwoDistinctEigenvaluesAndZeroMean()
    {
        // x(t) = ψ_a P_A y + ψ_b P_B y lies in span{P_A y, P_B y} = span{x(T), x̂₀}.
        double[] spectrum = [9, 9, 9, 0.5, 0.5, 0.5, 0.5];
        foreach (var t in new[] { 0.01, 0.3, 1.0, 3.0 })
            Assert.True(ModeEmergenceTheory.PlaneResidual(spectrum, 0, t, 10, 0.001) < 1e-6, $"t = {t}");
    }

    [Fact]
    public void PlaneResidual_IsZeroAtTheEnds_AndPositiveInBetween_ForASpreadSpectrum()
    {
        var spectrum = Enumerable.Range(0, 50).Select(k => 20 * Math.Pow(0.8, k)).ToArray();
        Assert.True(ModeEmergenceTheory.PlaneResidual(spectrum, 3.0, 10, 10, 0.001) < 1e-6);
        double mid = ModeEmergenceTheory.PlaneResidual(spectrum, 3.0, 0.7, 10, 0.001);
        Assert.InRange(mid, 1e-3, 0.5);
    }

    [Fact]
    public void InvalidInputs_ThrowArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.HeuristicTime(0));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.HeuristicTime(double.NaN));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.VarianceRuleTime(1, 0.5, 0.5));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.TrajectoryRuleTime(1, 1, -0.1));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.VarianceProfile(1, -1));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.PerturbationGain(1, 0.001, 0.01, BackwardDynamics.ProbabilityFlow));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.PerturbationGain(-1, 1, 0.01, BackwardDynamics.ProbabilityFlow));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.PerturbationRms([1, 2], 1, 1, 1, 0.01, BackwardDynamics.ProbabilityFlow));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.PlaneResidual([], 0, 1, 10, 0.01));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.PlaneResidual([1], 0, 20, 10, 0.01));
        var e = Assert.ThrowsAny<ArgumentException>(() => ModeEmergenceTheory.HeuristicTime(-2));
        Assert.Contains("-2", e.Message);
    }
}
