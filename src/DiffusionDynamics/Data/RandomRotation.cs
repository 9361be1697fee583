using DiffusionDynamics.Random;

namespace DiffusionDynamics.Data;

/// <summary>Uniformly random (Haar) orthogonal matrices by Gram–Schmidt orthonormalization of a Gaussian matrix.</summary>
internal static class RandomRotation
{
    /// <summary>
    /// A Haar-random d×d orthogonal U, row-major (U[i·d + k] = component i of column k). Modified Gram–Schmidt
    /// applied twice to Gaussian columns equals QR with a positive diagonal of R, which makes U Haar-distributed.
    /// </summary>
    public static double[] Haar(int d, Xoshiro rng)
    {
        // columns[k]: the k-th column, contiguous.
        var columns = new double[d][];
        for (int k = 0; k < d; k++)
        {
            var v = new double[d];
            rng.FillGaussian(v);
            for (int pass = 0; pass < 2; pass++)
                for (int j = 0; j < k; j++)
                {
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += v[i] * columns[j][i];
                    for (int i = 0; i < d; i++) v[i] -= dot * columns[j][i];
                }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < d; i++) v[i] /= norm;
            columns[k] = v;
        }
        var u = new double[d * d];
        for (int k = 0; k < d; k++)
            for (int i = 0; i < d; i++) u[i * d + k] = columns[k][i];
        return u;
    }
}
