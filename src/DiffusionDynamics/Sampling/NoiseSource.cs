using System.Numerics.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using DiffusionDynamics.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// Gaussian noise for a batch in which every row (sample) owns its own random stream, so a sample's
/// trajectory depends only on (run seed, sample id) and never on the batch it runs in or the thread count.
/// Rows draw d standard normals per call by a vectorized Box–Muller transform from their xoshiro256** stream.
/// </summary>
public sealed class NoiseSource
{
    private readonly Xoshiro[] streams;
    private readonly ulong[] keys;
    private readonly float[] buffer;   // [B, d] row-major scratch, reused
    private readonly float[] u1, u2, sin, cos;

    private NoiseSource(ulong[] keys, int dimension)
    {
        if (keys.Length < 1) throw new ArgumentException("A noise source needs at least one sample.", nameof(keys));
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Dimension must be ≥ 1.");
        this.keys = keys;
        streams = keys.Select(k => new Xoshiro(k)).ToArray();
        Dimension = dimension;
        buffer = new float[keys.Length * dimension];
        int half = (dimension + 1) / 2;
        u1 = new float[half];
        u2 = new float[half];
        sin = new float[half];
        cos = new float[half];
    }

    /// <summary>Streams for samples with ids firstId, …, firstId + batch − 1 of a run seeded with <paramref name="seed"/>.</summary>
    public static NoiseSource ForSamples(long seed, long firstId, int batch, int dimension)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Batch must be ≥ 1.");
        var keys = new ulong[batch];
        for (int b = 0; b < batch; b++) keys[b] = Xoshiro.Mix((ulong)seed, (ulong)(firstId + b));
        return new NoiseSource(keys, dimension);
    }

    /// <summary>Number of rows B.</summary>
    public int Batch => streams.Length;

    /// <summary>Dimension d of one row.</summary>
    public int Dimension { get; }

    /// <summary>
    /// K clones per row, each with a fresh independent stream derived from the row's key and the clone
    /// number (rows of the result are ordered parent-major: row b·K + c is clone c of parent b).
    /// </summary>
    public NoiseSource Branch(int clones)
    {
        if (clones < 1) throw new ArgumentOutOfRangeException(nameof(clones), clones, "Clones must be ≥ 1.");
        var newKeys = new ulong[keys.Length * clones];
        for (int b = 0; b < keys.Length; b++)
            for (int c = 0; c < clones; c++)
                newKeys[b * clones + c] = Xoshiro.Mix(keys[b] ^ 0xC10E5EEDUL, (ulong)c);
        return new NoiseSource(newKeys, Dimension);
    }

    /// <summary>A uniform integer in [0, n) per row from each row's stream (e.g. which training point to noise).</summary>
    public long[] NextIndices(int n)
    {
        var result = new long[streams.Length];
        for (int b = 0; b < streams.Length; b++) result[b] = streams[b].NextInt(n);
        return result;
    }

    /// <summary>Overwrites <paramref name="destination"/> ([B, d], float32 or float64, CPU) with N(0, I) draws.</summary>
    public void Fill(Tensor destination)
    {
        if (destination.dim() != 2 || destination.shape[0] != Batch || destination.shape[1] != Dimension)
            throw new ArgumentException($"Noise destination must be [{Batch}, {Dimension}], got [{string.Join(", ", destination.shape)}].");
        for (int b = 0; b < streams.Length; b++) FillRow(streams[b], buffer.AsSpan(b * Dimension, Dimension));
        if (destination.dtype == ScalarType.Float32 && destination.is_contiguous())
            destination.data<float>().CopyFrom(buffer);
        else
        {
            using var tmp = torch.tensor(buffer, [Batch, Dimension]);
            destination.copy_(tmp);
        }
    }

    /// <summary>A new [B, d] tensor of N(0, I) draws.</summary>
    public Tensor Next(ScalarType dtype = ScalarType.Float32)
    {
        var t = torch.empty([Batch, Dimension], dtype: dtype);
        Fill(t);
        return t;
    }

    private void FillRow(Xoshiro rng, Span<float> row)
    {
        int half = u1.Length;
        for (int i = 0; i < half; i++)
        {
            ulong r = rng.NextUInt64();
            // two 24-bit uniforms per 64-bit draw; u1 in (0, 1] so ln u1 is finite.
            u1[i] = ((r >> 40) + 1) * (1.0f / 16777216.0f);
            u2[i] = ((r >> 16) & 0xFFFFFF) * (2.0f / 16777216.0f); // 2·u2 in [0, 2) for SinCosPi
        }
        // r = √(−2 ln u1); z1 = r cos(2π u2), z2 = r sin(2π u2)
        TensorPrimitives.Log(u1, u1);
        TensorPrimitives.Multiply(u1, -2.0f, u1);
        TensorPrimitives.Sqrt(u1, u1);
        TensorPrimitives.SinCosPi(u2, sin, cos);
        int d = row.Length;
        int pairs = d / 2;
        TensorPrimitives.Multiply(u1.AsSpan(0, pairs), cos.AsSpan(0, pairs), row[..pairs]);
        TensorPrimitives.Multiply(u1.AsSpan(0, d - pairs), sin.AsSpan(0, d - pairs), row[pairs..]);
    }
}
