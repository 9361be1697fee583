using System.CommandLine;
using DiffusionDynamics.Backend;
using DiffusionDynamics.Cli;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>
/// Every numeric option of every command, driven with a table of bad values: exit code 2, one line that names the
/// option and the expected form (never a .NET type name), nothing written to --out. New commands and options are
/// covered by construction (the table is built from the command tree).
/// </summary>
[Collection(RunAloneCollection.Name)]
public class OptionChecksTests : CliHarness
{
    private static IEnumerable<(Command Command, Option Option)> NumericOptions() =>
        CliApp.BuildRoot().Subcommands.SelectMany(c => c.Options.Where(o => OptionChecks.IsNumeric(o.ValueType)).Select(o => (c, o)));

    private static bool IsInteger(Option o) => (Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType) is var t && (t == typeof(int) || t == typeof(long));

    [Fact]
    public void TheTable_CoversEveryCommand()
    {
        var commands = NumericOptions().Select(p => p.Command.Name).Distinct().ToArray();
        // Every command but compare and merge, which take run folders (and --out) only.
        Assert.Equal(CliApp.BuildRoot().Subcommands.Count(c => c.Name is not ("compare" or "merge")), commands.Length);
        Assert.True(NumericOptions().Count() > 60, $"only {NumericOptions().Count()} numeric options found");
    }

    [Fact]
    public void EveryNumericOption_RefusesNonNumericFractionalNanInfiniteAndHugeValues_WithOneLineNamingIt()
    {
        var failures = new List<string>();
        foreach (var (command, option) in NumericOptions())
        {
            var bad = new List<string> { "abc", "", "NaN", "1e400", "-1e400", "Infinity" };
            if (IsInteger(option)) bad.AddRange(["1.5", "99999999999999999999", "-99999999999999999999", "1e3", "0x10"]);
            if (option.ValueType == typeof(int) || option.ValueType == typeof(int?)) bad.Add("99999999999");
            foreach (string value in bad)
            {
                string outDir = Path.Combine(Root, "bad");
                var (code, stdout, stderr) = Run(command.Name, option.Name, value, "--out", outDir);
                var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                string label = $"{command.Name} {option.Name} '{value}'";
                if (code != 2) failures.Add($"{label}: exit {code}");
                else if (lines.Length != 1) failures.Add($"{label}: {lines.Length} lines: {stderr}");
                else if (!lines[0].StartsWith("error: " + option.Name + " expects ", StringComparison.Ordinal)) failures.Add($"{label}: {lines[0]}");
                else if (lines[0].Contains("System.", StringComparison.Ordinal)) failures.Add($"{label}: type name in {lines[0]}");
                if (stdout.Length > 0) failures.Add($"{label}: wrote to stdout: {stdout}");
                if (Directory.Exists(outDir)) failures.Add($"{label}: created --out");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Fact]
    public void OptionsThatMustBePositive_RefuseZeroAndNegative_AtParseTime()
    {
        var failures = new List<string>();
        foreach (var (command, option) in NumericOptions())
        {
            string form = OptionChecks.FormOf(option);
            foreach (string value in new[] { "0", "-1" })
            {
                bool mustFail = form.Contains("≥ 1", StringComparison.Ordinal) || form.Contains("≥ 2", StringComparison.Ordinal) || form.Contains("> 0", StringComparison.Ordinal)
                                || (value == "-1" && form.Contains("≥ 0", StringComparison.Ordinal));
                var parse = CliApp.BuildRoot().Parse([command.Name, option.Name, value]);
                if (mustFail && parse.Errors.Count == 0) failures.Add($"{command.Name} {option.Name} {value}: accepted (form: {form})");
                // Whatever fails at parse time names the option in one message.
                foreach (var e in parse.Errors.Where(e => !e.Message.Contains(option.Name, StringComparison.Ordinal)))
                    failures.Add($"{command.Name} {option.Name} {value}: '{e.Message}' does not name the option");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Theory]
    [InlineData("regimes", "--steps", "abc", "error: --steps expects an integer ≥ 1, got 'abc'.")]
    [InlineData("train", "--lr", "x", "error: --lr expects a finite number > 0, got 'x'.")]
    [InlineData("sample", "--steps", "1.5", "error: --steps expects an integer ≥ 1, got '1.5'.")]
    [InlineData("sample", "--steps", "99999999999", "error: --steps expects an integer ≥ 1, got '99999999999' (larger than 2147483647).")]
    [InlineData("sample", "--t-min", "NaN", "error: --t-min expects a finite number > 0, got 'NaN'.")]
    public void ParseErrors_ReadAsTheIssueAsks(string command, string option, string value, string expectedStart)
    {
        var (code, _, stderr) = Run(command, option, value, "--out", Path.Combine(Root, "x"));
        Assert.Equal(2, code);
        Assert.StartsWith(expectedStart, stderr.Trim());
        Assert.Contains($"See 'diffdyn {command} --help'.", stderr);
    }

    [Fact]
    public void DomainErrors_NameTheOption_WithoutDotNetSuffixes()
    {
        var (code, _, stderr) = Run("sample", "--t-min", "5", "--t-max", "1", "--out", Path.Combine(Root, "x"));
        Assert.Equal(2, code);
        Assert.Equal("error: --t-max: T must be finite and > t_min = 5 (got 1).", stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(Root, "x")));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("")]
    public void DiffdynThreads_RefusesAnythingButAPositiveInteger(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ThreadsFrom(value));
        Assert.Contains("DIFFDYN_THREADS expects an integer ≥ 1", e.Message);
        Assert.Contains($"got '{value}'", e.Message);
    }

    [Fact]
    public void DiffdynThreads_TakesAPositiveInteger_OrAllCoresWhenUnset()
    {
        Assert.Equal(3, TorchRuntime.ThreadsFrom("3"));
        Assert.Equal(Environment.ProcessorCount, TorchRuntime.ThreadsFrom(null));
    }

    [Theory]
    [InlineData("--labels", "does-not-exist.npy", "Labels file (--labels)", "does not exist")]
    [InlineData("--labels", "<root>", "Labels (--labels)", "is a folder")]
    public void LabelsThatAreMissingOrAFolder_AreNamed(string option, string value, string expected1, string expected2)
    {
        Directory.CreateDirectory(Root);
        string data = Path.Combine(Root, "x.csv");
        File.WriteAllText(data, "1,2\n3,4\n5,6\n");
        value = value == "<root>" ? Root : Path.Combine(Root, value);
        string outDir = Path.Combine(Root, "out");
        var (code, _, stderr) = Run("sample", "--data", data, option, value, "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains(expected1, stderr);
        Assert.Contains(expected2, stderr);
        Assert.DoesNotContain("(Parameter", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("sample", "")]
    [InlineData("sample", "/proc/x")]
    [InlineData("train", "/proc/x")]
    [InlineData("memorization", "/proc/x")]
    public void UnusableOut_IsAClearError(string command, string outDir)
    {
        var (code, _, stderr) = Run(command, "--data", "two-cluster:d=2,n=4000", "--samples", "2", "--steps", "2", "--out", outDir);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr);
        Assert.Contains("--out", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void AnEmptyOut_IsRefusedAtParseTime_ByEveryCommand()
    {
        foreach (var command in CliApp.BuildRoot().Subcommands)
        {
            var (code, _, stderr) = Run(command.Name, "--out", "");
            Assert.Equal(2, code);
            Assert.StartsWith("error: --out expects a folder path, got ''.", stderr);
        }
    }

    [Fact]
    public void ParseErrorsOfChoiceOptions_AreOneLineNamingTheOption()
    {
        var (code, _, stderr) = Run("sample", "--sampler", "foo");
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --sampler: ", stderr);
        Assert.Contains("'foo'", stderr);
    }

    [Fact]
    public void Float32Overflow_SaysSoAndSuggestsFloat64()
    {
        Directory.CreateDirectory(Root);
        string data = Path.Combine(Root, "big.csv");
        File.WriteAllLines(data, Enumerable.Range(0, 20).Select(i => $"{(i - 10) * 1e29:R},{(i % 3) * 1e30:R}"));
        var (code, _, stderr) = Run("sample", "--data", data, "--samples", "2", "--steps", "2", "--out", Path.Combine(Root, "o"));
        Assert.Equal(2, code);
        Assert.Contains("overflow float32", stderr);
        Assert.Contains("--precision float64", stderr);
    }

    [Fact]
    public void HugeSyntheticSpecs_AreRefusedBeforeAllocating_SayingWhatFits()
    {
        foreach (string spec in new[] { "two-cluster:d=100000,n=100000", "circle:n=2000000000" })
        {
            var (code, _, stderr) = Run("sample", "--data", spec, "--out", Path.Combine(Root, "o"));
            Assert.Equal(2, code);
            Assert.Contains("do not fit", stderr);
            Assert.Contains("at most", stderr);
        }
    }
}
