using System.Globalization;
using System.Text;

namespace DiffusionDynamics.Data;

/// <summary>
/// Numeric comma-separated files: one item per line, invariant culture ('.' decimal point), optional header
/// line, optional integer label column. The header is auto-detected: a first line none of whose cells is a
/// number is a header; a first line mixing numbers and text is an error. Blank lines are skipped, cells are
/// trimmed and may be double-quoted. Every bad cell is reported with file, line and column (both 1-based).
/// </summary>
public static class Csv
{
    /// <summary>Reads a CSV file without a label column: every column is a coordinate.</summary>
    public static Dataset ReadDataset(string path) => Read(path, null, null);

    /// <summary>
    /// Reads a CSV file whose column <paramref name="labelColumn"/> holds integer labels: a header name, or else a
    /// 0-based column index written as an integer (negative counts from the end: -1 = last column).
    /// </summary>
    /// <exception cref="DataFormatException">Bad cell, ragged row, no data rows, unknown label column.</exception>
    public static Dataset ReadDataset(string path, string? labelColumn) => Read(path, labelColumn, null);

    /// <summary>Reads a CSV file whose 0-based column <paramref name="labelColumn"/> holds integer labels (negative counts from the end).</summary>
    public static Dataset ReadDataset(string path, int labelColumn) => Read(path, null, labelColumn);

    /// <summary>
    /// Writes a dataset with header x0..x{d-1} (and "label" when labelled); floats in shortest round-trip form ("R").
    /// Item shapes are not stored: reading back gives item shape [d].
    /// </summary>
    public static void Write(string path, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sb = new StringBuilder();
        sb.AppendJoin(',', Enumerable.Range(0, data.Dimension).Select(k => $"x{k}"));
        if (data.Labels is not null) sb.Append(",label");
        sb.Append('\n');
        for (int i = 0; i < data.Count; i++)
        {
            var row = data.Row(i);
            for (int k = 0; k < row.Length; k++)
            {
                if (k > 0) sb.Append(',');
                sb.Append(row[k].ToString("R", CultureInfo.InvariantCulture));
            }
            if (data.Labels is not null) sb.Append(',').Append(data.Labels[i].ToString(CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>
    /// Writes a numeric table: a header line then one line per row, doubles in shortest round-trip form ("R",
    /// equivalent to G17 on reading back). Range: every row has header.Length cells; names contain no ',', '"' or line break.
    /// </summary>
    public static void WriteTable(string path, string[] header, IEnumerable<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (string h in header)
            if (h.IndexOfAny([',', '"', '\n', '\r']) >= 0) throw new ArgumentException($"Column name \"{h}\" contains a comma, quote or line break.", nameof(header));
        using var writer = new StreamWriter(path) { NewLine = "\n" };
        writer.WriteLine(string.Join(',', header));
        int line = 0;
        foreach (var row in rows)
        {
            line++;
            if (row.Length != header.Length) throw new ArgumentException($"Row {line} has {row.Length} cells, the header {header.Length}.", nameof(rows));
            writer.WriteLine(string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
    }

    private static Dataset Read(string path, string? labelName, int? labelIndex)
    {
        string[] lines = File.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0) throw new DataFormatException(path, "the file is empty (no data lines).");
        string[] firstCells = Split(lines[first]);
        int numeric = firstCells.Count(c => TryNumber(c, out _));
        if (numeric > 0 && numeric < firstCells.Length)
        {
            int col = Array.FindIndex(firstCells, c => !TryNumber(c, out _)) + 1;
            throw new DataFormatException(path, $"line {first + 1}, column {col}: \"{firstCells[col - 1]}\" is not a number, but other cells of the line are (a header line must be all names).");
        }
        string[]? header = numeric == 0 ? firstCells : null;
        int columns = firstCells.Length;

        // Label column.
        int label = -1;
        if (labelName is not null)
        {
            label = header is null ? -1 : Array.IndexOf(header, labelName);
            if (label < 0)
            {
                if (!int.TryParse(labelName, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int index))
                    throw new DataFormatException(path, header is null
                        ? $"label column \"{labelName}\" requested but the file has no header line."
                        : $"no column named \"{labelName}\" in the header ({string.Join(", ", header)}).");
                labelIndex = index;
            }
        }
        if (labelIndex is { } li)
        {
            label = li < 0 ? columns + li : li;
            if (label < 0 || label >= columns)
                throw new DataFormatException(path, $"label column index {li} is out of range for {columns} columns.");
        }
        int d = columns - (label >= 0 ? 1 : 0);
        if (d < 1) throw new DataFormatException(path, "no coordinate columns besides the label column.");

        var values = new List<float>();
        var labels = label >= 0 ? new List<int>() : null;
        for (int i = header is null ? first : first + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            string[] cells = Split(lines[i]);
            if (cells.Length != columns)
                throw new DataFormatException(path, $"line {i + 1} has {cells.Length} cells, expected {columns} (as on line {first + 1}).");
            for (int k = 0; k < columns; k++)
            {
                if (!TryNumber(cells[k], out double v))
                    throw new DataFormatException(path, $"line {i + 1}, column {k + 1}: \"{cells[k]}\" is not a number.");
                if (k == label)
                {
                    if (v != Math.Round(v) || v < int.MinValue || v > int.MaxValue)
                        throw new DataFormatException(path, $"line {i + 1}, column {k + 1}: label \"{cells[k]}\" is not an integer.");
                    labels!.Add((int)v);
                    continue;
                }
                if (!double.IsFinite(v) || !float.IsFinite((float)v))
                    throw new DataFormatException(path, $"line {i + 1}, column {k + 1}: \"{cells[k]}\" is not a finite float32 value.");
                values.Add((float)v);
            }
        }
        int n = values.Count / d;
        if (n == 0) throw new DataFormatException(path, "no data rows (n = 0).");
        return new Dataset(values.ToArray(), n, d, labels?.ToArray(), name: Path.GetFileName(path));
    }

    private static string[] Split(string line)
    {
        string[] cells = line.Split(',');
        for (int k = 0; k < cells.Length; k++)
        {
            string c = cells[k].Trim();
            cells[k] = c.Length >= 2 && c[0] == '"' && c[^1] == '"' ? c[1..^1].Trim() : c;
        }
        return cells;
    }

    private static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
