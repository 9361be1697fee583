using System.Text.RegularExpressions;
using DiffusionDynamics.Scores;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace DiffusionDynamics.Tests.Architecture;

/// <summary>
/// The library names parameters, never CLI flags: a message such as "choose another --out" belongs to the CLI, which maps the
/// library's <see cref="ArgumentException.ParamName"/> to its option. Checked on every string literal in the library's IL.
/// </summary>
public partial class LibraryMessagesTests
{
    /// <summary>
    /// Types whose messages still name flags, in files rewritten elsewhere in issue 11 (Reports and Analysis experiments).
    /// Must be empty at the end of the merge.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownFlagMessages = new HashSet<string>();

    [GeneratedRegex(@"(^|[\s(""'])--[a-z][a-z-]*")]
    private static partial Regex Flag();

    /// <summary>(declaring top-level type, literal) for every ldstr in <paramref name="path"/> that names a flag.</summary>
    internal static IReadOnlyList<(string Type, string Literal)> FlagLiterals(string path)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var found = new List<(string, string)>();
        foreach (var type in module.GetTypes())
        {
            var top = type;
            while (top.DeclaringType is not null) top = top.DeclaringType;
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var instruction in method.Body.Instructions)
                    if (instruction.OpCode == OpCodes.Ldstr && instruction.Operand is string s && Flag().IsMatch(s))
                        found.Add((top.FullName.Split('`')[0], s));
        }
        return found;
    }

    [Fact]
    public void LibraryMessages_NameNoCliFlag()
    {
        var offending = FlagLiterals(typeof(IDenoiser).Assembly.Location).Where(f => !KnownFlagMessages.Contains(f.Type)).ToArray();
        Assert.True(offending.Length == 0, "Messages naming CLI flags:\n" + string.Join("\n", offending.Select(f => $"{f.Type}: {f.Literal}")));
    }

    [Fact]
    public void KnownFlagMessages_AreStillPresent()
    {
        var types = FlagLiterals(typeof(IDenoiser).Assembly.Location).Select(f => f.Type).ToHashSet();
        var fixedOnes = KnownFlagMessages.Where(k => !types.Contains(k)).ToArray();
        Assert.True(fixedOnes.Length == 0, "Fixed: remove from KnownFlagMessages: " + string.Join(", ", fixedOnes));
    }

    [Fact]
    public void Checker_FindsAFlagInALiteral()
    {
        var found = FlagLiterals(typeof(LibraryMessagesTests).Assembly.Location);
        Assert.Contains(found, f => f.Type == typeof(LibraryMessagesTests).FullName && f.Literal.Contains("--out")); // nested types count for their top-level type
        Assert.DoesNotContain(found, f => f.Literal.Contains("a--b"));
    }

    private static class FlagFixture
    {
        public static string Message(string dir) => $"{dir} exists; choose another --out.";
        public static string NotAFlag() => "a--b";
    }
}
