using DiffusionDynamics.Analysis;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class JacobianSpectrumTests
{
    /// <summary>Hides the concrete type so the spectrum must take the model-agnostic finite-difference path.</summary>
    private sealed class Opaque(IDenoiser inner) : IDenoiser
    {
        public int Dimension => inner.Dimension;
        public Tensor Denoise(Tensor x, double t) => inner.Denoise(x, t);
    }

    private static EmpiricalDenoiser Empirical(int n, int d, ulong seed) =>
        new(torch.tensor(RandomMatrix(n, d, seed)), new EmpiricalDenoiserOptions(Precision.Float64));

    [Theory]
    [InlineData(0.05, 0.3)]
    [InlineData(0.5, 2.0)]
    [InlineData(2.0, 1.0)]
    public void IsotropicGaussian_NormalizedSpectrumIsFlat_AtDeltaOverDeltaPlusDecaySquaredSigmaSquared(double t, double variance)
    {
        const int d = 12;
        using var mean = torch.tensor(RandomMatrix(1, d, 3)).reshape(d);
        using var g = GaussianDenoiser.Isotropic(mean, variance);
        using var x = torch.tensor(RandomMatrix(1, d, 4)).reshape(d);
        var spectrum = JacobianSpectrum.Normalized(g, x, t);
        double delta = OuTime.Delta(t);
        // J_s = −I/(Δ_t + e^{−2t}σ²) ⇒ ν = Δ_t/(Δ_t + e^{−2t}σ²); float64 closed form and eigvalsh: error ~1e−15.
        double expected = delta / (delta + Math.Exp(-2 * t) * variance);
        Assert.True(spectrum.Complete);
        Assert.Equal(d, spectrum.Values.Length);
        Assert.All(spectrum.Values, v => Assert.Equal(expected, v, 1e-12));
    }

    [Fact]
    public void AxisAlignedGaussian_ValuesAlongTheAxes_AreDeltaOverDeltaPlusDecaySquaredLambda()
    {
        var lambdas = new[] { 4.0, 1.0, 0.09, 0.0001 };
        int d = lambdas.Length;
        using var mean = torch.zeros(d, dtype: ScalarType.Float64);
        using var cov = torch.diag(torch.tensor(lambdas));
        using var g = new GaussianDenoiser(mean, cov);
        using var x = torch.tensor(RandomMatrix(1, d, 5)).reshape(d);
        using var axes = torch.eye(d, dtype: ScalarType.Float64);
        const double t = 0.1;
        var along = JacobianSpectrum.AlongDirections(g, x, t, axes);
        double delta = OuTime.Delta(t), theta2 = Math.Exp(-2 * t);
        // Closed form of the Gaussian score Jacobian, float64: round-off only.
        for (int k = 0; k < d; k++) Assert.Equal(delta / (delta + theta2 * lambdas[k]), along[k], 1e-12);
        // And the gap rule: ν < ½ exactly for the directions with e^{−2t}λ > Δ_t (λ = 4 and 1; Δ_0.1 ≈ 0.18, e^{−0.2}·0.09 ≈ 0.074).
        var spectrum = JacobianSpectrum.Normalized(g, x, t);
        Assert.Equal(lambdas.Count(l => theta2 * l > delta), JacobianSpectrum.TangentDimension(spectrum.Values));
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.3)]
    public void EmpiricalScore_ClosedFormSpectrum_EqualsFiniteDifferencesAlongRandomOrthonormalDirections(double t)
    {
        using var e = Empirical(40, 10, 11);
        using var x = torch.tensor(RandomMatrix(1, 10, 12)).reshape(10) * 0.5;
        var exact = JacobianSpectrum.Normalized(e, x, t).Values;
        var fd = JacobianSpectrum.Normalized(new Opaque(e), x, t, new JacobianSpectrumOptions(Seed: 9)).Values;
        // Opaque hides the float64 arithmetic, so the step is the float32 one h = ε₃₂^{1/3}√Δ_t ≈ 5e−3 √Δ_t:
        // truncation O(h²·|∂³ ln P|) relative to the 1/Δ_t scale is ≲ 1e−4; singular values are 1-Lipschitz in the matrix.
        Assert.Equal(exact.Length, fd.Length);
        for (int k = 0; k < exact.Length; k++) Assert.Equal(exact[k], fd[k], 2e-3);
    }

    [Theory]
    [InlineData(0.005)]   // posterior on a few of the 60 points: m < d, the m×m Gram route
    [InlineData(2.0)]     // every point carries weight: m = 60 < d = 80 still, all nonzero modes from the Gram matrix
    public void EmpiricalScore_GramRouteSpectrum_EqualsTheEigenvaluesOfTheDenseJacobian(double t)
    {
        // Independent route: eigvalsh of the dense closed-form J_s (d×d), |Δ_t λ| — against Normalized, which diagonalizes the
        // m×m Gram matrix of the weighted, centred training points and fills the rest with ν = 1. Both are float64 eigensolves of
        // matrices with entries O(1/Δ_t): agreement to ~d·ε relative, 1e−10 absolute on ν.
        const int d = 80;
        using var e = Empirical(60, d, 31);
        using var a0 = e.TrainingSet[3].to_type(ScalarType.Float64);
        using var x = a0 * Math.Exp(-t) + torch.tensor(RandomMatrix(1, d, 32)).reshape(d) * Math.Sqrt(1 - Math.Exp(-2 * t));
        using var j = ScoreJacobian.Dense(e, x, t);
        using var sym = (j + j.t()) * 0.5;
        var reference = torch.linalg.eigvalsh(sym).abs().mul_(1 - Math.Exp(-2 * t)).data<double>().OrderByDescending(v => v).ToArray();
        var values = JacobianSpectrum.Normalized(e, x, t).Values;
        Assert.Equal(d, values.Length);
        for (int k = 0; k < d; k++) Assert.Equal(reference[k], values[k], 1e-10);
    }

    [Fact]
    public void SubspaceIteration_SmallestValues_MatchTheDenseSpectrum()
    {
        const int d = 80;
        using var e = Empirical(60, d, 21);
        using var x = torch.tensor(RandomMatrix(1, d, 22)).reshape(d) * 0.3;
        const double t = 0.2;
        var dense = JacobianSpectrum.Normalized(e, x, t, new JacobianSpectrumOptions(Solver: JacobianSolver.Dense)).Values;
        var sub = JacobianSpectrum.Normalized(e, x, t, new JacobianSpectrumOptions(Solver: JacobianSolver.Subspace, TopK: 12, Iterations: 60));
        Assert.False(sub.Complete);
        Assert.Equal(12, sub.Values.Length);
        // The 12 tracked values are the 12 smallest ν (largest posterior-covariance eigenvalues p, ν = |1 − p|, all p < 1 here).
        // Compare the 6 smallest: Rayleigh–Ritz error ~ (p₁₃/p₆)^{2·60}, far below the 1e−8 tolerance for any gap ≥ 10 %.
        var denseSmallest = dense.OrderBy(v => v).Take(6).ToArray();
        var subSmallest = sub.Values.OrderBy(v => v).Take(6).ToArray();
        for (int k = 0; k < 6; k++) Assert.Equal(denseSmallest[k], subSmallest[k], 1e-8);
    }

    [Fact]
    public void TangentDimension_CountsTheValuesBelowTheThreshold()
    {
        Assert.Equal(2, JacobianSpectrum.TangentDimension([1.0, 0.9, 0.49, 0.1], 0.5));
        Assert.Equal(0, JacobianSpectrum.TangentDimension([], 0.5));
        Assert.Equal(3, JacobianSpectrum.TangentDimension([1.0, 0.9, 0.49, 0.1], 0.95));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void TangentDimension_RejectsAThresholdOutsideZeroToOne(double tau)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => JacobianSpectrum.TangentDimension([0.2], tau));
        Assert.Equal("threshold", ex.ParamName);
    }

    [Fact]
    public void TangentDimension_RejectsNaNValues()
    {
        Assert.ThrowsAny<ArgumentException>(() => JacobianSpectrum.TangentDimension([0.2, double.NaN]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Normalized_RejectsNonPositiveTime(double t)
    {
        using var e = Empirical(5, 3, 1);
        using var x = torch.zeros(3, dtype: ScalarType.Float64);
        var ex = Assert.ThrowsAny<ArgumentException>(() => JacobianSpectrum.Normalized(e, x, t));
        Assert.Equal("t", ex.ParamName);
    }

    [Fact]
    public void Normalized_RejectsAPointOfTheWrongDimensionOrWithNaN()
    {
        using var e = Empirical(5, 3, 1);
        using var wrong = torch.zeros(4, dtype: ScalarType.Float64);
        Assert.ThrowsAny<ArgumentException>(() => JacobianSpectrum.Normalized(e, wrong, 0.1));
        using var nan = torch.tensor(new[] { 0.0, double.NaN, 0.0 });
        Assert.ThrowsAny<ArgumentException>(() => JacobianSpectrum.Normalized(e, nan, 0.1));
    }

    [Theory]
    [InlineData(1.0, 1024, 32, 40, "GapThreshold")]
    [InlineData(0.5, 0, 32, 40, "DenseLimit")]
    [InlineData(0.5, 1024, 0, 40, "TopK")]
    [InlineData(0.5, 1024, 32, 0, "Iterations")]
    public void Options_RejectOutOfRangeValues_NamingThem(double tau, int denseLimit, int topK, int iterations, string name)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new JacobianSpectrumOptions(tau, JacobianSolver.Auto, denseLimit, topK, iterations).Validate());
        Assert.Equal(name, ex.ParamName);
    }

    [Fact]
    public void RandomOrthonormal_HasOrthonormalColumns_AndIsReproducibleFromTheSeed()
    {
        using var q = JacobianSpectrum.RandomOrthonormal(20, 7, 42);
        using var q2 = JacobianSpectrum.RandomOrthonormal(20, 7, 42);
        using var gram = q.t().mm(q);
        Assert.True((gram - torch.eye(7, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-12);
        Assert.Equal(0.0, (q - q2).abs().max().item<double>());
        Assert.ThrowsAny<ArgumentException>(() => JacobianSpectrum.RandomOrthonormal(3, 4, 0));
    }
}
