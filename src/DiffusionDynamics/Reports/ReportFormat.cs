using System.Globalization;

namespace DiffusionDynamics.Reports;

/// <summary>How numbers appear in summary rows and reports (invariant culture).</summary>
public static class ReportFormat
{
    /// <summary>A number in the invariant culture, "—" when missing or not finite.</summary>
    public static string Number(double? value, string format = "F3") =>
        value is double v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>The median of the finite values (mean of the middle two for an even count); NaN when none is finite.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) return double.NaN;
        return finite.Length % 2 == 1 ? finite[finite.Length / 2] : 0.5 * (finite[finite.Length / 2 - 1] + finite[finite.Length / 2]);
    }
}
