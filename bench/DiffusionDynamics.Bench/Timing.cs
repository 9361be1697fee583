using System.Diagnostics;

namespace DiffusionDynamics.Bench;

/// <summary>Median and best wall time of repeated runs, after warm-ups.</summary>
internal readonly record struct Timing(double MedianSeconds, double BestSeconds, int Repeats)
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmups"/> times untimed, then
    /// <paramref name="repeats"/> times timed with a <see cref="Stopwatch"/>.</summary>
    public static Timing Measure(Action action, int warmups, int repeats)
    {
        for (int i = 0; i < warmups; i++) action();
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);
        double median = repeats % 2 == 1 ? seconds[repeats / 2] : 0.5 * (seconds[repeats / 2 - 1] + seconds[repeats / 2]);
        return new Timing(median, seconds[0], repeats);
    }

    /// <summary>GFLOP/s at the median time for <paramref name="flops"/> per run.</summary>
    public double GigaFlops(double flops) => flops / MedianSeconds / 1e9;
}
