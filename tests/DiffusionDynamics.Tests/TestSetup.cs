using System.Runtime.CompilerServices;

namespace DiffusionDynamics.Tests;

internal static class TestSetup
{
#pragma warning disable CA2255 // libtorch must see the native environment before any test touches torch
    [ModuleInitializer]
    internal static void Init() => DiffusionDynamics.Backend.TorchRuntime.EnsureInitialized();
#pragma warning restore CA2255
}

/// <summary>Trait names used to filter slow statistical tests locally (never in CI).</summary>
public static class Category
{
    public const string Name = "Category";
    public const string Slow = "Slow";
}
