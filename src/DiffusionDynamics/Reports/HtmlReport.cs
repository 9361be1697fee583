using System.Net;
using System.Text;

namespace DiffusionDynamics.Reports;

/// <summary>A self-contained HTML page built from headings, paragraphs, tables, figures and file links.</summary>
public sealed class HtmlReport
{
    private readonly StringBuilder body = new();
    private readonly string title;

    public HtmlReport(string title) => this.title = title;

    public HtmlReport Heading(string text, int level = 2)
    {
        body.Append($"<h{level}>{Encode(text)}</h{level}>\n");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        body.Append($"<p>{Encode(text)}</p>\n");
        return this;
    }

    /// <summary>A preformatted block (e.g. the command line).</summary>
    public HtmlReport Code(string text)
    {
        body.Append($"<pre>{Encode(text)}</pre>\n");
        return this;
    }

    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        body.Append("<table>\n<tr>");
        foreach (var h in header) body.Append($"<th>{Encode(h)}</th>");
        body.Append("</tr>\n");
        foreach (var row in rows)
        {
            body.Append("<tr>");
            foreach (var cell in row) body.Append($"<td>{Encode(cell)}</td>");
            body.Append("</tr>\n");
        }
        body.Append("</table>\n");
        return this;
    }

    /// <summary>An image (relative file name) with a caption; its SVG twin is linked when <paramref name="hasSvg"/>.</summary>
    public HtmlReport Figure(string fileName, string caption, bool hasSvg = true)
    {
        string svg = Path.ChangeExtension(fileName, ".svg");
        body.Append($"<figure><a href=\"{Encode(fileName)}\"><img src=\"{Encode(fileName)}\" alt=\"{Encode(caption)}\"></a>");
        string link = hasSvg ? $" (<a href=\"{Encode(svg)}\">svg</a>)" : "";
        body.Append($"<figcaption>{Encode(caption)}{link}</figcaption></figure>\n");
        return this;
    }

    /// <summary>The "Summary" heading and a two-column quantity/value table (the rows the terminal summary prints).</summary>
    public HtmlReport Summary(IEnumerable<(string Quantity, string Value)> rows) =>
        Heading("Summary").Table(["quantity", "value"], rows.Select(r => (IReadOnlyList<string>)new[] { r.Quantity, r.Value }));

    /// <summary>The "Figures" heading and each figure with its caption (SVG twins linked).</summary>
    public HtmlReport Figures(IEnumerable<(string File, string Caption)> figures)
    {
        Heading("Figures");
        foreach (var (file, caption) in figures) Figure(file, caption);
        return this;
    }

    /// <summary>The "Figures" heading and each figure with its caption (SVG twin linked where it has one).</summary>
    public HtmlReport Figures(IEnumerable<ReportFigure> figures)
    {
        Heading("Figures");
        foreach (var f in figures) Figure(f.File, f.Caption, f.HasSvg);
        return this;
    }

    public HtmlReport Links(IEnumerable<(string File, string Description)> files)
    {
        body.Append("<ul>\n");
        foreach (var (file, description) in files)
            body.Append($"<li><a href=\"{Encode(file)}\">{Encode(file)}</a> — {Encode(description)}</li>\n");
        body.Append("</ul>\n");
        return this;
    }

    public void Write(string path)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append($"<title>{Encode(title)}</title><style>");
        html.Append("body{font-family:'DejaVu Sans',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}");
        html.Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:left}");
        html.Append("th{background:#eee}figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}");
        html.Append("pre{background:#f6f6f6;padding:.6em;overflow-x:auto}figcaption{color:#555;font-size:90%}");
        html.Append("</style></head><body>\n");
        html.Append($"<h1>{Encode(title)}</h1>\n");
        html.Append(body);
        html.Append("</body></html>\n");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
