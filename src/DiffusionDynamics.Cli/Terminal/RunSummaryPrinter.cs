using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Terminal;

/// <summary>Prints a finished run on the terminal: its summary table and the path of its report.</summary>
public static class RunSummaryPrinter
{
    /// <summary>Prints <paramref name="summary"/> and "results: …/index.html"; returns exit code 0.</summary>
    public static int Print(TextWriter output, RunSummary summary)
    {
        SummaryTable.Print(output, summary.Title, summary.Rows);
        output.WriteLine($"results: {summary.Index}");
        return 0;
    }
}
