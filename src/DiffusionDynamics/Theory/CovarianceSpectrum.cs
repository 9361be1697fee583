using DiffusionDynamics.Random;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Top eigenpairs of the centred data covariance C = (1/n) Σ_μ (a^μ − ā)(a^μ − ā)ᵀ, the covariance of the
/// empirical distribution (1/n, not 1/(n−1)), whose largest eigenvalue Λ sets the speciation time
/// t_S = ½ ln Λ (Biroli et al. 2024, arXiv 2402.18491, Sec. 3). All arithmetic in float64.
/// Small d: C is formed and diagonalized exactly. Large d: Lanczos with full reorthogonalization on the
/// operator v ↦ X̃ᵀ(X̃ v)/n, X̃ the centred [n, d] data, so memory stays O(n d + m d) for m iterations.
/// </summary>
public static class CovarianceSpectrum
{
    /// <summary>
    /// Top-k eigenpairs of the covariance of the rows of <paramref name="data"/>: [n, d], any floating type
    /// (converted to float64). Range: n ≥ 2, 1 ≤ k ≤ min(d, n − 1) (the centred covariance has rank ≤ n − 1).
    /// </summary>
    public static CovarianceEigenpairs Top(Tensor data, int k = 1, SpectrumOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= SpectrumOptions.Default;
        if (data.dim() != 2) throw new ArgumentException($"Data must be [n, d] (got shape [{string.Join(", ", data.shape)}]).", nameof(data));
        int n = (int)data.shape[0], d = (int)data.shape[1];
        if (n < 2) throw new ArgumentException($"A covariance needs n ≥ 2 points (got n = {n}).", nameof(data));
        if (k < 1 || k > Math.Min(d, n - 1))
            throw new ArgumentException($"k must lie in [1, min(d, n − 1)] = [1, {Math.Min(d, n - 1)}] (got {k}).", nameof(k));
        if (!(options.Tolerance > 0) || !double.IsFinite(options.Tolerance))
            throw new ArgumentException($"Tolerance must be finite and > 0 (got {options.Tolerance}).", nameof(options));
        if (options.MaxIterations < k)
            throw new ArgumentException($"MaxIterations = {options.MaxIterations} must be ≥ k = {k}.", nameof(options));

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = Centred(data);

        var method = options.Method == SpectrumMethod.Auto
            ? (d <= options.ExactMaxDimension ? SpectrumMethod.Exact : SpectrumMethod.Lanczos)
            : options.Method;
        var (values, vectors, iterations) = method == SpectrumMethod.Exact
            ? Exact(x, k)
            : Lanczos(x, k, options);

        // Explicit residuals ‖C u − λ u‖ of the returned pairs.
        var u = vectors; // [k, d]
        var cu = Apply(x, u.T).T; // [k, d]
        var residuals = (cu - tensor(values).unsqueeze(1) * u).norm(1).data<double>().ToArray();
        var vecs = new double[k][];
        for (int i = 0; i < k; i++) vecs[i] = u[i].data<double>().ToArray();
        return new CovarianceEigenpairs(values, vecs, residuals, method, iterations, n, d);
    }

    /// <summary>Largest d for which <see cref="Eigenvalues"/> forms and diagonalizes the d×d covariance.</summary>
    public const int FullSpectrumMaxDimension = 2048;

    /// <summary>
    /// Every eigenvalue of the covariance of the rows of <paramref name="data"/> ([n, d], any floating type; float64 arithmetic),
    /// descending, with round-off negatives clamped to 0: the spectrum of the Gaussian with the data's covariance, e.g. for
    /// <see cref="ExcessEntropy.AnisotropicCollapseTime"/>. Forms C (d² memory). Range: n ≥ 2, 1 ≤ d ≤ <see cref="FullSpectrumMaxDimension"/>, finite data.
    /// </summary>
    public static double[] Eigenvalues(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.dim() != 2) throw new ArgumentException($"Data must be [n, d] (got shape [{string.Join(", ", data.shape)}]).", nameof(data));
        long n = data.shape[0], d = data.shape[1];
        if (n < 2) throw new ArgumentException($"A covariance needs n ≥ 2 points (got n = {n}).", nameof(data));
        if (d < 1 || d > FullSpectrumMaxDimension)
            throw new ArgumentException($"The full spectrum is formed for 1 ≤ d ≤ {FullSpectrumMaxDimension} (got d = {d}); use Top(k) beyond.", nameof(data));
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = Centred(data);
        var ascending = torch.linalg.eigvalsh(x.T.matmul(x) / n).clamp_min(0.0).data<double>().ToArray();
        Array.Reverse(ascending);
        return ascending;
    }

    /// <summary>[n, d] float64, centred with the sample mean (in the caller's dispose scope); throws on NaN or infinite values.</summary>
    private static Tensor Centred(Tensor data)
    {
        Backend.TorchRuntime.EnsureInitialized();
        var x = data.to_type(ScalarType.Float64);
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("Data contain NaN or infinite values.", nameof(data));
        return x - x.mean([0], keepdim: true);
    }

    // C v for v: [d] or [d, b], without forming C.
    private static Tensor Apply(Tensor x, Tensor v) => x.T.matmul(x.matmul(v)) / x.shape[0];

    private static (double[] values, Tensor vectors, int iterations) Exact(Tensor x, int k)
    {
        int d = (int)x.shape[1];
        var c = x.T.matmul(x) / x.shape[0];
        var (l, q) = torch.linalg.eigh(c); // ascending
        var idx = arange(d - 1, d - 1 - k, -1, dtype: ScalarType.Int64);
        var values = l.index_select(0, idx).data<double>().ToArray();
        var vectors = q.index_select(1, idx).T.contiguous(); // [k, d]
        return (values, vectors, 0);
    }

    private static (double[] values, Tensor vectors, int iterations) Lanczos(Tensor x, int k, SpectrumOptions options)
    {
        int d = (int)x.shape[1];
        int n = (int)x.shape[0];
        int mMax = Math.Min(options.MaxIterations, Math.Min(d, n));
        var basis = zeros(mMax + 1, d, dtype: ScalarType.Float64); // Lanczos vectors q_0..q_m as rows
        var alpha = new List<double>();
        var beta = new List<double>();

        var start = new double[d];
        new Xoshiro(options.Seed).FillGaussian(start);
        var q = tensor(start);
        q /= q.norm();
        basis[0].copy_(q);

        double[]? ritzValues = null;
        Matrix<double>? ritzVectors = null;
        int m = 0;
        bool invariant = false;
        for (int j = 0; j < mMax; j++)
        {
            m = j + 1;
            // Lanczos step: w = C q_j, α_j = q_j·w.
            var w = Apply(x, basis[j]);
            alpha.Add(w.dot(basis[j]).item<double>());
            // Full reorthogonalization against q_0..q_j, twice (classical Gram–Schmidt, "twice is enough");
            // this also removes α_j q_j and β_{j−1} q_{j−1}.
            var qs = basis.narrow(0, 0, m);
            for (int pass = 0; pass < 2; pass++) w -= qs.T.matmul(qs.matmul(w));
            double b = w.norm().item<double>();
            beta.Add(b);

            bool check = m >= k && (m <= 60 || m % 10 == 0 || m == mMax);
            // Breakdown: the Krylov space is invariant, Ritz pairs are exact.
            invariant = b <= 1e-13 * Math.Abs(alpha[0]) || m == d;
            if (check || invariant)
            {
                (ritzValues, ritzVectors) = Tridiagonal(alpha, beta, m);
                double theta1 = Math.Abs(ritzValues[0]);
                bool converged = true;
                for (int i = 0; i < Math.Min(k, m); i++)
                    if (Math.Abs(b * ritzVectors[m - 1, i]) > options.Tolerance * theta1) converged = false;
                if (invariant || (converged && m >= k)) break;
            }
            if (m < mMax) basis[m].copy_(w / b);
        }
        if (ritzValues is null || ritzVectors is null || m < k)
        {
            if (invariant) throw new ArgumentException($"The data covariance has rank {m} < k = {k}; ask for fewer eigenpairs.", nameof(k));
            (ritzValues, ritzVectors) = Tridiagonal(alpha, beta, m);
        }

        // Ritz vectors u_i = Q_mᵀ s_i.
        var s = new double[m * k];
        for (int r = 0; r < m; r++)
            for (int i = 0; i < k; i++) s[r * k + i] = ritzVectors[r, i];
        var u = basis.narrow(0, 0, m).T.matmul(tensor(s, [m, k])).T.contiguous(); // [k, d]
        u /= u.norm(1, keepdim: true);
        return (ritzValues.Take(k).ToArray(), u, m);
    }

    // Eigenpairs of the m×m tridiagonal T (diagonal α, off-diagonal β), sorted descending; columns of the matrix.
    private static (double[] values, Matrix<double> vectors) Tridiagonal(List<double> alpha, List<double> beta, int m)
    {
        var t = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m) t[i, i + 1] = t[i + 1, i] = beta[i];
        }
        var evd = t.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, m).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
        var values = order.Select(i => evd.EigenValues[i].Real).ToArray();
        var vectors = Matrix<double>.Build.Dense(m, m, (r, c) => evd.EigenVectors[r, order[c]]);
        return (values, vectors);
    }
}
