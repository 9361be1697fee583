using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Tests.ReportTests; // not ".Reports": that would shadow DiffusionDynamics.Reports in other tests

public class RunOutputTests
{
    private sealed record Numbers(double[] Values);

    private sealed class NumbersWriter : IReportWriter<Numbers>
    {
        public string SummaryTitle => "numbers";
        public string ReportTitle => "numbers report";
        public IReadOnlyList<(string Quantity, string Value)> SummaryRows(Numbers r) => [("count", r.Values.Length.ToString())];
        public void WriteData(Numbers r, RunOutput output) => output.Json("numbers.json", r);
        public IReadOnlyList<ReportFigure> WriteFigures(Numbers r, RunOutput output) => [];
        public void WriteReport(Numbers r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html) =>
            html.Summary(rows).Figures(figures);
    }

    [Fact]
    public void Finish_WritesDataManifestAndReport_ThenMovesTheStagedFolderIntoPlace()
    {
        string root = Path.Combine(Path.GetTempPath(), "diffdyn-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            string target = Path.Combine(root, "out");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            RunSummary summary;
            using (var run = RunOutput.Create(target))
            {
                Assert.False(Directory.Exists(target));
                summary = run.Finish(new NumbersWriter(), new Numbers([1, 2, 3]),
                    new RunManifest { Command = "numbers", Arguments = ["--x", "1"], Options = new { }, Seed = 0 }, clock);
            }
            foreach (var f in new[] { "numbers.json", "manifest.json", "index.html" }) Assert.True(File.Exists(Path.Combine(target, f)), f);
            Assert.Equal(Path.Combine(target, "index.html"), summary.Index);
            Assert.Equal([("count", "3")], summary.Rows);
            Assert.Contains("<pre>diffdyn numbers --x 1</pre>", File.ReadAllText(summary.Index));
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, "manifest.json")));
            Assert.True(manifest.RootElement.GetProperty("timingsSeconds").TryGetProperty("total", out _));
            Assert.Empty(Directory.EnumerateDirectories(root, ".*partial*"));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Fact]
    public void AFailedStagedRun_LeavesNothing()
    {
        string root = Path.Combine(Path.GetTempPath(), "diffdyn-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var run = RunOutput.Create(Path.Combine(root, "out"))) run.Json("partial.json", 1);
            Assert.False(Directory.Exists(Path.Combine(root, "out")));
            Assert.Empty(Directory.EnumerateDirectories(root));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Fact]
    public void TheRegimesFigureTheory_TravelsInTheResultJson()
    {
        var curve = new[] { new SpeciationPoint(1, 0.9, 0.01, 0.8, 0.5, null), new SpeciationPoint(2, 0.7, 0.01, 0.4, 4.0, null) };
        var s = new SpeciationResult(2, true, null, null, 0.8, 0.6, 0.5, "test", null, 0, curve, null, null);
        Assert.Equal(SpeciationResult.RelativeTheoryPoints, s.RelativeTheoryCurve.Count);
        Assert.Equal(4.0, s.RelativeTheoryCurve[^1].T, 12); // τ_max = max(3, largest t/t_S)
        Assert.Equal(2 * DiffusionDynamics.Theory.CloningProbability.AtRelativeTime(1.0, 1000.0, 1.0) - 1,
            s.RelativeTheoryCurve.Single(p => Math.Abs(p.T - 1.0) < 1e-12).Value, 12);
        var back = JsonSerializer.Deserialize<SpeciationResult>(JsonSerializer.Serialize(s, RunManifest.JsonOptions), RunManifest.JsonOptions)!;
        Assert.Equal(s.RelativeTheoryCurve.Select(p => p.Value), back.RelativeTheoryCurve.Select(p => p.Value));
    }
}
