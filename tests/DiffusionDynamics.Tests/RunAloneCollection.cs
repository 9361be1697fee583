namespace DiffusionDynamics.Tests;

/// <summary>
/// Tests that must not overlap others: they switch torch's global thread count, or allocate heavily (hundreds of
/// command trees, thousands of mutated files), which made the GC finalize TorchSharp scalars under the torch tests
/// running beside them. xunit runs such a collection on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAloneCollection
{
    public const string Name = "run alone";
}
