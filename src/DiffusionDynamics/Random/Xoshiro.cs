using System.Runtime.CompilerServices;

namespace DiffusionDynamics.Random;

/// <summary>
/// xoshiro256** pseudo-random generator (Blackman &amp; Vigna 2018) seeded through SplitMix64, with
/// standard-normal draws by the Box–Muller transform. Deterministic across platforms and .NET versions,
/// cheap to create, so every sample can own one stream: see <see cref="ForStream"/>.
/// </summary>
public sealed class Xoshiro
{
    private ulong s0, s1, s2, s3;
    private double spare;
    private bool hasSpare;

    /// <summary>A generator whose whole stream is fixed by <paramref name="seed"/>.</summary>
    public Xoshiro(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>
    /// The independent stream number <paramref name="index"/> of a run seeded with <paramref name="seed"/>
    /// (e.g. one per generated sample, so a sample never depends on the batch it ran in).
    /// </summary>
    public static Xoshiro ForStream(long seed, long index) => new(Mix((ulong)seed, (ulong)index));

    /// <summary>A 64-bit hash of (seed, index) used to derive stream seeds (SplitMix64 finalizer, applied twice).</summary>
    public static ulong Mix(ulong seed, ulong index)
    {
        ulong x = seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        x = Finalize(x ^ Finalize(index + 0xD1B54A32D192ED03UL));
        return x;
    }

    /// <summary>Next raw 64-bit output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, n). Range: n ≥ 1.</summary>
    public int NextInt(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Upper bound must be ≥ 1.");
        // Lemire's multiply-shift; bias below 2^-32 for n < 2^31 is negligible, removed by rejection.
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 m = (UInt128)r * bound;
            if ((ulong)m >= threshold) return (int)(m >> 64);
        }
    }

    /// <summary>Standard normal N(0, 1) by Box–Muller (pairs cached).</summary>
    public double NextGaussian()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        spare = r * Math.Sin(theta);
        hasSpare = true;
        return r * Math.Cos(theta);
    }

    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws.</summary>
    public void FillGaussian(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)NextGaussian();
    }

    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws.</summary>
    public void FillGaussian(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextGaussian();
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Finalize(x);
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
