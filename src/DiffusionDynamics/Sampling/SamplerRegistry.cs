namespace DiffusionDynamics.Sampling;

/// <summary>
/// The one place that maps a sampler's <see cref="SamplerKind"/> ↔ CLI token ↔ display name ↔ step function, with its
/// NFE per step, order and stochasticity. Commands accept <see cref="Tokens"/>, reports print <see cref="SamplerMethod.DisplayName"/>,
/// options records and JSON hold the <see cref="SamplerKind"/>.
/// </summary>
public static class SamplerRegistry
{
    private static readonly SamplerMethod[] methods =
    [
        new(SamplerKind.EulerMaruyama, "sde", "SDE Euler–Maruyama", 1, 1, Stochastic: true, TakesEta: false, SamplerSteps.EulerMaruyama,
            StepInPlace: SamplerSteps.EulerMaruyamaInPlace),
        new(SamplerKind.OdeEuler, "ode-euler", "ODE Euler", 1, 1, Stochastic: false, TakesEta: false, SamplerSteps.OdeEuler),
        new(SamplerKind.OdeHeun, "ode-heun", "ODE Heun", 2, 2, Stochastic: false, TakesEta: false, SamplerSteps.OdeHeun),
        new(SamplerKind.Ddim, "ddim", "DDIM", 1, 1, Stochastic: false, TakesEta: true, SamplerSteps.Ddim),
        new(SamplerKind.DdpmAncestral, "ddpm", "DDPM ancestral", 1, 1, Stochastic: true, TakesEta: false, SamplerSteps.DdpmAncestral),
        new(SamplerKind.DpmSolver2M, "dpm2m", "DPM-Solver++(2M)", 1, 2, Stochastic: false, TakesEta: false, SamplerSteps.DpmSolver2M,
            () => new DpmSolverHistory()),
    ];

    /// <summary>Every registered sampler, in <see cref="SamplerKind"/> order.</summary>
    public static IReadOnlyList<SamplerMethod> All => methods;

    /// <summary>The CLI tokens, in registration order (sde, ode-euler, ode-heun, ddim, ddpm, dpm2m).</summary>
    public static IReadOnlyList<string> Tokens { get; } = methods.Select(m => m.Token).ToArray();

    /// <summary>The registered method of <paramref name="kind"/>; <see cref="ArgumentOutOfRangeException"/> (parameter <c>kind</c>) for an unknown kind.</summary>
    public static SamplerMethod Get(SamplerKind kind) =>
        methods.FirstOrDefault(m => m.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sampler.");

    /// <summary>The method with CLI token <paramref name="token"/> (case-insensitive); <see cref="ArgumentException"/> listing the valid tokens otherwise.</summary>
    public static SamplerMethod FromToken(string token) =>
        methods.FirstOrDefault(m => string.Equals(m.Token, token?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown sampler '{token}' (choose from {string.Join(", ", Tokens)}).", nameof(token));

    /// <summary>The kind of CLI token <paramref name="token"/> (see <see cref="FromToken"/>).</summary>
    public static SamplerKind KindOf(string token) => FromToken(token).Kind;

    /// <summary>The CLI token of <paramref name="kind"/>.</summary>
    public static string TokenOf(SamplerKind kind) => Get(kind).Token;

    /// <summary>The report name of <paramref name="kind"/> (its enum name for an unregistered value).</summary>
    public static string DisplayName(SamplerKind kind) => methods.FirstOrDefault(m => m.Kind == kind)?.DisplayName ?? kind.ToString();
}
