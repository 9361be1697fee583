namespace DiffusionDynamics.Theory;

/// <summary>Root of an increasing function by bisection on a bracket (robust; ~60 evaluations to full precision).</summary>
internal static class MonotoneRoot
{
    /// <summary>
    /// x with f(x) = 0 for f increasing, f(lo) ≤ 0 ≤ f(hi); stops when the bracket is a few ulps wide.
    /// Throws if the bracket does not hold (a bug in the caller's bound, not a user error).
    /// </summary>
    public static double Bisect(Func<double, double> f, double lo, double hi)
    {
        double fLo = f(lo), fHi = f(hi);
        if (fLo > 0 || fHi < 0)
            throw new InvalidOperationException($"Root not bracketed: f({lo}) = {fLo}, f({hi}) = {fHi}.");
        if (fLo == 0) return lo;
        if (fHi == 0) return hi;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            double fm = f(mid);
            if (fm == 0) return mid;
            if (fm < 0) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
