using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class VarianceExperimentTests(ITestOutputHelper output)
{
    [Fact]
    public void TraceC_MatchesAMonteCarloOfTheDsmTargetsCovariance_Within4StandardErrors()
    {
        var data = new CircleSpec(6, Evenly: true).Generate(0).Data;
        using var exact = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        var pts = data.ToArray();
        double[] x = [0.3, -0.2];
        foreach (double t in new[] { 0.05, 0.3, 1.0 })
        {
            using var xt = tensor(x, [1L, 2], ScalarType.Float64);
            double traceC = DsmTargetVariance.Evaluate(exact, xt, t).TraceC[0];
            // Brute-force posterior w_μ ∝ exp(−|x − e^{−t}a^μ|²/(2Δ)), then draws a ~ w and the target s̃ = −(x − e^{−t}a)/Δ.
            double decay = Math.Exp(-t), delta = OuTime.Delta(t);
            var logw = Enumerable.Range(0, 6).Select(mu => -(Math.Pow(x[0] - decay * pts[2 * mu], 2) + Math.Pow(x[1] - decay * pts[2 * mu + 1], 2)) / (2 * delta)).ToArray();
            double max = logw.Max();
            var w = logw.Select(l => Math.Exp(l - max)).ToArray();
            double sum = w.Sum();
            var rng = Xoshiro.ForStream(3, (long)(t * 1000));
            const int m = 40000;
            var sq = new double[m];
            double[] mean = [0, 0];
            var targets = new double[m][];
            for (int i = 0; i < m; i++)
            {
                double u = rng.NextDouble() * sum, acc = 0;
                int mu = 0;
                for (; mu < 5; mu++) { acc += w[mu]; if (u < acc) break; }
                targets[i] = [-(x[0] - decay * pts[2 * mu]) / delta, -(x[1] - decay * pts[2 * mu + 1]) / delta];
                mean[0] += targets[i][0] / m; mean[1] += targets[i][1] / m;
            }
            for (int i = 0; i < m; i++) sq[i] = Math.Pow(targets[i][0] - mean[0], 2) + Math.Pow(targets[i][1] - mean[1], 2);
            double avg = sq.Average(), mc = avg * m / (m - 1), se = Math.Sqrt(sq.Select(v => (v - avg) * (v - avg)).Sum() / (m - 1) / m);
            output.WriteLine($"t = {t}: tr C = {traceC}, Monte Carlo {mc} ± {se}");
            Assert.True(Math.Abs(mc - traceC) <= 4 * se + 1e-12 * traceC, $"t = {t}: {traceC} vs {mc} ± {se}");
        }
    }

    [Fact]
    public void Ratio_AtTheOrigin_IsOne_ForSymmetricTwoPointData_AtEveryTime()
    {
        var data = new PointsSpec([-1.3, 1.3]).Generate().Data;
        using var exact = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        using var x = zeros(1, 1, dtype: ScalarType.Float64);
        foreach (double t in new[] { 1e-3, 0.01, 0.1, 0.5, 1, 3, 8 })
        {
            var (trace, s2, ratio) = DsmTargetVariance.Evaluate(exact, x, t);
            Assert.Equal(0, s2[0], 1e-20);
            Assert.True(trace[0] > 0);
            Assert.Equal(1.0, ratio[0], 12);
        }
    }

    [Theory]
    [InlineData(FeatureKind.Gaussian)]
    [InlineData(FeatureKind.Fourier)]
    public void ClosedFormRidgeFit_EqualsTheIterativeLeastSquaresSolution(FeatureKind kind)
    {
        using var a = tensor(new double[] { -1, 0, 1 }, [3L, 1], ScalarType.Float64);
        var map = new FeatureMap(kind, 7, 3, -2, 2, 0.02, 2);
        var (design, targets, omega) = LinearFeatureModel.Sample(a, map, 200, seed: 5);
        const double ridge = 1e-3;
        using var w = LinearFeatureModel.Solve(design, targets, omega, ridge);
        // Conjugate gradient on the normal equations (ΦᵀΩΦ + ρI) W = ΦᵀΩA, in plain doubles.
        var phi = design.data<double>().ToArray();
        var y = targets.data<double>().ToArray();
        var om = omega.data<double>().ToArray();
        int p = (int)design.shape[0], f = (int)design.shape[1];
        var g = new double[f, f];
        var b = new double[f];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < f; j++)
            {
                b[j] += om[i] * phi[i * f + j] * y[i];
                for (int k = 0; k < f; k++) g[j, k] += om[i] * phi[i * f + j] * phi[i * f + k];
            }
        double rho = ridge * Enumerable.Range(0, f).Average(j => g[j, j]);
        for (int j = 0; j < f; j++) g[j, j] += rho;
        var sol = new double[f];
        var r = (double[])b.Clone();
        var dir = (double[])r.Clone();
        double rr = r.Sum(v => v * v);
        for (int it = 0; it < 20 * f && rr > 1e-28 * b.Sum(v => v * v); it++)
        {
            var gd = new double[f];
            for (int j = 0; j < f; j++) for (int k = 0; k < f; k++) gd[j] += g[j, k] * dir[k];
            double alpha = rr / dir.Select((v, j) => v * gd[j]).Sum();
            for (int j = 0; j < f; j++) { sol[j] += alpha * dir[j]; r[j] -= alpha * gd[j]; }
            double rrNew = r.Sum(v => v * v);
            for (int j = 0; j < f; j++) dir[j] = r[j] + rrNew / rr * dir[j];
            rr = rrNew;
        }
        var closed = w.data<double>().ToArray();
        double scale = closed.Max(Math.Abs);
        for (int j = 0; j < f; j++) Assert.True(Math.Abs(closed[j] - sol[j]) <= 1e-6 * scale, $"{j}: {closed[j]} vs {sol[j]}");
    }

    [Fact]
    public void LinearModel_WithManySamples_GeneratesNearTheTrainingPoints_AndFillsMoreWithFewSamples()
    {
        using var a = tensor(new double[] { -1, 0, 1 }, [3L, 1], ScalarType.Float64);
        var map = new FeatureMap(FeatureKind.Gaussian, 16, 8, -2, 2, 0.02, 2);
        var few = GapFilling.LinearModels(a, map, 32, 8, 300, 40, 1e-6, -2, 2, 40, seed: 1);
        var many = GapFilling.LinearModels(a, map, 4096, 8, 300, 40, 1e-6, -2, 2, 40, seed: 1);
        output.WriteLine($"fill P = 32: {few.Mass} ± {few.StandardError}; P = 4096: {many.Mass} ± {many.StandardError}");
        Assert.True(few.Mass - many.Mass > 4 * Math.Sqrt(few.StandardError * few.StandardError + many.StandardError * many.StandardError));
    }

    [Theory]
    [InlineData("Times")]
    [InlineData("Cutoffs")]
    [InlineData("Models")]
    public void InvalidOptions_ThrowNamingTheValue(string name)
    {
        var o = name switch
        {
            "Times" => new VarianceOptions(Times: [0.1, 0]),
            "Cutoffs" => new VarianceOptions(Cutoffs: [-0.01]),
            _ => new VarianceOptions(Models: 0),
        };
        var e = Assert.ThrowsAny<ArgumentException>(() => VarianceExperiment.Run(VarianceExperiment.PaperPoints, o));
        Assert.Equal(name, e.ParamName);
    }
}
