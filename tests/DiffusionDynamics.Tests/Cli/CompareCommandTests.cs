using System.Text.Json;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Tests.ReportTests;

namespace DiffusionDynamics.Tests.Cli;

/// <summary><c>diffdyn compare</c> on real small runs: the numbers it lines up are the runs' own, the differences and z are recomputed independently.</summary>
[Collection(RunAloneCollection.Name)]
public sealed class CompareCommandTests : CliHarness
{
    private static double Number(string file, params string[] path)
    {
        var e = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        foreach (var p in path) e = e.GetProperty(p);
        return e.GetDouble();
    }

    [Fact]
    public void Regimes_TwoSeeds_TableHoldsBothRunsValues_AndTheirDifferenceInStandardErrors()
    {
        string a = SmallRuns.Of("regimes");
        string b = SmallRuns.Of("regimes-seed1", [.. SmallRuns.Arguments["regimes"], "--seed", "1"]);
        string outDir = Path.Combine(Root, "cmp");
        var (code, stdout, stderr) = Run("compare", a, b, "--out", outDir);
        Assert.True(code == 0, stderr);

        var result = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(outDir, "compare.json")));
        Assert.Equal("regimes", result.GetProperty("command").GetString());
        var row = result.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("quantity").GetString() == "t_C from the excess entropy (f = 0)");
        double v1 = Number(Path.Combine(a, "regimes.json"), "collapse", "entropyCrossing"), s1 = Number(Path.Combine(a, "regimes.json"), "collapse", "entropyCrossingStderr");
        double v2 = Number(Path.Combine(b, "regimes.json"), "collapse", "entropyCrossing"), s2 = Number(Path.Combine(b, "regimes.json"), "collapse", "entropyCrossingStderr");
        var values = row.GetProperty("values").EnumerateArray().ToArray();
        Assert.Equal(v1, values[0].GetProperty("value").GetDouble());
        Assert.Equal(v2, values[1].GetProperty("value").GetDouble());
        var difference = row.GetProperty("differences")[0];
        Assert.Equal(v2 - v1, difference.GetProperty("delta").GetDouble(), 12);
        Assert.Equal((v2 - v1) / Math.Sqrt(s1 * s1 + s2 * s2), difference.GetProperty("z").GetDouble(), 12);

        // Figures overlaid, data files, report, terminal table naming both runs.
        foreach (var f in new[] { "speciation.png", "collapse.png", "excess-entropy.png", "compare.csv", "index.html", "manifest.json" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        Assert.Equal(1 + 2 * result.GetProperty("rows").GetArrayLength(), File.ReadAllLines(Path.Combine(outDir, "compare.csv")).Length);
        Assert.Contains("[regimes-seed1]", stdout);
        Assert.Contains("SE)", stdout);
        Assert.Contains("results: ", stdout);
    }

    [Fact]
    public void RegimesWithAModel_OneFolder_ComparesTheModelWithTheExactScore()
    {
        string model = SmallRuns.Of("train");
        string run = SmallRuns.Of("regimes-model", ["regimes", "--model", model, "--pairs", "8", "--branches", "3", "--steps", "30",
            "--entropy-samples", "16", "--bootstrap", "10"]);
        var result = CompareRuns.Load([run]);
        Assert.Equal(["regimes-model", "regimes-model: exact score"], result.Runs.Select(r => r.Label));
        Assert.Equal(["regimes.json", "regimes-exact.json"], result.Runs.Select(r => r.ResultFile));
        double modelShare = Number(Path.Combine(run, "regimes.json"), "collapse", "memorizedFraction");
        double exactShare = Number(Path.Combine(run, "regimes-exact.json"), "collapse", "memorizedFraction");
        var share = result.Rows.Single(r => r.Quantity == "memorized share");
        Assert.Equal(exactShare - modelShare, share.Differences[0].Delta!.Value, 12);
        Assert.Contains(result.Curves, c => c.Name == "speciation" && c.Series.Select(s => s.Run).Distinct().Count() == 2);
    }

    [Theory]
    [InlineData("entropy", 4, 2)]
    [InlineData("symmetry", 4, 1)]
    [InlineData("spectrum", 6, 1)]
    [InlineData("sample", 4, 0)]
    [InlineData("accelerate", 6, 2)]
    public void EverySupportedCommand_ARunAgainstItself_ReadsItsHeadlinesAndCurves_WithZeroDifferences(string command, int minRows, int curves)
    {
        string run = SmallRuns.Of(command);
        var result = CompareRuns.Load([run, run]);
        Assert.Equal(command, result.Command);
        Assert.Equal([Path.GetFileName(run), Path.GetFileName(run) + " (2)"], result.Runs.Select(r => r.Label));
        Assert.True(result.Rows.Count >= minRows, $"{result.Rows.Count} rows");
        Assert.Contains(result.Rows, r => r.Values[0].Value is not null);
        Assert.All(result.Rows.Where(r => r.Values[0].Value is not null), r => Assert.Equal(0, r.Differences[0].Delta));
        Assert.Equal(curves, result.Curves.Count);
        Assert.All(result.Curves, c =>
        {
            int first = c.Series.Count(s => s.Run == result.Runs[0].Label);
            Assert.True(first > 0, c.Name);
            Assert.Equal(first, c.Series.Count(s => s.Run == result.Runs[1].Label));
        });
        Assert.All(result.Curves.SelectMany(c => c.Series), s => Assert.True(s.X.Length > 0 && s.X.Length == s.Y.Length));
    }

    [Fact]
    public void RunsOfDifferentCommands_Exit2_OneLine_NothingWritten()
    {
        string outDir = Path.Combine(Root, "mixed");
        var (code, stdout, stderr) = Run("compare", SmallRuns.Of("entropy"), SmallRuns.Of("sample"), "--out", outDir);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("error: runs of different commands: entropy in ", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void OneRun_NotARun_UnsupportedCommand_Exit2()
    {
        Assert.Contains("at least two runs", Run("compare", SmallRuns.Of("sample"), "--out", Path.Combine(Root, "one")).Err);
        Directory.CreateDirectory(Path.Combine(Root, "empty"));
        var (code, _, stderr) = Run("compare", Path.Combine(Root, "empty"), SmallRuns.Of("sample"), "--out", Path.Combine(Root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("not a diffdyn run folder", stderr);
        var (code2, _, stderr2) = Run("compare", SmallRuns.Of("noether"), SmallRuns.Of("noether"), "--out", Path.Combine(Root, "y"));
        Assert.Equal(2, code2);
        Assert.Contains("compare supports regimes, entropy", stderr2);
        AssertUsageErrorWroteNothing(["compare", Path.Combine(Root, "no-such-run"), SmallRuns.Of("sample")]);
    }

    [Fact]
    public void Difference_IsDeltaOverTheCombinedStandardError()
    {
        var d = CompareDifference.Of(new CompareCell(1.5, 0.3), new CompareCell(1.0, 0.4));
        Assert.Equal(0.5, d.Delta!.Value, 15);
        Assert.Equal(0.5, d.StdErr!.Value, 15);        // √(0.09 + 0.16)
        Assert.Equal(1.0, d.Z!.Value, 12);
        Assert.Null(CompareDifference.Of(new CompareCell(1.5, null), new CompareCell(1.0, 0.4)).Z);
        Assert.Null(CompareDifference.Of(new CompareCell(null, null), new CompareCell(1.0, 0.4)).Delta);
    }
}
