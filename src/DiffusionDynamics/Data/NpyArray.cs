namespace DiffusionDynamics.Data;

/// <summary>
/// An n-dimensional array as stored in a NumPy .npy file: C-order (row-major) elements of one
/// <see cref="NpyDType"/> and a shape. Invariants: every extent ≥ 0, Π shape = number of elements
/// (a 0-d array, shape [], holds one element).
/// </summary>
public sealed class NpyArray
{
    /// <summary>Wraps <paramref name="data"/> (not copied): a float[], double[], byte[], int[] or long[] with Π shape elements.</summary>
    /// <exception cref="ArgumentException">Unsupported element type, negative extent, or element count ≠ Π shape.</exception>
    public NpyArray(Array data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        DType = data switch
        {
            float[] => NpyDType.Float32,
            double[] => NpyDType.Float64,
            byte[] => NpyDType.UInt8,
            int[] => NpyDType.Int32,
            long[] => NpyDType.Int64,
            _ => throw new ArgumentException($"Element type {data.GetType().Name} is not supported (float[], double[], byte[], int[], long[]).", nameof(data)),
        };
        long product = 1;
        foreach (int s in shape)
        {
            if (s < 0) throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has a negative extent.", nameof(shape));
            product *= s;
        }
        if (product != data.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has {product} elements but the data hold {data.Length}.", nameof(shape));
        Data = data;
        Shape = shape;
    }

    /// <summary>Extents, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The elements in C order, as float[], double[], byte[], int[] or long[] according to <see cref="DType"/>.</summary>
    public Array Data { get; }

    /// <summary>Number of elements Π shape.</summary>
    public int Length => Data.Length;

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => Shape.Length;

    /// <summary>Size in bytes of one element: 4, 8, 1, 4, 8.</summary>
    public static int ElementSize(NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float64 or NpyDType.Int64 => 8,
        _ => 1,
    };

    /// <summary>NumPy descr string: '&lt;f4', '&lt;f8', '|u1', '&lt;i4', '&lt;i8'.</summary>
    public static string Descr(NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int32 => "<i4",
        _ => "<i8",
    };

    /// <summary>Element <paramref name="index"/> (flat C-order index) as a double (exact except int64 beyond 2⁵³).</summary>
    public double this[int index] => Data switch
    {
        float[] f => f[index],
        double[] d => d[index],
        byte[] b => b[index],
        int[] i => i[index],
        _ => ((long[])Data)[index],
    };

    /// <summary>The elements converted to double.</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Length];
        for (int i = 0; i < result.Length; i++) result[i] = this[i];
        return result;
    }

    /// <summary>The elements converted to float (rounded to nearest for float64 and large integers).</summary>
    public float[] ToSingleArray()
    {
        if (Data is float[] f) return (float[])f.Clone();
        var result = new float[Length];
        for (int i = 0; i < result.Length; i++) result[i] = (float)this[i];
        return result;
    }
}
