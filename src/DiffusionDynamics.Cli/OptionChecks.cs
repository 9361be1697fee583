using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace DiffusionDynamics.Cli;

/// <summary>
/// One parser for every numeric option of every command, installed on the whole command tree by
/// <see cref="CliApp.BuildRoot"/>, so a new command cannot regress:
/// integers (<c>int</c>, <c>long</c>, nullable or not) parse with the invariant culture and refuse fractions and
/// values out of range; real numbers refuse NaN and ±∞. A value that does not parse is one parse error naming the
/// option and the expected form, e.g. "--steps expects an integer ≥ 1, got 'abc'." — never a .NET type name.
/// Validators of options and commands see only values that parsed (a validator that reads an unparsed value is
/// skipped: its option already has its error).
/// </summary>
public static class OptionChecks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly ConditionalWeakTable<Option, string> Forms = new();
    private static readonly ConditionalWeakTable<object, object> Guarded = new();

    /// <summary>Records the expected form of an option's value for its parse error, e.g. "an integer ≥ 1".</summary>
    public static void Describe(Option option, string form) => Forms.AddOrUpdate(option, form);

    /// <summary>The expected form of an option's value: the recorded one, else one from its value type.</summary>
    public static string FormOf(Option option) =>
        Forms.TryGetValue(option, out var form) ? form : IsInteger(option.ValueType) ? "an integer" : "a finite number";

    /// <summary>True for the value types this class parses (int, long, double, float; nullable or not).</summary>
    public static bool IsNumeric(Type type) => IsInteger(type) || IsReal(type);

    private static bool IsInteger(Type t) => (Nullable.GetUnderlyingType(t) ?? t) is var u && (u == typeof(int) || u == typeof(long));

    private static bool IsReal(Type t) => (Nullable.GetUnderlyingType(t) ?? t) is var u && (u == typeof(double) || u == typeof(float));

    /// <summary>Installs the numeric parsers and guards the validators of <paramref name="command"/> and all its subcommands.</summary>
    public static void Apply(Command command)
    {
        if (!Guarded.TryGetValue(command, out _))
        {
            Guarded.Add(command, command);
            Guard(command.Validators);
        }
        foreach (var option in command.Options)
        {
            if (Guarded.TryGetValue(option, out _)) continue;
            Guarded.Add(option, option);
            Guard(option.Validators);
            switch (option)
            {
                case Option<int> o: o.CustomParser = r => ParseInteger(o, r, int.MinValue, int.MaxValue) is { } v ? (int)v : default; break;
                case Option<int?> o: o.CustomParser = r => ParseInteger(o, r, int.MinValue, int.MaxValue) is { } v ? (int)v : null; break;
                case Option<long> o: o.CustomParser = r => ParseInteger(o, r, long.MinValue, long.MaxValue) ?? default; break;
                case Option<long?> o: o.CustomParser = r => ParseInteger(o, r, long.MinValue, long.MaxValue); break;
                case Option<double> o: o.CustomParser = r => ParseReal(o, r) ?? default; break;
                case Option<double?> o: o.CustomParser = r => ParseReal(o, r); break;
                case Option<float> o: o.CustomParser = r => (float)(ParseReal(o, r, float.MaxValue) ?? default); break;
                case Option<float?> o: o.CustomParser = r => ParseReal(o, r, float.MaxValue) is { } v ? (float)v : null; break;
            }
        }
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    /// <summary>The parse error of a value that is not of the expected form.</summary>
    public static string Message(Option option, string token) => $"{option.Name} expects {FormOf(option)}, got '{token}'.";

    private static long? ParseInteger(Option option, ArgumentResult r, long min, long max)
    {
        string? token = Token(option, r);
        if (token is null) return null;
        if (long.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, Inv, out long v)
            && v >= min && v <= max)
            return v;
        string message = Message(option, token);
        if (System.Numerics.BigInteger.TryParse(token.Trim(), NumberStyles.AllowLeadingSign, Inv, out var big))
            message = message.TrimEnd('.') + (big > max ? $" (larger than {max.ToString(Inv)})." : $" (smaller than {min.ToString(Inv)}).");
        r.AddError(message);
        return null;
    }

    private static double? ParseReal(Option option, ArgumentResult r, double limit = double.MaxValue)
    {
        string? token = Token(option, r);
        if (token is null) return null;
        if (double.TryParse(token, NumberStyles.Float, Inv, out double v) && double.IsFinite(v) && Math.Abs(v) <= limit) return v;
        r.AddError(Message(option, token));
        return null;
    }

    private static string? Token(Option option, ArgumentResult r)
    {
        if (r.Tokens.Count == 1) return r.Tokens[0].Value;
        r.AddError(r.Tokens.Count == 0 ? $"{option.Name} expects a value: {FormOf(option)}." : $"{option.Name} takes one value, got {r.Tokens.Count}.");
        return null;
    }

    // A validator that reads a value which failed to parse gets InvalidOperationException from System.CommandLine;
    // the value's own parse error already says what is wrong, so the validator has nothing to add.
    private static void Guard<T>(IList<Action<T>> validators)
    {
        for (int i = 0; i < validators.Count; i++)
        {
            var inner = validators[i];
            validators[i] = r =>
            {
                try { inner(r); }
                catch (InvalidOperationException) { }
            };
        }
    }
}
