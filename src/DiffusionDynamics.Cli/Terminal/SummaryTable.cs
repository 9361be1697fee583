using Spectre.Console;

namespace DiffusionDynamics.Cli.Terminal;

/// <summary>Prints a two-column summary (quantity, value) as a Spectre table, or aligned text when redirected.</summary>
public static class SummaryTable
{
    /// <summary>A number for a summary row in the invariant culture, "—" when missing or not finite.</summary>
    public static string Number(double? value, string? format = null) => Reports.ReportFormat.Number(value, format);

    public static void Print(TextWriter output, string title, IReadOnlyList<(string Quantity, string Value)> rows)
    {
        if (!Console.IsOutputRedirected && ReferenceEquals(output, Console.Out))
        {
            var table = new Table().Title(title).AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
            foreach (var (q, v) in rows) table.AddRow(Markup.Escape(q), Markup.Escape(v));
            AnsiConsole.Write(table);
            return;
        }
        int width = rows.Max(r => r.Quantity.Length);
        output.WriteLine(title);
        foreach (var (q, v) in rows) output.WriteLine($"  {q.PadRight(width)}  {v}");
    }
}
