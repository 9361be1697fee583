using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

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
        output.Write(Plain(title, rows));
    }

    /// <summary>The table as aligned text: the title, then "  quantity  value" rows with the quantities padded to one display width.</summary>
    public static string Plain(string title, IReadOnlyList<(string Quantity, string Value)> rows)
    {
        int width = rows.Count == 0 ? 0 : rows.Max(r => DisplayWidth(r.Quantity));
        var text = new StringBuilder().AppendLine(title);
        foreach (var (q, v) in rows) text.Append("  ").Append(q).Append(' ', width - DisplayWidth(q) + 2).AppendLine(v);
        return text.ToString();
    }

    /// <summary>
    /// Terminal columns <paramref name="text"/> occupies: each grapheme cluster (a letter with its combining marks,
    /// φ̃ or t̂) counts as its first character, whose width Spectre.Console's cell measure gives (2 for east-asian wide).
    /// </summary>
    public static int DisplayWidth(string text)
    {
        int width = 0;
        var graphemes = StringInfo.GetTextElementEnumerator(text);
        while (graphemes.MoveNext())
        {
            string grapheme = graphemes.GetTextElement();
            string first = char.IsSurrogatePair(grapheme, 0) ? grapheme[..2] : grapheme[..1];
            width += new Segment(first).CellCount();
        }
        return width;
    }
}
