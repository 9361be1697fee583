using System.Globalization;

namespace DiffusionDynamics.Reports;

/// <summary>How numbers appear in summary rows, reports and figure labels (invariant culture), by significance.</summary>
public static class ReportFormat
{
    /// <summary>Significant digits every formatted number keeps at least (three decimals already give more for |v| ≥ 0.01).</summary>
    public const int SignificantDigits = 2;

    /// <summary>
    /// A number in the invariant culture, "—" when missing or not finite. Without <paramref name="format"/>: at least three decimals
    /// and at least <see cref="SignificantDigits"/> significant digits (1.283, 0.933, 0.0012, 103.840, 12346); scientific notation below
    /// 10⁻⁴ and from 10⁶ (1.23e-05). With a fixed-point format "F<i>k</i>" the same floor of significant digits applies, so a small value
    /// never prints as "0.001" or "0.000"; other formats are used as given.
    /// </summary>
    public static string Number(double? value, string? format = null)
    {
        if (value is not double v || !double.IsFinite(v)) return "—";
        if (format is null) return Significant(v);
        if (format.Length >= 2 && format[0] is 'F' or 'f' && int.TryParse(format.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int decimals))
            return Significant(v, decimals);
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="v"/> with at least <paramref name="minDecimals"/> decimals below 1000 and at least <see cref="SignificantDigits"/>
    /// significant digits; scientific (three significant digits) for 0 &lt; |v| &lt; 10⁻⁴ and |v| ≥ 10⁶. Range: finite v.
    /// </summary>
    public static string Significant(double v, int minDecimals = 3)
    {
        if (v == 0) return 0.0.ToString("F" + minDecimals, CultureInfo.InvariantCulture);
        double a = Math.Abs(v);
        if (a < 1e-4 || a >= 1e6) return v.ToString("0.00e+00", CultureInfo.InvariantCulture);
        int exponent = (int)Math.Floor(Math.Log10(a));
        int forSignificance = Math.Max(0, SignificantDigits - 1 - exponent);
        int decimals = a >= 1000 ? forSignificance : Math.Max(minDecimals, forSignificance);
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>A value with its uncertainty, "v ± e", the value to the uncertainty's two significant digits (at least <paramref name="minDecimals"/> decimals).</summary>
    public static string WithError(double value, double error, int minDecimals = 3)
    {
        if (!double.IsFinite(value)) return "—";
        if (!(error > 0) || !double.IsFinite(error)) return Number(value, "F" + minDecimals);
        int decimals = Math.Max(minDecimals, Math.Max(0, 1 - (int)Math.Floor(Math.Log10(error))));
        if (decimals > 8) return $"{Significant(value, minDecimals)} ± {Significant(error, minDecimals)}";
        return $"{value.ToString("F" + decimals, CultureInfo.InvariantCulture)} ± {error.ToString("F" + decimals, CultureInfo.InvariantCulture)}";
    }

    /// <summary>A share in [0, 1] as a percentage with one decimal ("12.5 %"), or a bound when it is zero/one from a finite count ("0 of 256 (&lt; 0.39 %)").</summary>
    public static string Share(double fraction, int count)
    {
        if (!double.IsFinite(fraction)) return "—";
        if (count > 0 && fraction == 0) return $"0 of {count} (< {(100.0 / count).ToString("G2", CultureInfo.InvariantCulture)} %)";
        return (100 * fraction).ToString("F1", CultureInfo.InvariantCulture) + " %";
    }

    /// <summary>The median of the finite values (mean of the middle two for an even count); NaN when none is finite.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) return double.NaN;
        return finite.Length % 2 == 1 ? finite[finite.Length / 2] : 0.5 * (finite[finite.Length / 2 - 1] + finite[finite.Length / 2]);
    }
}
