namespace DiffusionDynamics.Neural;

/// <summary>Distribution of the OU time t of a training example on [TMin, TMax].</summary>
public enum TimeSampling
{
    /// <summary>ln t uniform on [ln TMin, ln TMax]: every decade of t gets the same share of examples (default).</summary>
    LogUniform,

    /// <summary>t uniform on [TMin, TMax].</summary>
    Uniform,
}
