using DiffusionDynamics.Cli;
using DiffusionDynamics.Cli.Terminal;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>The terminal layer: results alone on stdout, exact progress percentages, aligned tables, spelling hints.</summary>
public sealed class TerminalTests : CliHarness
{
    private static readonly string[] TinyRegimes =
        ["regimes", "--data", "two-cluster:d=8,n=60", "--pairs", "4", "--branches", "3", "--steps", "30",
         "--entropy-samples", "64", "--entropy-times", "4", "--bootstrap", "10"];

    [Fact]
    public void Regimes_ProgressGoesToStderr_StdoutHoldsOnlyTheHeaderAndResults()
    {
        var (code, stdout, stderr) = Run([.. TinyRegimes, "--out", Path.Combine(Root, "r")]);
        Assert.Equal(0, code);
        Assert.DoesNotContain("%)", stdout);
        Assert.Contains("trajectories and clones: ", stderr);
        Assert.Contains("(100%)", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("data: ", lines[0]);
        Assert.StartsWith("diffdyn regimes", lines[1]);
        Assert.StartsWith("results: ", lines[^1]);
    }

    [Theory]
    [InlineData(50, 300, "16.7")]
    [InlineData(30, 300, "10")]
    [InlineData(1, 3, "33.3")]
    [InlineData(300, 300, "100")]
    [InlineData(0, 0, "100")]
    [InlineData(7, 5, "100")]
    public void Percent_IsExactToOneDecimal_NotRoundedToTenths(long done, long total, string expected) =>
        Assert.Equal(expected, ProgressDisplay.Percent(done, total));

    [Fact]
    public void ProgressLine_ShowsCountPercentDetailAndSeconds() =>
        Assert.Equal("training: 50/300 (16.7%) loss 0.25 1.5s",
            ProgressDisplay.Line("training", "loss 0.25", 50, 300, TimeSpan.FromSeconds(1.5)));

    [Theory]
    [InlineData("φ̃", 1)]          // φ + combining tilde
    [InlineData("t̂_C", 3)]        // t + combining circumflex, _, C
    [InlineData("d₁/d₂", 5)]
    [InlineData("中文", 4)]        // east-asian wide
    [InlineData("", 0)]
    public void DisplayWidth_CountsGraphemesAndWideCharacters(string text, int width) =>
        Assert.Equal(width, SummaryTable.DisplayWidth(text));

    [Fact]
    public void PlainTable_ValuesStartInOneColumn_WithCombiningCharacters()
    {
        string text = SummaryTable.Plain("title", [("φ∞ / crossing level φ̃", "0.5"), ("t̂_C last change", "0.391"), ("Λ", "17.3")]);
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        var valueColumns = rows.Select(r => SummaryTable.DisplayWidth(r[..r.LastIndexOf("  ", StringComparison.Ordinal)]) + 2).Distinct();
        Assert.Single(valueColumns);
    }

    [Theory]
    [InlineData("--pair", "--pairs")]
    [InlineData("--predictoin", "--prediction")]
    [InlineData("--pairz", "--pairs")]
    [InlineData("--bogus", null)]
    public void ClosestName_SuggestsTheNearestOption(string typed, string? expected) =>
        Assert.Equal(expected, ClosestName.Find(typed, ["--pairs", "--prediction", "--steps", "--branches", "--branch-max"]));

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("same", "same", 0)]
    public void Distance_IsLevenshtein(string a, string b, int expected) => Assert.Equal(expected, ClosestName.Distance(a, b));

    [Fact]
    public void MistypedOption_OneLine_DidYouMean_PointsToTheCommandsHelp_Exit2()
    {
        var (code, stdout, stderr) = Run("regimes", "--pair", "3");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Empty(stdout);
        Assert.Equal("error: unknown option '--pair' (did you mean --pairs?). See 'diffdyn regimes --help'.", stderr.Trim());
    }

    [Fact]
    public void MistypedCommand_SuggestsTheCommand()
    {
        var (code, _, stderr) = Run("regims");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("error: unknown command 'regims' (did you mean regimes?). See 'diffdyn --help'.", stderr.Trim());
    }

    [Fact]
    public void UnknownOption_WithNothingClose_SaysSo()
    {
        var (code, _, stderr) = Run("sample", "--bogus");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("error: unknown option '--bogus'. See 'diffdyn sample --help'.", stderr.Trim());
    }
}
