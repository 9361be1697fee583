using System.Globalization;
using System.Numerics.Tensors;
using DiffusionDynamics.Random;

namespace DiffusionDynamics.Data;

/// <summary>
/// Centred anisotropic Gaussian N(0, C) with C = U diag(λ_1, …, λ_d) Uᵀ [GSA, HLS] (Wang &amp; Vastola, arXiv
/// 2412.09726, 2311.10892): U = I, or a Haar-random rotation drawn from the seed when <paramref name="Rotate"/>.
/// Range: D ≥ 1, N ≥ 1, Spectrum of length D with every λ_k ≥ 0 and finite.
/// </summary>
/// <param name="D">Dimension d.</param>
/// <param name="N">Number of items n.</param>
/// <param name="Spectrum">Eigenvalues λ_k (variances along the eigenvectors), length d.</param>
/// <param name="Rotate">Rotate the eigenbasis randomly (seeded) instead of using the coordinate axes.</param>
public sealed record GaussianSpec(int D, int N, double[] Spectrum, bool Rotate = false) : SyntheticSpec
{
    /// <summary>Stream index (with the seed) of the random rotation; items use streams 0..n−1.</summary>
    public const long RotationStream = -1;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (D < 1) throw new ArgumentException($"d = {D} is out of range (d ≥ 1).", nameof(D));
        if (N < 1) throw new ArgumentException($"n = {N} is out of range (n ≥ 1).", nameof(N));
        CheckSize("gaussian n·d data values", N, D);
        CheckSize("gaussian d×d covariance", D, D, sizeof(double));
        ArgumentNullException.ThrowIfNull(Spectrum);
        if (Spectrum.Length != D) throw new ArgumentException($"The spectrum has {Spectrum.Length} eigenvalues but d = {D}.", nameof(Spectrum));
        for (int k = 0; k < D; k++) Check($"spectrum[{k}]", Spectrum[k], 0);
    }

    /// <summary>Draws n items a = U diag(√λ) z, z ~ N(0, I).</summary>
    public override GaussianData Generate(long seed)
    {
        Validate();
        double[]? basis = Rotate ? RandomRotation.Haar(D, Xoshiro.ForStream(seed, RotationStream)) : null;
        var values = Sample(N, Spectrum.Select(Math.Sqrt).ToArray(), basis, seed, sphere: false);
        return new GaussianData(new Dataset(values, N, D, name: Source(seed)), seed, this, basis);
    }

    /// <inheritdoc/>
    public override string Source(long seed) => string.Create(CultureInfo.InvariantCulture,
        $"gaussian:d={D},n={N},spectrum={DataSource.FormatList(Spectrum)},rotate={(Rotate ? "true" : "false")},seed={seed}");

    /// <summary>
    /// n items a = U (s ∘ z) with z ~ N(0, I) from stream μ, U the row-major basis (identity when null);
    /// with <paramref name="sphere"/> each item is then divided by its norm.
    /// </summary>
    internal static float[] Sample(int n, double[] stds, double[]? basis, long seed, bool sphere)
    {
        int d = stds.Length;
        // Columns of U contiguous, so a = Σ_k (s_k z_k) u_k is a sum of SIMD multiply-adds.
        double[]? columns = null;
        if (basis is not null)
        {
            columns = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int k = 0; k < d; k++) columns[k * d + i] = basis[i * d + k];
        }
        var values = new float[(long)n * d];
        var z = new double[d];
        var a = new double[d];
        for (int mu = 0; mu < n; mu++)
        {
            Xoshiro.ForStream(seed, mu).FillGaussian(z);
            for (int k = 0; k < d; k++) z[k] *= stds[k];
            if (columns is null) z.CopyTo(a, 0);
            else
            {
                Array.Clear(a);
                for (int k = 0; k < d; k++)
                    if (z[k] != 0) TensorPrimitives.MultiplyAdd(columns.AsSpan(k * d, d), z[k], a, a);
            }
            double scale = 1;
            if (sphere)
            {
                double norm = Math.Sqrt(TensorPrimitives.Dot<double>(a, a));
                scale = norm > 0 ? 1 / norm : throw new InvalidOperationException("Item with zero norm cannot be projected onto the sphere.");
            }
            for (int k = 0; k < d; k++) values[(long)mu * d + k] = (float)(a[k] * scale);
        }
        return values;
    }

    /// <summary>C = U diag(v) Uᵀ as a row-major d×d array (v on the diagonal when <paramref name="basis"/> is null).</summary>
    internal static double[] Covariance(double[] variances, double[]? basis)
    {
        int d = variances.Length;
        var c = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            if (basis is null) { c[i * d + i] = variances[i]; continue; }
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++) sum += basis[i * d + k] * variances[k] * basis[j * d + k];
                c[i * d + j] = sum;
            }
        }
        return c;
    }
}

/// <summary>Anisotropic Gaussian data with its ground truth.</summary>
/// <param name="Data">Items (unlabelled).</param>
/// <param name="Seed">Seed used.</param>
/// <param name="Spec">Model parameters; the eigenvalues are <c>Spec.Spectrum</c>.</param>
/// <param name="Basis">Eigenvectors as a row-major d×d U (Basis[i·d + k] = component i of eigenvector k), or null for the coordinate axes.</param>
public sealed record GaussianData(Dataset Data, long Seed, GaussianSpec Spec, double[]? Basis) : SyntheticData(Data, Seed)
{
    /// <summary>Population covariance C = U diag(λ) Uᵀ, row-major d×d; the mean is 0.</summary>
    public double[] Covariance() => GaussianSpec.Covariance(Spec.Spectrum, Basis);
}
