namespace DiffusionDynamics.Sampling;

/// <summary>Integrators of the backward dynamics in the OU clock (science.md §3).</summary>
public enum SamplerKind
{
    /// <summary>Euler–Maruyama on the backward SDE: x ← x + h(x + 2∇ln P_t(x)) + √(2h) η.</summary>
    EulerMaruyama,
    /// <summary>Euler on the probability-flow ODE: x ← x + h(x + ∇ln P_t(x)).</summary>
    OdeEuler,
    /// <summary>Heun (explicit trapezoid, 2 evaluations per step) on the probability-flow ODE.</summary>
    OdeHeun,
}
