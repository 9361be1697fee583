using System.Globalization;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Ticks for an axis that holds log10 values, labelled with the value 10^v. Two decades or more: majors at integer powers of ten (every
/// k-th when many), minors at 2…9 × 10^k. Less: majors at the 1-2-5 multiples inside the range when there are three or more, else at the
/// 1…9 multiples, else at four evenly spaced points — so every log axis has at least two labelled ticks.
/// </summary>
public sealed class LogTicks : ITickGenerator
{
    /// <inheritdoc />
    public Tick[] Ticks { get; set; } = [];

    /// <inheritdoc />
    public int MaxTickCount { get; set; } = 10_000;

    /// <inheritdoc />
    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
        Ticks = Generate(range.Min, range.Max, edge.IsHorizontal() ? 8 : 7);

    /// <summary>The ticks for log10 values in [<paramref name="min"/>, <paramref name="max"/>] with at most about <paramref name="maxLabels"/> labels.</summary>
    public static Tick[] Generate(double min, double max, int maxLabels = 8)
    {
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max)) return [];
        var ticks = new List<Tick>();
        int lo = (int)Math.Ceiling(min), hi = (int)Math.Floor(max);
        if (hi - lo >= 1)
        {
            int every = Math.Max(1, (int)Math.Ceiling((hi - lo + 1) / (double)maxLabels));
            for (int k = (int)Math.Floor(min); k <= hi; k++)
            {
                if (k >= lo && (k - lo) % every == 0) ticks.Add(Tick.Major(k, Label(k)));
                else if (k >= lo) ticks.Add(Tick.Minor(k));
                for (int m = 2; m <= 9; m++)
                {
                    double p = k + Math.Log10(m);
                    if (p >= min && p <= max) ticks.Add(Tick.Minor(p));
                }
            }
            return ticks.ToArray();
        }
        // 1-2-5 multiples when they give three labels or more, else every integer multiple (up to 2 × maxLabels), else 1-2-5 with two.
        var coarse = Multiples(min, max, [1, 2, 5]);
        var fine = Multiples(min, max, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var chosen = coarse.Count >= 3 ? coarse : fine.Count >= 2 && fine.Count <= 2 * maxLabels ? fine : coarse.Count >= 2 ? coarse : null;
        if (chosen is not null)
            return chosen.Select(p => Tick.Major(p, Label(p))).Concat(fine.Except(chosen).Select(Tick.Minor)).ToArray();
        return Enumerable.Range(0, 4).Select(i => min + (max - min) * (i + 0.5) / 4).Select(p => Tick.Major(p, Label(p))).ToArray();
    }

    private static List<double> Multiples(double min, double max, int[] mantissas)
    {
        var list = new List<double>();
        for (int k = (int)Math.Floor(min) - 1; k <= (int)Math.Ceiling(max); k++)
            foreach (int m in mantissas)
            {
                double p = k + Math.Log10(m);
                if (p >= min && p <= max) list.Add(p);
            }
        return list;
    }

    /// <summary>The label of log10 value <paramref name="p"/>: 10^p to three significant digits.</summary>
    public static string Label(double p) => Math.Pow(10, p).ToString("G3", CultureInfo.InvariantCulture);
}
