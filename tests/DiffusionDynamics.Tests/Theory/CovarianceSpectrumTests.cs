using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Theory;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Theory;

public class CovarianceSpectrumTests(ITestOutputHelper output)
{
    // n points in d dimensions, coordinate j with standard deviation 3·0.97^j, then (if rotate) mixed by a random
    // orthogonal matrix so that no eigenvector is a coordinate axis.
    private static Tensor AnisotropicData(int n, int d, ulong seed, bool rotate = true)
    {
        var rng = new Xoshiro(seed);
        var z = new double[n * d];
        rng.FillGaussian(z);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) z[i * d + j] *= 3 * Math.Pow(0.97, j);
        if (!rotate) return tensor(z, [n, d]) + 5.0;
        var g = new double[d * d];
        rng.FillGaussian(g);
        var (q, _) = torch.linalg.qr(tensor(g, [d, d]));
        return tensor(z, [n, d]).matmul(q) + 5.0; // offset: the method must centre
    }

    [Fact]
    public void Lanczos_MatchesExactEigenpairs_OnAnisotropicData()
    {
        using var scope = NewDisposeScope();
        var x = AnisotropicData(400, 200, 1);
        var opts = new SpectrumOptions(Tolerance: 1e-10);
        var exact = CovarianceSpectrum.Top(x, 5, opts with { Method = SpectrumMethod.Exact });
        var lanczos = CovarianceSpectrum.Top(x, 5, opts with { Method = SpectrumMethod.Lanczos });
        Assert.Equal(SpectrumMethod.Lanczos, lanczos.Method);
        Assert.InRange(lanczos.Iterations, 5, 200);
        output.WriteLine($"Lanczos: {lanczos.Iterations} iterations, Λ = {lanczos.Largest:R} vs exact {exact.Largest:R}, max residual {lanczos.MaxResidual:E2}");
        var all = CovarianceSpectrum.Top(x, 6, opts with { Method = SpectrumMethod.Exact }).Eigenvalues;
        double lambda = exact.Largest;
        for (int i = 0; i < 5; i++)
        {
            // Stopping rule: residual ≤ 1e-10·θ₁ bounds |θ − λ| by the same (symmetric C); the exact LAPACK
            // eigenvalues carry ~d·ε·‖C‖ ≈ 5e-14·Λ. Explicit residuals add rounding of the same size.
            Assert.Equal(exact.Eigenvalues[i], lanczos.Eigenvalues[i], 1e-10 * lambda + 1e-12 * lambda);
            Assert.True(lanczos.Residuals[i] <= 1e-10 * lambda + 1e-12 * lambda, $"residual {lanczos.Residuals[i]}");
            // Davis–Kahan: sin ∠(u, u_exact) ≤ residual / gap.
            double gap = Math.Min(i > 0 ? all[i - 1] - all[i] : double.PositiveInfinity, all[i] - all[i + 1]);
            double cos = Math.Abs(lanczos.Eigenvectors[i].Zip(exact.Eigenvectors[i], (a, b) => a * b).Sum());
            double sin = Math.Sqrt(Math.Max(0, 1 - cos * cos));
            Assert.True(sin <= lanczos.Residuals[i] / gap + 1e-7, $"sin = {sin}, bound {lanczos.Residuals[i] / gap}"); // 1e-7: √ of 1e-14 rounding in 1 − cos²
        }
    }

    [Fact]
    public void Eigenvalues_AreTheWholeSpectrum_DescendingWithTheTraceAndTheTopPairs()
    {
        using var scope = NewDisposeScope();
        var x = AnisotropicData(300, 40, 3);
        var all = CovarianceSpectrum.Eigenvalues(x);
        Assert.Equal(40, all.Length);
        for (int i = 1; i < all.Length; i++) Assert.True(all[i] <= all[i - 1]);
        Assert.All(all, v => Assert.True(v >= 0));
        // Σ λ = tr C = mean squared deviation summed over coordinates (an independent float64 sum); eigh is backward stable, so
        // both sides agree to ~d·ε·‖C‖.
        var c = x - x.mean([0], keepdim: true);
        double trace = c.square().sum().item<double>() / 300;
        Assert.Equal(trace, all.Sum(), 1e-12 * trace);
        var top = CovarianceSpectrum.Top(x, 3, new SpectrumOptions(Method: SpectrumMethod.Exact));
        for (int i = 0; i < 3; i++) Assert.Equal(top.Eigenvalues[i], all[i], 1e-12 * all[0]);
        Assert.ThrowsAny<ArgumentException>(() => CovarianceSpectrum.Eigenvalues(x.narrow(0, 0, 1)));
        Assert.ThrowsAny<ArgumentException>(() => CovarianceSpectrum.Eigenvalues(zeros(3, CovarianceSpectrum.FullSpectrumMaxDimension + 1)));
    }

    [Fact]
    public void LargeDimension_UsesLanczos_AndMatchesGramMatrixEigenvalues()
    {
        using var scope = NewDisposeScope();
        int n = 150, d = 2000;
        var x = AnisotropicData(n, d, 2, rotate: false); // a 2000² QR would dominate the test's time
        var result = CovarianceSpectrum.Top(x, 3);
        Assert.Equal(SpectrumMethod.Lanczos, result.Method);
        output.WriteLine($"d = {d}: {result.Iterations} iterations, Λ = {result.Largest:R}, max residual {result.MaxResidual:E2}");
        // Independent oracle: the n×n Gram matrix X̃X̃ᵀ/n has the same nonzero eigenvalues as C = X̃ᵀX̃/n.
        var xc = x - x.mean([0], keepdim: true);
        var gram = (xc.matmul(xc.T) / n).data<double>().ToArray();
        var evd = Matrix<double>.Build.Dense(n, n, (i, j) => gram[i * n + j]).Evd(Symmetricity.Symmetric);
        var expected = evd.EigenValues.Select(c => c.Real).OrderByDescending(v => v).Take(3).ToArray();
        for (int i = 0; i < 3; i++)
            Assert.Equal(expected[i], result.Eigenvalues[i], 1e-10 * expected[0] + 1e-12 * expected[0]); // as above
    }

    [Fact]
    public void TwoClusterSampleLambda_IsWithinStatisticalBoundsOfClosedForm()
    {
        // ½N(±m, σ²I), every coordinate of m equal to μ: Λ = σ² + dμ².
        int n = 20000, d = 20;
        double mu = 1.0, sigma = 1.0;
        var rng = new Xoshiro(7);
        var values = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            double sign = rng.NextDouble() < 0.5 ? -1 : 1;
            for (int j = 0; j < d; j++) values[i * d + j] = (float)(sign * mu + sigma * rng.NextGaussian());
        }
        var ds = new Dataset(values, n, d);
        var est = SpeciationTime.Estimate(ds.ToTensor(TorchSharp.torch.ScalarType.Float64));
        double lambda = SpeciationTime.TwoClusterLargestEigenvalue(Math.Sqrt(d) * mu, sigma);
        Assert.Equal(21.0, lambda, 12);
        // Along m̂, q = ±|m| + σz has Var(q²) = 4|m|²σ² + 2σ⁴: the sample variance has SE √(Var(q²)/n) ≈ 0.066.
        // The top eigenvalue also maximizes over the d − 1 noise directions (BBP shift ≈ Λ·γ/(ℓ − 1), γ = d/n,
        // ℓ = Λ/σ², ≈ 1e-3 here) and the 1/n centring bias is −Λ/n ≈ 1e-3: allow 4 SE + both.
        double m2 = d * mu * mu;
        double se = Math.Sqrt((4 * m2 * sigma * sigma + 2 * Math.Pow(sigma, 4)) / n);
        double bias = lambda * ((double)d / n) / (lambda / (sigma * sigma) - 1) + lambda / n;
        output.WriteLine($"two-cluster Λ̂ = {est.LargestEigenvalue:R} vs σ² + dμ² = {lambda}, SE {se:F4}, t_S = {est.Time:F5}");
        Assert.InRange(est.LargestEigenvalue, lambda - 4 * se - bias, lambda + 4 * se + bias);
        Assert.True(est.IsDefined);
        Assert.Equal(0.5 * Math.Log(est.LargestEigenvalue), est.Time, 15);
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        using var scope = NewDisposeScope();
        var x = AnisotropicData(10, 4, 3);
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(x, 0));
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(x, 5));
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(x[..1], 1));
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(x.flatten(), 1));
        var bad = x.clone();
        bad[0, 0] = tensor(double.NaN);
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(bad, 1));
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(x, 1, new SpectrumOptions(Tolerance: 0)));
        // Rank 2 data (three points) cannot give 3 Lanczos pairs.
        var three = tensor(new double[] { 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 5, 5 }, [4, 3]);
        Assert.Throws<ArgumentException>(() => CovarianceSpectrum.Top(three[..3], 3, new SpectrumOptions(Method: SpectrumMethod.Lanczos)));
    }
}
