using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class ScoreJacobianTests
{
    /// <summary>Hides the concrete type so <see cref="ScoreJacobian"/> must use its finite-difference fallback.</summary>
    private sealed class Opaque(IDenoiser inner) : IDenoiser
    {
        public int Dimension => inner.Dimension;
        public Tensor Denoise(Tensor x, double t) => inner.Denoise(x, t);
    }

    private static EmpiricalDenoiser Empirical(int n, int d, ulong seed) =>
        new(torch.tensor(RandomMatrix(n, d, seed)), new EmpiricalDenoiserOptions(Precision.Float64));

    private static GaussianDenoiser RandomGaussian(int d, ulong seed)
    {
        using var b = torch.tensor(RandomMatrix(d, d, seed, 0.7));
        using var cov = b.mm(b.t()) + torch.eye(d, dtype: ScalarType.Float64) * 0.05;
        using var m = torch.tensor(RandomMatrix(1, d, seed + 1)).reshape(d);
        return new GaussianDenoiser(m, cov);
    }

    /// <summary>Independent oracle: column j = (s(x + h e_j) − s(x − h e_j)) / 2h with the Tweedie score, in plain loops.</summary>
    private static double[,] FiniteDifferenceJacobian(IDenoiser den, double[] x, double t, double h)
    {
        int d = x.Length;
        var result = new double[d, d];
        for (int j = 0; j < d; j++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[j] += h;
            minus[j] -= h;
            using var sp = Score.Evaluate(den, torch.tensor(plus).reshape(1, d), t);
            using var sm = Score.Evaluate(den, torch.tensor(minus).reshape(1, d), t);
            for (int i = 0; i < d; i++) result[i, j] = (sp[0, i].item<double>() - sm[0, i].item<double>()) / (2 * h);
        }
        return result;
    }

    private static void AssertClose(double[,] expected, Tensor actual, double relTol)
    {
        int d = expected.GetLength(0);
        double scale = 0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i, j].item<double>()) <= relTol * scale,
                    $"[{i},{j}]: expected {expected[i, j]}, got {actual[i, j].item<double>()} (scale {scale})");
    }

    private static double[] Point(int d, ulong seed, double scale = 0.6) => Enumerable.Range(0, d).Select(i => RandomMatrix(1, d, seed, scale)[0, i]).ToArray();

    // Central differences with h = 1e-5 in float64: truncation h²|∂³s|/6 ≲ 1e-10·(θ|a|/Δ_t)³/Δ_t ≈ 1e-7 relative at
    // t = 0.3, round-off ~1e-16·|s|/h ≈ 1e-10: a 1e-5 relative bound holds with margin and is not tuned.
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void Empirical_ClosedForm_EqualsFiniteDifferencesOfTheScore(double t)
    {
        using var e = Empirical(20, 5, 3);
        var x = Point(5, 4);
        using var j = ScoreJacobian.Dense(e, torch.tensor(x), t);
        AssertClose(FiniteDifferenceJacobian(e, x, t, 1e-5), j, 1e-5);
    }

    // The operator keeps the posterior once, centred and pruned at 1e−18·max w: same products as the dense closed form up to
    // float64 round-off of the two GEMMs (entries ~|J|·d·ε ≈ 1e−13 relative); at small t it keeps only the rows that matter.
    [Theory]
    [InlineData(0.002)]
    [InlineData(0.3)]
    [InlineData(3.0)]
    public void Operator_OfTheEmpiricalScore_EqualsTheDenseClosedForm_AndPrunesTheRowsWithoutWeight(double t)
    {
        using var e = Empirical(200, 6, 5);
        using var a0 = e.TrainingSet[7].to_type(ScalarType.Float64);
        using var noise = torch.tensor(Point(6, 9));
        using var x = a0 * Math.Exp(-t) + noise * Math.Sqrt(1 - Math.Exp(-2 * t));
        using var v = torch.tensor(RandomMatrix(6, 4, 11));
        using var j = ScoreJacobian.Dense(e, x, t);
        using var op = ScoreJacobian.Operator(e, x, t);
        using var expected = j.mm(v);
        using var actual = op.Apply(v);
        double scale = expected.abs().max().item<double>();
        Assert.True((actual - expected).abs().max().item<double>() <= 1e-11 * scale, $"t = {t}");
        using var w = e.PosteriorWeights(x.unsqueeze(0), t);
        int kept = (int)w.gt(w.max().item<double>() * ScoreJacobian.RelativeWeightCutoff).sum().item<long>();
        Assert.Equal(kept, op.ActiveRows);
        if (t < 0.01) Assert.True(op.ActiveRows < 200, $"at t = {t} the posterior sits on few points, kept {op.ActiveRows}");
        // A float32 denoiser (the default precision) takes the same route in float32: round-off ~d·ε₃₂ ≈ 1e−6 relative on Cov_w, which
        // enters J with weight ≤ e^{−2t}|Cov_w|/Δ² ≤ scale here; 1e−3 of the scale leaves a wide margin.
        using var e32 = new EmpiricalDenoiser(e.TrainingSet.to_type(ScalarType.Float32));
        using var op32 = ScoreJacobian.Operator(e32, x, t);
        using var actual32 = op32.Apply(v);
        using var dense32 = ScoreJacobian.Dense(e32, x, t);
        Assert.True((actual32 - expected).abs().max().item<double>() <= 1e-3 * scale, $"float32, t = {t}");
        Assert.True((dense32.mm(v) - expected).abs().max().item<double>() <= 1e-3 * scale, $"float32 dense, t = {t}");
        var nu32 = DiffusionDynamics.Analysis.JacobianSpectrum.Normalized(e32, x, t).Values;
        Assert.Equal(6, nu32.Length);
        using var gauss = RandomGaussian(6, 2);
        using var gop = ScoreJacobian.Operator(gauss, x, t);
        Assert.Equal(-1, gop.ActiveRows);
        using var gExpected = ScoreJacobian.Apply(gauss, x, t, v);
        using var gActual = gop.Apply(v);
        Assert.Equal(0.0, (gActual - gExpected).abs().max().item<double>(), 15);
    }

    // The Gaussian score is affine in x: central differences are exact up to round-off ε|s|/h ≈ 1e-11.
    [Theory]
    [InlineData(0.1)]
    [InlineData(1.5)]
    public void Gaussian_ClosedForm_EqualsFiniteDifferencesOfTheScore(double t)
    {
        using var g = RandomGaussian(4, 11);
        var x = Point(4, 12);
        using var j = ScoreJacobian.Dense(g, torch.tensor(x), t);
        AssertClose(FiniteDifferenceJacobian(g, x, t, 1e-4), j, 1e-8);
    }

    // A rank-1 Gaussian with variance σ²_⊥ = 0.4 off its eigenvector (the mixture components' form): still affine in x,
    // so central differences are exact up to round-off; the complement must give −1/(e^{−2t}σ²_⊥ + Δ_t), not −1/Δ_t.
    [Theory]
    [InlineData(0.1)]
    [InlineData(1.5)]
    public void LowRankGaussianWithComplementVariance_ClosedForm_EqualsFiniteDifferences(double t)
    {
        using var mean = torch.tensor(new[] { 0.3, -0.2, 0.5 });
        using var u = torch.tensor(new[] { 0.6, 0.8, 0.0 }).reshape(3, 1);
        using var lambda = torch.tensor(new[] { 2.5 });
        using var g = GaussianDenoiser.FromEigenpairs(mean, u, lambda, complementVariance: 0.4);
        var x = new[] { 0.7, -0.1, 0.9 };
        using var j = ScoreJacobian.Dense(g, torch.tensor(x), t);
        AssertClose(FiniteDifferenceJacobian(g, x, t, 1e-4), j, 1e-8);
    }

    // Smooth tanh score with |m_t|/Γ_t ≤ 2.2: truncation h²|∂³s| ≈ 1e-10·10, far below 1e-6.
    [Fact]
    public void TwoCluster_ClosedForm_EqualsFiniteDifferencesOfTheScore()
    {
        using var m = torch.tensor(new[] { 0.8, -0.5, 0.3 });
        using var c = new TwoClusterDenoiser(m, 0.7);
        var x = new[] { 0.2, 0.1, -0.4 };
        using var j = ScoreJacobian.Dense(c, torch.tensor(x), 0.4);
        AssertClose(FiniteDifferenceJacobian(c, x, 0.4, 1e-5), j, 1e-6);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.7)]
    [InlineData(4.0)]
    public void IsotropicGaussian_HasTheFlatSpectrum_MinusOneOverDeltaPlusThetaSquaredSigmaSquared(double t)
    {
        const double variance = 2.5;
        using var mean = torch.tensor(new[] { 1.0, -2.0, 0.5, 0.0, 3.0, 1.0 });
        using var g = GaussianDenoiser.Isotropic(mean, variance);
        using var j = ScoreJacobian.Dense(g, torch.zeros(6, dtype: ScalarType.Float64), t);
        double expected = -1.0 / (DiffusionDynamics.Time.OuTime.Delta(t) + Math.Exp(-2 * t) * variance);
        using var eig = torch.linalg.eigvalsh(j);
        foreach (var v in eig.data<double>().ToArray()) Assert.Equal(expected, v, 1e-12 * Math.Abs(expected) + 1e-14);
    }

    [Fact]
    public void Empirical_Jacobian_IsSymmetric()
    {
        using var e = Empirical(30, 6, 5);
        using var j = ScoreJacobian.Dense(e, torch.tensor(Point(6, 6)), 0.2);
        double asym = (j - j.t()).abs().max().item<double>();
        Assert.True(asym <= 1e-12 * j.abs().max().item<double>(), $"|J − Jᵀ| = {asym}");
    }

    // Same closed form through two routes (n×d×k products vs the dense n·d² covariance): agree to round-off.
    [Fact]
    public void ProductsAndProjections_EqualTheDenseJacobian_ForEveryClosedForm()
    {
        using var e = Empirical(25, 5, 7);
        using var g = RandomGaussian(5, 8);
        using var c = new TwoClusterDenoiser(torch.tensor(new[] { 1.0, 0.5, -0.5, 0.2, 0.0 }), 0.5);
        using var v = torch.tensor(RandomMatrix(5, 3, 9));
        using var u = torch.linalg.qr(v).Q;
        foreach (IDenoiser den in new IDenoiser[] { e, g, c })
        {
            using var x = torch.tensor(Point(5, 10));
            using var dense = ScoreJacobian.Dense(den, x, 0.5);
            using var applied = ScoreJacobian.Apply(den, x, 0.5, v);
            using var projected = ScoreJacobian.Projected(den, x, 0.5, u);
            double scale = dense.abs().max().item<double>();
            Assert.True((dense.mm(v) - applied).abs().max().item<double>() <= 1e-10 * scale * 3, den.GetType().Name);
            Assert.True((u.t().mm(dense).mm(u) - projected).abs().max().item<double>() <= 1e-10 * scale, den.GetType().Name);
        }
    }

    // Fallback with h = 1e-5 on a float64 score: same truncation/round-off budget as the closed-form test above.
    [Fact]
    public void FiniteDifferenceFallback_ForAnyDenoiser_EqualsTheClosedForm()
    {
        using var e = Empirical(20, 4, 13);
        var opaque = new Opaque(e);
        using var x = torch.tensor(Point(4, 14));
        using var closed = ScoreJacobian.Dense(e, x, 0.6);
        using var fd = ScoreJacobian.Dense(opaque, x, 0.6, step: 1e-5);
        double scale = closed.abs().max().item<double>();
        Assert.True((closed - fd).abs().max().item<double>() <= 1e-6 * scale);
        using var u = torch.linalg.qr(torch.tensor(RandomMatrix(4, 2, 15))).Q;
        using var projected = ScoreJacobian.Projected(opaque, x, 0.6, u, step: 1e-5);
        Assert.True((u.t().mm(closed).mm(u) - projected).abs().max().item<double>() <= 1e-6 * scale);
    }

    // ∂D = e^{t}(I + Δ_t J_s) against central differences of D itself (h = 1e-5, float64: error ≲ 1e-8 relative).
    [Fact]
    public void DenoiserJacobian_EqualsFiniteDifferencesOfTheDenoiser()
    {
        using var e = Empirical(15, 3, 17);
        var x = Point(3, 18);
        const double t = 0.5, h = 1e-5;
        using var jd = ScoreJacobian.DenoiserDense(e, torch.tensor(x), t);
        var expected = new double[3, 3];
        for (int j = 0; j < 3; j++)
        {
            var p = (double[])x.Clone(); p[j] += h;
            var m = (double[])x.Clone(); m[j] -= h;
            using var dp = e.Denoise(torch.tensor(p).reshape(1, 3), t);
            using var dm = e.Denoise(torch.tensor(m).reshape(1, 3), t);
            for (int i = 0; i < 3; i++) expected[i, j] = (dp[0, i].item<double>() - dm[0, i].item<double>()) / (2 * h);
        }
        AssertClose(expected, jd, 1e-6);
    }

    [Fact]
    public void PosteriorWeights_SumToOne_AndReproduceTheDenoiser()
    {
        using var e = Empirical(12, 3, 19);
        using var x = torch.tensor(RandomMatrix(4, 3, 20));
        using var w = e.PosteriorWeights(x, 0.4);
        Assert.Equal(new long[] { 4, 12 }, w.shape);
        Assert.True((w.sum(1) - 1).abs().max().item<double>() < 1e-12);
        using var d = e.Denoise(x, 0.4);
        Assert.True((w.mm(e.TrainingSet) - d).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void BadInputs_Throw_NamingTheValue()
    {
        using var e = Empirical(10, 3, 21);
        using var x = torch.zeros(3, dtype: ScalarType.Float64);
        Assert.Contains("t", Assert.ThrowsAny<ArgumentException>(() => ScoreJacobian.Dense(e, x, 0)).Message);
        Assert.ThrowsAny<ArgumentException>(() => ScoreJacobian.Dense(e, x, double.NaN));
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => ScoreJacobian.Dense(e, torch.zeros(4, dtype: ScalarType.Float64), 1)).Message);
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => ScoreJacobian.Dense(e, torch.zeros(2, 3, dtype: ScalarType.Float64), 1)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => ScoreJacobian.Dense(e, torch.tensor(new[] { 0.0, double.NaN, 0.0 }), 1)).Message);
        Assert.Contains("orthonormal", Assert.Throws<ArgumentException>(() => ScoreJacobian.Projected(e, x, 1, torch.ones(3, 2, dtype: ScalarType.Float64))).Message);
        Assert.Contains("directions", Assert.Throws<ArgumentException>(() => ScoreJacobian.Projected(e, x, 1, torch.eye(2, dtype: ScalarType.Float64))).Message);
        Assert.Contains("step", Assert.Throws<ArgumentException>(() => ScoreJacobian.FiniteDifference(e, x, 1, torch.eye(3, dtype: ScalarType.Float64), -1e-3)).Message);
        Assert.Contains("[d, d]", Assert.Throws<ArgumentException>(() => ScoreJacobian.DenoiserFromScore(torch.zeros(2, 3, dtype: ScalarType.Float64), 1)).Message);
    }
}
