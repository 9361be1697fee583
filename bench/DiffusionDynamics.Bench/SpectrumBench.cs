using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Bench;

/// <summary>One Jacobian-spectrum measurement: solver, sizes, time per spectrum, and its rate against plain float64 GEMM.</summary>
internal sealed record SpectrumBenchResult(string Solver, int N, int D, int K, double T, int ActiveRows, double MsPerSpectrum, double GigaFlops, double RatioToGemm,
    double GemmGigaFlops);

/// <summary>
/// (vii) The Jacobian spectrum of the exact empirical score (float64, as <c>diffdyn spectrum</c> runs it) at one noised training
/// point: the dense closed form (the posterior-weighted covariance, 2·m·d² flops, then a d×d or m×m eigensolve) on the d = 30 linear
/// manifold for n = 10³ and 10⁴ at t = 0.05, and the subspace solver (k columns, 40 iterations + one Rayleigh–Ritz step, each a J·V
/// of 4·m·d·k flops over the m training points that carry posterior weight) on the built-in images (d = 784) for n = 1000 and 4000,
/// at t = 0.05 (m ≪ n: the posterior sits on a few points) and t = 2 (m = n). Each rate is set against a plain float64 GEMM of the
/// shape that dominates it, measured in the same run; the two sizes per solver show the scaling in n.
/// </summary>
internal static class SpectrumBench
{
    public static List<SpectrumBenchResult> Run(bool quick)
    {
        int warmups = quick ? 1 : 2, repeats = quick ? 3 : 9;
        var results = new List<SpectrumBenchResult>();
        Console.WriteLine("(vii) Jacobian spectrum of the exact empirical score (float64), one noised training point");
        Console.WriteLine($"  {"solver",-24} {"t",5} {"n",6} {"m",6} {"d",4} {"k",3} {"ms/spectrum",12} {"GFLOP/s",8} {"× GEMM",7}   (m: training points with weight)");
        // Spin the cores up before the first timed case (frequency, MKL's thread pool).
        using (var spinA = randn(2000, 784, dtype: ScalarType.Float64))
        {
            var spin = System.Diagnostics.Stopwatch.StartNew();
            while (spin.Elapsed.TotalSeconds < (quick ? 0.5 : 2.0)) { using var _ = NewDisposeScope(); spinA.t().mm(spinA); }
        }
        foreach (int n in new[] { 1000, 10000 })
        {
            var data = LinearManifoldSpec.Standard(n).Generate(0).Data;
            results.Add(Measure("dense (closed form)", data, 0.05, new JacobianSpectrumOptions(Solver: JacobianSolver.Dense), 0, warmups, repeats,
                m => 2.0 * m * data.Dimension * data.Dimension, m => (m, data.Dimension, data.Dimension)));
        }
        const int k = 24, iterations = 40;
        foreach (double t in new[] { 0.05, 2.0 })
            foreach (int n in new[] { 1000, 4000 })
            {
                var data = new DataRequest("builtin", Count: n).Load();
                int d = data.Dimension;
                results.Add(Measure("subspace (J·V products)", data, t, new JacobianSpectrumOptions(Solver: JacobianSolver.Subspace, TopK: k, Iterations: iterations), k,
                    warmups, repeats, m => (iterations + 1) * 4.0 * m * d * k, m => (m, d, k)));
            }
        Console.WriteLine();
        return results;
    }

    /// <param name="flopsOf">Flops of one spectrum given the active rows m.</param>
    /// <param name="shapeOf">The dominant GEMM's (M, K, N) given m.</param>
    private static SpectrumBenchResult Measure(string solver, Dataset data, double t, JacobianSpectrumOptions options, int k, int warmups, int repeats,
        Func<int, double> flopsOf, Func<int, (int M, int K, int N)> shapeOf)
    {
        using var scope = NewDisposeScope();
        using var e = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        var a = data.ToTensor(ScalarType.Float64);
        var x = a[0] * OuTime.Decay(t) + randn(a.shape[1], dtype: ScalarType.Float64, generator: new Generator(3)) * Math.Sqrt(OuTime.Delta(t));
        // Both solvers work on the rows that carry posterior weight (ScoreJacobian.RelativeWeightCutoff).
        int m = ActiveRows(e, x, t);
        double flops = flopsOf(m);
        var gemmShape = shapeOf(m);
        var timing = Timing.Measure(() => { using var _ = NewDisposeScope(); JacobianSpectrum.Normalized(e, x, t, options); }, warmups, repeats);
        // The dominant GEMM alone: [K, M]·[M, N] for the covariance (AᵀA), [M, K]·[K, N] for A·V.
        var left = randn(k == 0 ? [gemmShape.K, gemmShape.M] : [gemmShape.M, gemmShape.K], dtype: ScalarType.Float64);
        var right = randn(k == 0 ? [gemmShape.M, gemmShape.N] : [gemmShape.K, gemmShape.N], dtype: ScalarType.Float64);
        var gemm = Timing.Measure(() => { using var _ = NewDisposeScope(); left.mm(right); }, warmups, repeats * 3);
        double gemmRate = gemm.GigaFlops(2.0 * gemmShape.M * gemmShape.K * gemmShape.N);
        double rate = timing.GigaFlops(flops);
        Console.WriteLine($"  {solver,-24} {t,5:G3} {data.Count,6} {m,6} {data.Dimension,4} {(k == 0 ? "-" : k.ToString()),3} {timing.MedianSeconds * 1e3,12:F2} {rate,8:F2} {rate / gemmRate,7:F2}" +
                          $"   (plain float64 GEMM {(k == 0 ? $"[{gemmShape.K}×{gemmShape.M}]·[{gemmShape.M}×{gemmShape.N}]" : $"[{gemmShape.M}×{gemmShape.K}]·[{gemmShape.K}×{gemmShape.N}]")}: {gemmRate:F1} GFLOP/s)");
        return new SpectrumBenchResult(solver, data.Count, data.Dimension, k, t, m, timing.MedianSeconds * 1e3, rate, rate / gemmRate, gemmRate);
    }

    private static int ActiveRows(EmpiricalDenoiser e, Tensor x, double t)
    {
        using var op = ScoreJacobian.Operator(e, x, t);
        return op.ActiveRows;
    }
}
