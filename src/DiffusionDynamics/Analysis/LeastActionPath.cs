using DiffusionDynamics.Theory;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace DiffusionDynamics.Analysis;

/// <summary>A minimized path: nodes x_0..x_K at path times s_k = kT/K, the discrete action and how well it is stationary.</summary>
/// <param name="Times">s_0 … s_K.</param>
/// <param name="Path">x_k, [K + 1][d].</param>
/// <param name="Action">S_h at the minimum.</param>
/// <param name="GradientNorm">max_k |∂S_h/∂x_k| over the interior nodes.</param>
/// <param name="EulerLagrangeResidual">max_k |∂S_h/∂x_k|/h: the discrete Euler–Lagrange residual |ṗ + (∂f)ᵀp| (docs/theory.md §8.4).</param>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Converged">The minimizer stopped on its gradient criterion (not on its iteration cap or a failed line search) and the Euler–Lagrange
/// residual is below 10⁻³ of |p|/T (mean momentum over the duration), or |∇S_h| ≤ 10⁻⁹.</param>
/// <param name="Momenta">Node momenta π_k = p_k + (h/2)(∂f_k)ᵀp_k, k = 0..K−1, [K][d] (conserved exactly by the discrete Noether theorem when the discrete action is invariant).</param>
/// <param name="MidMomenta">p_k = r_k/(2D_k) at the midpoints, [K][d].</param>
/// <param name="MidDrift">f at the midpoints, [K][d].</param>
/// <param name="MidDiffusion">D at the midpoints, [K].</param>
public sealed record LeastActionSolution(double[] Times, double[][] Path, double Action, double GradientNorm, double EulerLagrangeResidual,
    int Iterations, bool Converged, double[][] Momenta, double[][] MidMomenta, double[][] MidDrift, double[] MidDiffusion);

/// <summary>
/// The most likely path of dx = f(x, s) ds + √(2D(s)) dW between fixed ends (Vastola, arXiv 2504.09761; docs/theory.md §8.4): the
/// minimizer of the midpoint discretization of the Onsager–Machlup (Freidlin–Wentzell) action
/// <code>
///   S_h = Σ_k h |r_k|²/(4D_k),   r_k = (x_{k+1} − x_k)/h − f(x̄_k, s̄_k),   x̄_k = (x_k + x_{k+1})/2,  s̄_k = (k + ½)h,  D_k = D(s̄_k)
///   ∂S_h/∂x_k = p_{k−1} − p_k − (h/2)[(∂f_{k−1})ᵀp_{k−1} + (∂f_k)ᵀp_k],   p_k = r_k/(2D_k)
/// </code>
/// by MathNet's L-BFGS with this analytic gradient, from the straight line. The midpoint rule is second order in h.
/// </summary>
public static class LeastActionPath
{
    /// <summary>Minimizes S_h over the interior nodes with x_0 = <paramref name="from"/>, x_K = <paramref name="to"/>.</summary>
    /// <param name="drift">f and (∂f)ᵀv.</param>
    /// <param name="diffusion">D(s) &gt; 0.</param>
    /// <param name="from">x_0. Range: dimension d of the drift, finite.</param>
    /// <param name="to">x_K. Range: as x_0, and ≠ x_0 unless the drift moves the state.</param>
    /// <param name="duration">T &gt; 0.</param>
    /// <param name="steps">K ≥ 2.</param>
    /// <param name="maxIterations">L-BFGS iteration cap.</param>
    /// <param name="gradientTolerance">Stop when |∇S_h| falls below this (absolute, Euclidean over all interior nodes).</param>
    /// <param name="initial">Starting path [K + 1][d] (ends ignored), else the straight line.</param>
    public static LeastActionSolution Minimize(IPathDrift drift, Func<double, double> diffusion, double[] from, double[] to, double duration, int steps,
        int maxIterations = 5000, double gradientTolerance = 1e-9, double[][]? initial = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drift);
        ArgumentNullException.ThrowIfNull(diffusion);
        int d = drift.Dimension;
        if (from is null || from.Length != d || !from.All(double.IsFinite)) throw new ArgumentException($"from must have {d} finite coordinates.", nameof(from));
        if (to is null || to.Length != d || !to.All(double.IsFinite)) throw new ArgumentException($"to must have {d} finite coordinates.", nameof(to));
        if (!(duration > 0) || !double.IsFinite(duration)) throw new ArgumentException($"duration T must be finite and > 0 (got {duration}).", nameof(duration));
        if (steps < 2) throw new ArgumentException($"steps must be ≥ 2 (got {steps}).", nameof(steps));
        if (maxIterations < 1) throw new ArgumentException($"maxIterations must be ≥ 1 (got {maxIterations}).", nameof(maxIterations));
        int k = steps;
        double h = duration / k;
        var work = new Workspace(drift, diffusion, from, to, h, k);
        for (int i = 0; i < k; i++)
            if (!(work.D[i] > 0) || !double.IsFinite(work.D[i])) throw new ArgumentException($"D(s) must be finite and > 0 (got {work.D[i]} at s = {(i + 0.5) * h}).", nameof(diffusion));

        var start = Vector<double>.Build.Dense((k - 1) * d);
        for (int j = 1; j < k; j++)
            for (int c = 0; c < d; c++)
                start[(j - 1) * d + c] = initial is not null ? initial[j][c] : from[c] + (to[c] - from[c]) * j / (double)k;

        double best = double.PositiveInfinity;
        var bestPoint = start.Clone();
        var objective = ObjectiveFunction.Gradient(v =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gradient = Vector<double>.Build.Dense(v.Count);
            double value = work.ActionAndGradient(v.AsArray() ?? v.ToArray(), gradient.AsArray());
            if (value < best) { best = value; v.CopyTo(bestPoint); }
            return (value, gradient);
        });
        int iterations = 0;
        bool converged;
        try
        {
            var result = new LimitedMemoryBfgsMinimizer(gradientTolerance, 0, 0, 10, maxIterations).FindMinimum(objective, start);
            iterations = result.Iterations;
            converged = result.ReasonForExit is ExitCondition.AbsoluteGradient or ExitCondition.RelativeGradient;
            if (result.FunctionInfoAtMinimum.Value <= best) result.MinimizingPoint.CopyTo(bestPoint);
        }
        catch (Exception e) when (e is MaximumIterationsException or OptimizationException or MathNet.Numerics.NonConvergenceException)
        {
            iterations = maxIterations;
            converged = false;
        }
        return work.Solution(bestPoint.ToArray(), iterations, converged);
    }

    /// <summary>Buffers of one minimization (no allocation per objective evaluation besides MathNet's vectors).</summary>
    private sealed class Workspace
    {
        private readonly IPathDrift drift;
        private readonly double[] from, to, path, mid, sMid, f, p, jtp, dummy;
        private readonly int d, k;
        private readonly double h;

        public Workspace(IPathDrift drift, Func<double, double> diffusion, double[] from, double[] to, double h, int k)
        {
            (this.drift, this.from, this.to, this.h, this.k, d) = (drift, from, to, h, k, drift.Dimension);
            path = new double[(k + 1) * d];
            mid = new double[k * d];
            f = new double[k * d];
            p = new double[k * d];
            jtp = new double[k * d];
            dummy = new double[k * d];
            sMid = new double[k];
            D = new double[k];
            for (int i = 0; i < k; i++)
            {
                sMid[i] = (i + 0.5) * h;
                D[i] = diffusion(sMid[i]);
            }
        }

        public double[] D { get; }

        private void Load(double[] interior)
        {
            from.CopyTo(path, 0);
            interior.CopyTo(path, d);
            to.CopyTo(path, k * d);
            for (int i = 0; i < k * d; i++) mid[i] = 0.5 * (path[i] + path[i + d]);
        }

        /// <summary>S_h, and ∂S_h/∂x over the interior nodes into <paramref name="gradient"/>; leaves p and (∂f)ᵀp in the buffers.</summary>
        public double ActionAndGradient(double[] interior, double[]? gradient)
        {
            Load(interior);
            drift.Evaluate(mid, sMid, ReadOnlySpan<double>.Empty, f, dummy);
            double action = 0;
            for (int i = 0; i < k; i++)
                for (int c = 0; c < d; c++)
                {
                    int at = i * d + c;
                    double r = (path[at + d] - path[at]) / h - f[at];
                    p[at] = r / (2 * D[i]);
                    action += h * r * r / (4 * D[i]);
                }
            if (gradient is null) return action;
            drift.Evaluate(mid, sMid, p, dummy, jtp);
            for (int j = 1; j < k; j++)
                for (int c = 0; c < d; c++)
                {
                    int left = (j - 1) * d + c, right = j * d + c;
                    gradient[left] = p[left] - p[right] - 0.5 * h * (jtp[left] + jtp[right]);
                }
            return action;
        }

        public LeastActionSolution Solution(double[] interior, int iterations, bool converged)
        {
            var gradient = new double[(k - 1) * d];
            double action = ActionAndGradient(interior, gradient);
            double gmax = 0;
            for (int j = 0; j < k - 1; j++)
            {
                double g2 = 0;
                for (int c = 0; c < d; c++) g2 += gradient[j * d + c] * gradient[j * d + c];
                gmax = Math.Max(gmax, Math.Sqrt(g2));
            }
            double[][] Rows(double[] flat, int count) => Enumerable.Range(0, count).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
            // Converged also needs a small residual relative to the path's own scale |p|/T (MathNet may stop on a relative criterion).
            double meanP = 0;
            for (int i = 0; i < k; i++)
            {
                double p2 = 0;
                for (int c = 0; c < d; c++) p2 += p[i * d + c] * p[i * d + c];
                meanP += Math.Sqrt(p2) / k;
            }
            converged &= gmax / h <= 1e-3 * meanP / (k * h) || gmax <= 1e-9;
            var momenta = new double[k * d];
            for (int i = 0; i < k * d; i++) momenta[i] = p[i] + 0.5 * h * jtp[i];
            return new LeastActionSolution(Enumerable.Range(0, k + 1).Select(i => i * h).ToArray(), Rows(path, k + 1), action, gmax, gmax / h,
                iterations, converged, Rows(momenta, k), Rows(p, k), Rows(f, k), (double[])D.Clone());
        }
    }
}
