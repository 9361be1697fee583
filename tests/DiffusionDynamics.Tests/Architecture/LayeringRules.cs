using System.Reflection;
using NetArchTest.Rules;

namespace DiffusionDynamics.Tests.Architecture;

/// <summary>One forbidden reference found: types of part <see cref="Part"/> that depend on part <see cref="Dependency"/>.</summary>
public sealed record LayerViolation(string Part, string Dependency, IReadOnlyList<string> Types)
{
    /// <summary>"Part → Dependency", the key of the allow-list.</summary>
    public string Edge => $"{Part} → {Dependency}";

    public override string ToString() => $"{Edge}: {string.Join(", ", Types)}";
}

/// <summary>
/// The layering checker: for each part (a namespace root + "." + part, sub-namespaces included), every type must depend on no
/// other part outside its allowed list. Dependencies are read from the IL by NetArchTest.Rules (Mono.Cecil): signatures,
/// fields, locals, calls and generic arguments in method bodies, and the compiler-generated types of lambdas.
/// </summary>
public static class LayeringRules
{
    /// <summary>The violations of <paramref name="allowed"/> (part → the parts it may use) in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<LayerViolation> Check(Assembly assembly, string root, IReadOnlyDictionary<string, string[]> allowed)
    {
        var types = Types.InAssembly(assembly);
        var violations = new List<LayerViolation>();
        foreach (var (part, uses) in allowed)
            foreach (var other in allowed.Keys.Where(p => p != part && !uses.Contains(p)))
            {
                var result = types.That().ResideInNamespace($"{root}.{part}")
                    .ShouldNot().HaveDependencyOn($"{root}.{other}")
                    .GetResult();
                if (!result.IsSuccessful)
                    violations.Add(new LayerViolation(part, other, (result.FailingTypeNames ?? []).Distinct().Order().ToArray()));
            }
        return violations;
    }

    /// <summary>Namespaces of <paramref name="assembly"/> under <paramref name="root"/> that belong to no part of the table.</summary>
    public static IReadOnlyList<string> Unassigned(Assembly assembly, string root, IEnumerable<string> parts)
    {
        var prefixes = parts.Select(p => $"{root}.{p}").ToArray();
        return assembly.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(ns => ns.StartsWith(root, StringComparison.Ordinal))
            .Where(ns => !prefixes.Any(p => ns == p || ns.StartsWith(p + ".", StringComparison.Ordinal)))
            .Distinct().Order().ToArray();
    }
}
