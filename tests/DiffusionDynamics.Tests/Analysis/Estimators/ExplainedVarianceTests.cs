using DiffusionDynamics.Analysis;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class ExplainedVarianceTests
{
    /// <summary>n skewed points in d dimensions: a_i = (z_i² − 1)·s_i with s = 1, 0.8, 0.6, … (centred χ²₁, third cumulant ≠ 0).</summary>
    private static double[,] Skewed(int n, int d, ulong seed)
    {
        var z = RandomMatrix(n, d, seed);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) z[i, j] = (z[i, j] * z[i, j] - 1) * (1 - 0.2 * j);
        return z;
    }

    private static GaussianDenoiser GaussianOf(Tensor points)
    {
        using var m = points.mean([0]);
        using var centred = points - m;
        using var c = centred.t().mm(centred) / points.shape[0];
        return new GaussianDenoiser(m, c);
    }

    [Fact]
    public void SameScore_ExplainsAllTheVariance_Exactly()
    {
        using var a = torch.tensor(Skewed(30, 3, 1));
        using var emp = new EmpiricalDenoiser(a);
        var curve = ExplainedVariance.Compute(emp, [new ScoreApproximation("same", emp)], a, [0.01, 0.5, 4.0], new ExplainedVarianceOptions(Samples: 64))[0];
        Assert.All(curve.Curve, p =>
        {
            Assert.Equal(1.0, p.Ev);
            Assert.Equal(0.0, p.Stderr);
        });
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    public void GaussianAgainstAnotherGaussian_MatchesTheClosedForm(double t)
    {
        // s₁ = −Σ₁⁻¹(x − θm), Σ₁ = θ²C + ΔI, the Gaussian of the points; s₂ = −Σ₂⁻¹(x − θm₂) with another mean and covariance.
        // x = θa + √Δ z over the points has mean θm and covariance Σ₁ exactly, and both expectations are quadratic forms, so
        //   E|s₁|² = tr Σ₁⁻¹,   E|s₁ − s₂|² = tr((Σ₂⁻¹ − Σ₁⁻¹) Σ₁ (Σ₂⁻¹ − Σ₁⁻¹)) + θ² |Σ₂⁻¹(m − m₂)|²
        // hold for this finite point set, not only for Gaussian data. Monte Carlo: within 4 of its own standard errors.
        int d = 3;
        using var a = torch.tensor(Skewed(300, d, 2));
        using var s1 = GaussianOf(a);
        using var m2 = s1.Mean + torch.tensor(new[] { 0.3, -0.2, 0.1 });
        using var c2 = torch.diag(torch.tensor(new[] { 2.0, 0.5, 0.2 }));
        using var s2 = new GaussianDenoiser(m2, c2);
        var point = ExplainedVariance.At(s1, s2, a, t, new ExplainedVarianceOptions(Samples: 4000, Seed: 3));

        double decay = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        using var m = s1.Mean;
        using var centred = a - m;
        using var c1 = centred.t().mm(centred) / a.shape[0];
        using var eye = torch.eye(d, dtype: ScalarType.Float64);
        using var sigma1 = c1 * (decay * decay) + eye * delta;
        using var sigma2 = c2 * (decay * decay) + eye * delta;
        using var p1 = torch.linalg.inv(sigma1);
        using var p2 = torch.linalg.inv(sigma2);
        using var dp = p2 - p1;
        using var shift = p2.mv(m - m2) * decay;
        double num = dp.mm(sigma1).mm(dp).trace().item<double>() + shift.square().sum().item<double>();
        double den = p1.trace().item<double>();
        double expected = 1 - num / den;

        Assert.InRange(point.Stderr, 1e-6, 0.05);
        Assert.True(Math.Abs(point.Ev - expected) < 4 * point.Stderr, $"EV {point.Ev} ± {point.Stderr}, closed form {expected}");
        Assert.True(Math.Abs(point.ReferenceMeanSquare - den) < 0.05 * den, $"E|s₁|² {point.ReferenceMeanSquare} vs tr Σ₁⁻¹ = {den}");
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(4.0)]
    public void EmpiricalAgainstItsGaussian_ApproachesOne_AsTheThirdCumulantPredicts(double t)
    {
        // Large-t expansion (θ = e^{−t}). Both denoisers are m + C h − (θ²/Δ) C m + O(θ²) with h = θx/Δ; the O(θ²) terms differ
        // by the empirical third cumulant κ₃:  D_emp − D_gauss = (θ²/2Δ)(κ₃[z, z] − v) + O(θ³),  v_i = Σ_j κ₃_ijj, x ≈ √Δ z.
        // Over z ~ N(0, I): E|κ₃[z, z] − v|² = 2|κ₃|²_F, and s₁ − s₂ = (θ/Δ)(D_emp − D_gauss), so
        //   1 − EV ≈ θ⁶ |κ₃|²_F / (2 Δ⁴ E|s₁|²)
        // with relative corrections O(θ²·moments) (odd O(θ³) terms have zero cross term with the even leading one):
        // θ² = 2.5e−3 at t = 3, 3.4e−4 at t = 4, times moments of these data ≲ 20, so 10 % at most. Monte Carlo: 4 SE.
        int n = 40, d = 3;
        var raw = Skewed(n, d, 4);
        using var a = torch.tensor(raw);
        using var emp = new EmpiricalDenoiser(a, new EmpiricalDenoiserOptions(Precision.Float64));
        using var gauss = GaussianOf(a);
        var point = ExplainedVariance.At(emp, gauss, a, t, new ExplainedVarianceOptions(Samples: 4000, Seed: 5));

        var mean = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(i => raw[i, j])).ToArray();
        double kappaSq = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                for (int k = 0; k < d; k++)
                {
                    double kappa = Enumerable.Range(0, n).Average(mu => (raw[mu, i] - mean[i]) * (raw[mu, j] - mean[j]) * (raw[mu, k] - mean[k]));
                    kappaSq += kappa * kappa;
                }
        double theta = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        double predicted = Math.Pow(theta, 6) * kappaSq / (2 * Math.Pow(delta, 4) * point.ReferenceMeanSquare);

        Assert.True(point.Ev > 0.99, $"EV at t = {t}: {point.Ev}");
        double deficit = 1 - point.Ev;
        Assert.True(Math.Abs(deficit - predicted) < 4 * point.Stderr + 0.1 * predicted,
            $"1 − EV = {deficit:E3} ± {point.Stderr:E2}, predicted {predicted:E3}");
    }

    [Fact]
    public void ThirdCumulantNorm_FromTheGramMatrix_EqualsTheDirectTripleSum()
    {
        // (1/n²) Σ_μν (x_μ·x_ν)³ against Σ_ijk κ₃_ijk² summed directly; n = 600 > 512 exercises the row blocks. Float64, ~1e-13.
        int n = 600, d = 4;
        var raw = Skewed(n, d, 11);
        using var a = torch.tensor(raw);
        var mean = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(i => raw[i, j])).ToArray();
        double direct = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                for (int k = 0; k < d; k++)
                {
                    double kappa = Enumerable.Range(0, n).Average(mu => (raw[mu, i] - mean[i]) * (raw[mu, j] - mean[j]) * (raw[mu, k] - mean[k]));
                    direct += kappa * kappa;
                }
        Assert.Equal(direct, ExplainedVariance.ThirdCumulantNormSquared(a), direct * 1e-10);
    }

    [Fact]
    public void GaussianDeficitAsymptote_PredictsTheMeasuredDeficitAtLargeT()
    {
        // The library's asymptote (Fisher information from the covariance eigenvalues, no Monte Carlo) against the measured
        // 1 − EV at t = 4, with the same 4 SE + 10 % allowance as above.
        int n = 40, d = 3;
        using var a = torch.tensor(Skewed(n, d, 4));
        using var emp = new EmpiricalDenoiser(a, new EmpiricalDenoiserOptions(Precision.Float64));
        using var gauss = GaussianOf(a);
        var point = ExplainedVariance.At(emp, gauss, a, 4.0, new ExplainedVarianceOptions(Samples: 4000, Seed: 5));
        double predicted = ExplainedVariance.GaussianDeficitAsymptote(ExplainedVariance.ThirdCumulantNormSquared(a), gauss.Eigenvalues, d, 4.0);
        Assert.True(Math.Abs(1 - point.Ev - predicted) < 4 * point.Stderr + 0.1 * predicted, $"1 − EV = {1 - point.Ev:E3}, predicted {predicted:E3}");
        Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.GaussianDeficitAsymptote(1, [1.0], d, 0));
        Assert.Throws<ArgumentException>(() => ExplainedVariance.GaussianDeficitAsymptote(1, [1.0, 1.0], 1, 1));
    }

    [Fact]
    public void MixtureWithOnePointPerComponent_ExplainsTheEmpiricalScore()
    {
        // k = n isotropic mixture = P_t^e exactly (MixtureDenoiserTests): EV = 1 up to float64 round-off at every t.
        using var a = torch.tensor(Skewed(20, 3, 6));
        using var emp = new EmpiricalDenoiser(a, new EmpiricalDenoiserOptions(Precision.Float64));
        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 20, Covariance: MixtureCovariance.Isotropic));
        var curve = ExplainedVariance.Compute(emp, [new ScoreApproximation("mix", mix)], a, ExplainedVariance.LogSpacedTimes(0.01, 3, 5),
            new ExplainedVarianceOptions(Samples: 50))[0];
        Assert.All(curve.Curve, p => Assert.True(Math.Abs(1 - p.Ev) < 1e-9, $"t = {p.T}: EV = {p.Ev}"));
    }

    [Fact]
    public void Results_DoNotDependOnTheBatch_AndEveryApproximationSeesTheSameDraws()
    {
        using var a = torch.tensor(Skewed(50, 4, 7));
        using var emp = new EmpiricalDenoiser(a, new EmpiricalDenoiserOptions(Precision.Float64));
        using var gauss = GaussianOf(a);
        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 3, Rank: 2));
        var times = new[] { 0.05, 0.5 };
        var both = ExplainedVariance.Compute(emp, [new("gaussian", gauss), new("mixture", mix)], a, times, new ExplainedVarianceOptions(Samples: 70, Batch: 64, Seed: 8));
        var small = ExplainedVariance.Compute(emp, [new("gaussian", gauss), new("mixture", mix)], a, times, new ExplainedVarianceOptions(Samples: 70, Batch: 7, Seed: 8));
        var alone = ExplainedVariance.Compute(emp, [new("mixture", mix)], a, times, new ExplainedVarianceOptions(Samples: 70, Batch: 64, Seed: 8));
        for (int i = 0; i < times.Length; i++)
        {
            Assert.Equal(both[0].Curve[i].Ev, small[0].Curve[i].Ev, 12);
            Assert.Equal(both[1].Curve[i].Ev, small[1].Curve[i].Ev, 12);
            Assert.Equal(both[1].Curve[i].Ev, alone[0].Curve[i].Ev, 14);      // same x with or without the other approximation
            Assert.Equal(both[1].Curve[i].Stderr, alone[0].Curve[i].Stderr, 14);
        }
    }

    [Fact]
    public void FirstBelow_InterpolatesInLogTimeComingDownFromTheLargestTime()
    {
        var curve = new ExplainedVarianceCurve("c", "", [new(0.1, 0.5, 0, 1), new(1, 0.95, 0, 1), new(10, 1.0, 0, 1)]);
        // 0.99 between t = 10 (EV 1) and t = 1 (0.95): w = 0.01/0.05 = 0.2 of the way in ln t → 10^0.8.
        Assert.Equal(Math.Pow(10, 0.8), curve.TimeBelow99!.Value, 12);
        // 0.9 between t = 1 (0.95) and t = 0.1 (0.5): w = 0.05/0.45 → 10^(−1/9).
        Assert.Equal(Math.Pow(10, -1.0 / 9), curve.TimeBelow90!.Value, 12);
        Assert.Null(curve.FirstBelow(0.4));
        Assert.Equal(10, curve.FirstBelow(1.5));
    }

    [Fact]
    public void LogSpacedTimes_AreGeometricWithExactEnds()
    {
        var t = ExplainedVariance.LogSpacedTimes(0.01, 10, 4);
        Assert.Equal([0.01, 0.1, 1, 10], t.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.01, t[0]);
        Assert.Equal(10, t[^1]);
        Assert.Equal([0.5], ExplainedVariance.LogSpacedTimes(0.5, 0.5, 1));
    }

    [Fact]
    public void BadInputs_ThrowNamingTheValue()
    {
        using var a = torch.tensor(Skewed(10, 3, 9));
        using var emp = new EmpiricalDenoiser(a);
        using var other = new EmpiricalDenoiser(torch.tensor(Skewed(10, 4, 10)));
        ScoreApproximation[] self = [new("self", emp)];
        Assert.Throws<ArgumentException>(() => ExplainedVariance.Compute(emp, [new("other", other)], a, [1.0]));            // d mismatch
        Assert.Throws<ArgumentException>(() => ExplainedVariance.Compute(emp, [], a, [1.0]));                                // no approximation
        Assert.Throws<ArgumentException>(() => ExplainedVariance.Compute(emp, self, a, []));                                 // no time
        Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.Compute(emp, self, a, [0.5, 0.0]));               // t ≤ 0
        Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.Compute(emp, self, a, [double.NaN]));
        Assert.Throws<ArgumentException>(() => ExplainedVariance.Compute(emp, self, a.narrow(1, 0, 2), [1.0]));             // points d mismatch
        using var nan = a.clone();
        nan[0, 0] = torch.tensor(double.NaN);
        Assert.Throws<ArgumentException>(() => ExplainedVariance.Compute(emp, self, nan, [1.0]));
        Assert.Equal("Samples", Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.At(emp, emp, a, 1.0, new ExplainedVarianceOptions(Samples: 1))).ParamName);
        Assert.Equal("Batch", Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.At(emp, emp, a, 1.0, new ExplainedVarianceOptions(Batch: 0))).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.LogSpacedTimes(0, 1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExplainedVariance.LogSpacedTimes(0.1, 1, 1));
        Assert.Throws<ArgumentException>(() => ExplainedVariance.LogSpacedTimes(1, 0.1, 4));
    }
}
