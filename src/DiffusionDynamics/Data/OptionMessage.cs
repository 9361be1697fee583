namespace DiffusionDynamics.Data;

/// <summary>
/// Library errors that name options — option-record properties or method parameters — without naming a CLI flag. The message
/// is a template with <c>{Name}</c> for each option: <see cref="Exception.Message"/> shows the names themselves (and
/// <see cref="ArgumentException.ParamName"/> is the offending one), while a front end renders the same template with its own
/// spelling (the CLI: its flags). The exceptions stay plain <see cref="ArgumentException"/> and <see cref="IOException"/>.
/// </summary>
public static class OptionMessage
{
    private const string TemplateKey = "DiffusionDynamics.OptionTemplate", OptionsKey = "DiffusionDynamics.Options";

    /// <summary>An <see cref="ArgumentException"/> whose ParamName is <paramref name="options"/>[0] (e.g. <c>nameof(Options.HeldOut)</c>).</summary>
    /// <param name="template">The message, naming options as <c>{Name}</c>.</param>
    /// <param name="options">The names in the template, the offending one first.</param>
    public static ArgumentException Argument(string template, params string[] options) =>
        Tag(new ArgumentException(Render(template, options, n => n), options.FirstOrDefault()), template, options);

    /// <summary>An <see cref="IOException"/> (e.g. an output folder that cannot be used) naming <paramref name="options"/>.</summary>
    public static IOException IO(string template, Exception? inner, params string[] options) =>
        Tag(new IOException(Render(template, options, n => n), inner), template, options);

    /// <summary>The template with each <c>{Name}</c> of <paramref name="options"/> replaced by <paramref name="name"/>(Name).</summary>
    public static string Render(string template, IEnumerable<string> options, Func<string, string> name)
    {
        foreach (var o in options) template = template.Replace("{" + o + "}", name(o), StringComparison.Ordinal);
        return template;
    }

    /// <summary>The message of <paramref name="e"/> with its options named by <paramref name="name"/>; false when <paramref name="e"/> names none.</summary>
    public static bool TryRender(Exception e, Func<string, string> name, out string message)
    {
        message = "";
        if (e.Data[TemplateKey] is not string template || e.Data[OptionsKey] is not string[] options) return false;
        message = Render(template, options, name);
        return true;
    }

    private static T Tag<T>(T e, string template, string[] options) where T : Exception
    {
        e.Data[TemplateKey] = template;
        e.Data[OptionsKey] = options;
        return e;
    }
}
