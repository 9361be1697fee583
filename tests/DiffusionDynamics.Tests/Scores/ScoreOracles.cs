using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>Independent reference computations shared by the score tests.</summary>
internal static class ScoreOracles
{
    /// <summary>
    /// ∇ ln P_t by central finite differences of <see cref="ILogDensity.LogDensity"/> in float64.
    /// Truncation error O(h²·|∂³ ln P|), round-off O(ε·|ln P|/h).
    /// </summary>
    public static double[,] FiniteDifferenceScore(ILogDensity density, double[,] x, double t, double h)
    {
        int b = x.GetLength(0), d = x.GetLength(1);
        var result = new double[b, d];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < d; j++)
            {
                var plus = (double[,])x.Clone();
                var minus = (double[,])x.Clone();
                plus[i, j] += h;
                minus[i, j] -= h;
                using var tp = torch.tensor(plus);
                using var tm = torch.tensor(minus);
                using var lp = density.LogDensity(tp, t);
                using var lm = density.LogDensity(tm, t);
                result[i, j] = (lp[i].item<double>() - lm[i].item<double>()) / (2 * h);
            }
        return result;
    }

    /// <summary>
    /// Asserts that Tweedie's score of <paramref name="source"/> equals central finite differences (h = 1e-5) of
    /// its ln P_t. Truncation error ~h²·|∂³ ln P| ≲ 1e-10/Δ_t³ and round-off ~1e-16·|ln P|/h ≈ 1e-10 are both far
    /// below the 1e-6 relative bound.
    /// </summary>
    public static void AssertScoreMatchesFiniteDifferences<T>(T source, double[,] x, double t) where T : IDenoiser, ILogDensity
    {
        using var xt = torch.tensor(x);
        using var s = Score.Evaluate(source, xt, t);
        var fd = FiniteDifferenceScore(source, x, t, 1e-5);
        Assert.True(MaxAbsDiff(ToArray(s), fd) < 1e-6 * Math.Max(1, MaxAbs(fd)), $"score vs finite differences at t = {t}");
    }

    public static double[,] ToArray(Tensor t)
    {
        using var d = t.to_type(ScalarType.Float64).contiguous();
        int rows = (int)d.shape[0], cols = (int)d.shape[1];
        var flat = d.data<double>().ToArray();
        var result = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) result[i, j] = flat[i * cols + j];
        return result;
    }

    public static double MaxAbsDiff(double[,] a, double[,] b)
    {
        double m = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) m = Math.Max(m, Math.Abs(a[i, j] - b[i, j]));
        return m;
    }

    public static double MaxAbs(double[,] a)
    {
        double m = 0;
        foreach (var v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    public static double[,] RandomMatrix(int rows, int cols, ulong seed, double scale = 1.0)
    {
        var rng = new DiffusionDynamics.Random.Xoshiro(seed);
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) m[i, j] = scale * rng.NextGaussian();
        return m;
    }

    /// <summary>The empirical denoiser computed directly from its definition, in plain doubles.</summary>
    public static double[,] BruteForceEmpirical(double[,] a, double[,] x, double t)
    {
        int n = a.GetLength(0), d = a.GetLength(1), b = x.GetLength(0);
        double decay = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        var result = new double[b, d];
        for (int i = 0; i < b; i++)
        {
            var logw = new double[n];
            for (int mu = 0; mu < n; mu++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) { double r = x[i, j] - a[mu, j] * decay; s += r * r; }
                logw[mu] = -s / (2 * delta);
            }
            double max = logw.Max(), z = 0;
            for (int mu = 0; mu < n; mu++) { logw[mu] = Math.Exp(logw[mu] - max); z += logw[mu]; }
            for (int mu = 0; mu < n; mu++)
                for (int j = 0; j < d; j++) result[i, j] += logw[mu] / z * a[mu, j];
        }
        return result;
    }
}
