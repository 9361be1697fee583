namespace DiffusionDynamics.Analysis;

/// <summary>Which drift the least-action paths are computed for.</summary>
public enum NoetherDrift
{
    /// <summary>f = −x (Ornstein–Uhlenbeck): closed-form path and constant energy.</summary>
    OrnsteinUhlenbeck,

    /// <summary>f = v (drift–diffusion): straight line, conserved momentum; Monte-Carlo check of the conditioned mean path.</summary>
    Constant,

    /// <summary>The reverse OU drift x + 2∇ln P_t of closed-form ring data (2-D): conserved angular momentum.</summary>
    Ring,

    /// <summary>The reverse OU drift x + 2∇ln P_t of a denoiser (exact empirical score, trained network): paths to training points.</summary>
    Reverse,
}

/// <summary>
/// Options of <see cref="NoetherExperiment"/> (Vastola, arXiv 2504.09761; docs/theory.md §8.4–8.6). Path time s runs from 0 to T; for
/// the reverse drifts s = t₀ − t in OU time t, from noise at t₀ = <see cref="StartTime"/> to <see cref="EndTime"/>.
/// </summary>
/// <param name="Drift">The drift. Default Ornstein–Uhlenbeck.</param>
/// <param name="From">x₀ (OU and constant drifts: required; ring: default (0.8, 0.4); reverse: default a seeded N(0, I) draw).</param>
/// <param name="To">End points x_T (OU and constant: one or more, required; ring and reverse: derived from <see cref="Angles"/> / <see cref="Targets"/>).</param>
/// <param name="T">Duration T of the OU and constant problems. Default 2. Range: &gt; 0.</param>
/// <param name="D">Diffusion coefficient D (OU, constant). Default 1. Range: &gt; 0.</param>
/// <param name="DiffusionGrowth">κ in D(s) = D (1 + κ s) (OU, constant): a time-dependent D keeps momentum and angular momentum, breaks energy. Default 0. Range: ≥ 0.</param>
/// <param name="Velocity">v of the constant drift (default 0 in every coordinate).</param>
/// <param name="Bounds">Absorbing bounds (lo, hi) of the 1-D drift–diffusion Monte Carlo (constant drift, d = 1); null: no Monte Carlo.</param>
/// <param name="MonteCarloPaths">Simulated SDE paths for the conditioned mean. Default 50000. Range: ≥ 100.</param>
/// <param name="EndWindow">Half-width δ of the end window |x(T) − x_T| &lt; δ that conditions the Monte Carlo. Default 0.05. Range: &gt; 0.</param>
/// <param name="Steps">Path intervals K. Default 100. Range: ≥ 2.</param>
/// <param name="MaxIterations">L-BFGS iteration cap. Default 5000. Range: ≥ 1.</param>
/// <param name="GradientTolerance">L-BFGS stop on |∇S_h|. Default 1e-9. Range: &gt; 0.</param>
/// <param name="StartTime">t₀, OU time of the noise point (ring, reverse). Default 2. Range: &gt; EndTime.</param>
/// <param name="EndTime">OU time of the end points (ring, reverse). Default 0.02. Range: &gt; 0.</param>
/// <param name="Angles">Ring: end points e^{−t_end}R(cos θ_j, sin θ_j), θ_j = 2πj/Angles. Default 8. Range: ≥ 1.</param>
/// <param name="RingRadius">Ring radius R. Default 1. Range: &gt; 0.</param>
/// <param name="RingWidth">Ring width w. Default 0.1. Range: ≥ 0.</param>
/// <param name="Targets">Reverse: paths to the first k training points, scaled to e^{−t_end}a^μ. Default 4. Range: ≥ 1.</param>
/// <param name="Seed">Seed of the Monte Carlo and of the default noise point.</param>
public sealed record NoetherOptions(
    NoetherDrift Drift = NoetherDrift.OrnsteinUhlenbeck,
    double[]? From = null,
    double[][]? To = null,
    double T = 2,
    double D = 1,
    double DiffusionGrowth = 0,
    double[]? Velocity = null,
    double[]? Bounds = null,
    int MonteCarloPaths = 50000,
    double EndWindow = 0.05,
    int Steps = 100,
    int MaxIterations = 5000,
    double GradientTolerance = 1e-9,
    double StartTime = 2,
    double EndTime = 0.02,
    int Angles = 8,
    double RingRadius = 1,
    double RingWidth = 0.1,
    int Targets = 4,
    long Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Drift)) throw new ArgumentException($"Unknown drift {Drift}.", nameof(Drift));
        static bool Finite(double[] v) => v.Length > 0 && v.All(double.IsFinite);
        if (From is not null && !Finite(From)) throw new ArgumentException("From must have at least one coordinate, all finite.", nameof(From));
        if (To is not null)
            foreach (var to in To)
            {
                if (to is null || !Finite(to)) throw new ArgumentException("Every To point must have at least one coordinate, all finite.", nameof(To));
                if (From is not null && to.Length != From.Length) throw new ArgumentException($"To has {to.Length} coordinates, From has {From.Length}.", nameof(To));
                if (From is not null && to.SequenceEqual(From)) throw new ArgumentException("The fixed ends From and To coincide: give two different points.", nameof(To));
            }
        if (Drift is NoetherDrift.OrnsteinUhlenbeck or NoetherDrift.Constant)
        {
            if (From is null) throw new ArgumentException($"The {Drift} drift needs the start point From.", nameof(From));
            if (To is null || To.Length == 0) throw new ArgumentException($"The {Drift} drift needs at least one end point To.", nameof(To));
        }
        if (!(T > 0) || !double.IsFinite(T)) throw new ArgumentException($"T must be finite and > 0 (got {T}).", nameof(T));
        if (!(D > 0) || !double.IsFinite(D)) throw new ArgumentException($"D must be finite and > 0 (got {D}).", nameof(D));
        if (!(DiffusionGrowth >= 0) || !double.IsFinite(DiffusionGrowth)) throw new ArgumentException($"DiffusionGrowth must be finite and ≥ 0 (got {DiffusionGrowth}).", nameof(DiffusionGrowth));
        if (Velocity is not null && (!Finite(Velocity) || (From is not null && Velocity.Length != From.Length)))
            throw new ArgumentException("Velocity must be finite with the dimension of From.", nameof(Velocity));
        if (Bounds is not null)
        {
            if (Bounds.Length != 2 || !Finite(Bounds) || !(Bounds[0] < Bounds[1])) throw new ArgumentException("Bounds must be two finite values lo < hi.", nameof(Bounds));
            if (Drift != NoetherDrift.Constant || From is not { Length: 1 }) throw new ArgumentException("Bounds apply to the 1-D constant drift only.", nameof(Bounds));
            if (!(From[0] > Bounds[0] && From[0] < Bounds[1]) || To!.Any(x => !(x[0] > Bounds[0] && x[0] < Bounds[1])))
                throw new ArgumentException("From and To must lie strictly inside the Bounds.", nameof(Bounds));
        }
        if (MonteCarloPaths < 100) throw new ArgumentException($"MonteCarloPaths must be ≥ 100 (got {MonteCarloPaths}).", nameof(MonteCarloPaths));
        if (!(EndWindow > 0) || !double.IsFinite(EndWindow)) throw new ArgumentException($"EndWindow must be finite and > 0 (got {EndWindow}).", nameof(EndWindow));
        if (Steps < 2) throw new ArgumentException($"Steps must be ≥ 2 (got {Steps}).", nameof(Steps));
        if (MaxIterations < 1) throw new ArgumentException($"MaxIterations must be ≥ 1 (got {MaxIterations}).", nameof(MaxIterations));
        if (!(GradientTolerance > 0)) throw new ArgumentException($"GradientTolerance must be > 0 (got {GradientTolerance}).", nameof(GradientTolerance));
        if (!(EndTime > 0) || !double.IsFinite(EndTime)) throw new ArgumentException($"EndTime must be finite and > 0 (got {EndTime}).", nameof(EndTime));
        if (!(StartTime > EndTime) || !double.IsFinite(StartTime)) throw new ArgumentException($"StartTime must be finite and > EndTime = {EndTime} (got {StartTime}).", nameof(StartTime));
        if (Angles < 1) throw new ArgumentException($"Angles must be ≥ 1 (got {Angles}).", nameof(Angles));
        if (!(RingRadius > 0) || !double.IsFinite(RingRadius)) throw new ArgumentException($"RingRadius must be finite and > 0 (got {RingRadius}).", nameof(RingRadius));
        if (!(RingWidth >= 0) || !double.IsFinite(RingWidth)) throw new ArgumentException($"RingWidth must be finite and ≥ 0 (got {RingWidth}).", nameof(RingWidth));
        if (Targets < 1) throw new ArgumentException($"Targets must be ≥ 1 (got {Targets}).", nameof(Targets));
        if (Drift == NoetherDrift.Ring && From is { Length: not 2 }) throw new ArgumentException($"The ring is 2-D: From needs 2 coordinates (got {From.Length}).", nameof(From));
    }
}
