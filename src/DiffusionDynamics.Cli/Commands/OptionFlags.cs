using System.CommandLine;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// The one place where the library's option names become CLI flags: a library error naming options
/// (<see cref="OptionMessage"/>, e.g. <c>{Out}</c> or <c>{HeldOut}</c>) is rethrown with the flags, keeping its kind
/// (argument or I/O error), so <see cref="CliApp"/> prints one <c>error:</c> line naming the flag.
/// </summary>
public static class OptionFlags
{
    /// <summary>Library option name (option-record property or method parameter) → flag.</summary>
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Out"] = "--out",
        ["Resume"] = "--resume",
        ["Data"] = "--data",
        ["sizes"] = "--sizes",
        ["Approximations"] = "--approx",
        ["HeldOut"] = "--held-out",
        ["Points"] = "--point-count",
        ["Score"] = "--score",
        ["referenceSpec"] = "--reference",
        ["modelDirs"] = "--model",
        ["Precision"] = "--precision",
        ["LearningRate"] = "--lr",
        ["Labels"] = "--labels",
        ["ClassModels"] = "--class-models",
        ["Reference"] = "--reference",
        ["Features"] = "--features",
        ["Sizes"] = "--sizes",
        ["Train"] = "--train",
        ["Prediction"] = "--prediction",
        ["Mapping"] = "--timestep-mapping",
        ["ItemShape"] = "--item-shape",
        ["ExtraInputs"] = "--extra-input",
        ["SampleInput"] = "--sample-input",
        ["TimestepInput"] = "--timestep-input",
        ["Output"] = "--model-output",
        ["Schedule"] = "--schedule",
        ["SchedulePath"] = "--schedule",
        ["ClassLabel"] = "--class-label",
        ["ModelPath"] = "--model",
        ["Shard"] = "--shard",
        ["ShardCount"] = "--shard-count",
        ["Family"] = "--family",
        ["PhaseDimensions"] = "--d",
        ["PhaseSizes"] = "--n",
    };

    /// <summary>The flag of a library option name (the name itself when the CLI has no flag for it).</summary>
    public static string Flag(string option) => Flags.TryGetValue(option, out var flag) ? flag : option;

    /// <summary><paramref name="e"/> with its option names rendered as flags, or <paramref name="e"/> itself when it names none.</summary>
    public static Exception Map(Exception e) =>
        !OptionMessage.TryRender(e, Flag, out var message) ? e
        : e is IOException ? new IOException(message, e)
        : new ArgumentException(message, e);

    /// <summary>Runs <paramref name="run"/>, rethrowing library errors with the CLI's flags.</summary>
    public static T Translate<T>(Func<T> run)
    {
        try { return run(); }
        catch (Exception e) when (OptionMessage.TryRender(e, Flag, out _)) { throw Map(e); }
    }

    /// <summary>Sets <paramref name="action"/> as the command's action, its errors naming flags (<see cref="Translate{T}"/>).</summary>
    public static void SetAction(Command command, Func<ParseResult, int> action) => command.SetAction(p => Translate(() => action(p)));
}
