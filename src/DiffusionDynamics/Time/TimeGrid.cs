namespace DiffusionDynamics.Time;

/// <summary>TEMPORARY minimal grid (replaced by the Time/ helper's version on merge).</summary>
public sealed class TimeGrid
{
    private readonly double[] times;
    private TimeGrid(double[] times) { this.times = times; }
    public IReadOnlyList<double> Times => times;
    public int Steps => times.Length - 1;
    public static TimeGrid Uniform(double T, double tMin, int steps)
    {
        var t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) t[i] = T + (tMin - T) * i / steps;
        return new TimeGrid(t);
    }
}
