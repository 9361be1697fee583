using DiffusionDynamics.Random;
using Tensor = TorchSharp.torch.Tensor;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Random;

/// <summary>
/// Gaussian noise for a batch in which every row (sample) owns its own random stream, so a sample's
/// trajectory depends only on (run seed, sample id) and never on the batch it runs in or the thread count.
/// Rows draw d standard normals per call (Marsaglia's polar method) from their xoshiro256** stream.
/// </summary>
public sealed class NoiseSource
{
    private readonly Xoshiro[] streams;
    private readonly ulong[] keys;
    private readonly float[] buffer;   // [B, d] row-major scratch, reused
    private readonly int workers;       // rows are split into this many contiguous parts

    private NoiseSource(ulong[] keys, int dimension)
    {
        if (keys.Length < 1) throw new ArgumentException("A noise source needs at least one sample.", nameof(keys));
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Dimension must be ≥ 1.");
        this.keys = keys;
        streams = keys.Select(k => new Xoshiro(k)).ToArray();
        Dimension = dimension;
        buffer = new float[keys.Length * dimension];
        // Rows are independent streams, so filling them on several threads changes no value.
        workers = (long)keys.Length * dimension >= 1 << 15 ? Math.Min(Environment.ProcessorCount, keys.Length) : 1;
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
    /// <paramref name="salt"/> separates branchings of the same rows (e.g. one per branch time).
    /// </summary>
    public NoiseSource Branch(int clones, long salt = 0)
    {
        if (clones < 1) throw new ArgumentOutOfRangeException(nameof(clones), clones, "Clones must be ≥ 1.");
        var newKeys = new ulong[keys.Length * clones];
        for (int b = 0; b < keys.Length; b++)
            for (int c = 0; c < clones; c++)
                newKeys[b * clones + c] = Xoshiro.Mix(Xoshiro.Mix(keys[b] ^ 0xC10E5EEDUL, (ulong)salt), (ulong)c);
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
        if (workers == 1)
            for (int b = 0; b < streams.Length; b++) FillRow(streams[b], buffer.AsSpan(b * Dimension, Dimension));
        else
            Parallel.For(0, workers, part =>
            {
                int from = (int)((long)streams.Length * part / workers), to = (int)((long)streams.Length * (part + 1) / workers);
                for (int b = from; b < to; b++) FillRow(streams[b], buffer.AsSpan(b * Dimension, Dimension));
            });
        if (destination.dtype == ScalarType.Float32 && destination.is_contiguous() && destination.device_type == DeviceType.CPU)
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan()).CopyTo(destination.bytes); // a span over the tensor's memory
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

    /// <summary>
    /// Marsaglia's polar method: (u, v) uniform in the unit disc (acceptance π/4), then u·√(−2 ln s / s) and
    /// v·√(−2 ln s / s) with s = u² + v² are independent N(0, 1). Float arithmetic on 24-bit uniforms; one
    /// scalar log per pair is cheaper here than vectorized log + sin + cos (measured: ≈ 3× faster).
    /// </summary>
    private static void FillRow(Xoshiro rng, Span<float> row)
    {
        const float scale = 2.0f / 16777216.0f;
        int i = 0;
        while (i < row.Length)
        {
            ulong r = rng.NextUInt64();
            float u = (r >> 40) * scale - 1.0f;               // [−1, 1)
            float v = ((r >> 16) & 0xFFFFFF) * scale - 1.0f;
            float s = u * u + v * v;
            if (s >= 1.0f || s == 0.0f) continue;
            float f = MathF.Sqrt(-2.0f * MathF.Log(s) / s);
            row[i++] = u * f;
            if (i < row.Length) row[i++] = v * f;
        }
    }
}
