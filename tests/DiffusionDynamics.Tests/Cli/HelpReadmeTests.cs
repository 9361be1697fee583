using System.CommandLine;
using System.Text.RegularExpressions;
using DiffusionDynamics.Cli;

namespace DiffusionDynamics.Tests.Cli;

/// <summary>The README's command sections and each command's --help agree on option names and shown defaults.</summary>
public sealed class HelpReadmeTests
{
    /// <summary>The repository root: the first folder above the test binaries that holds DiffusionDynamics.slnx.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DiffusionDynamics.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no DiffusionDynamics.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>The table rows "| `--a`, `--b` | default | meaning |" of the README section "### `diffdyn NAME`…".</summary>
    private static IEnumerable<(string[] Options, string Default)> ReadmeRows(string readme, string name)
    {
        var section = Regex.Split(readme, @"\n(?=### )").FirstOrDefault(s => s.StartsWith($"### `diffdyn {name}`", StringComparison.Ordinal)
                                                                     || s.StartsWith($"### `diffdyn {name} ", StringComparison.Ordinal));
        if (section is null) yield break;
        foreach (Match row in Regex.Matches(section, @"^\|([^|\n]*)\|([^|\n]*)\|", RegexOptions.Multiline))
        {
            var options = Regex.Matches(row.Groups[1].Value, @"`(--[A-Za-z0-9-]+)").Select(m => m.Groups[1].Value).ToArray();
            if (options.Length > 0) yield return (options, row.Groups[2].Value.Trim().Trim('`'));
        }
    }

    [Fact]
    public void EveryOptionInTheReadmeTables_ExistsInItsCommand_WithTheSameShownDefault()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var root = CliApp.BuildRoot();
        var problems = new List<string>();
        int checkedRows = 0;
        foreach (var command in root.Subcommands)
        {
            foreach (var (options, shown) in ReadmeRows(readme, command.Name))
            {
                checkedRows++;
                foreach (var name in options)
                {
                    var option = command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
                    if (option is null) { problems.Add($"{command.Name}: README names {name}, which the command lacks"); continue; }
                    if (options.Length > 1 || !option.HasDefaultValue) continue;
                    string help = option.GetDefaultValue() switch
                    {
                        bool on => on ? "on" : "off",
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    };
                    if (help.Length > 0 && shown != "—" && !string.Equals(shown, help, StringComparison.OrdinalIgnoreCase)
                        && !double.TryParse(shown, System.Globalization.CultureInfo.InvariantCulture, out _))
                        problems.Add($"{command.Name} {name}: README default '{shown}', help default '{help}'");
                    else if (double.TryParse(shown, System.Globalization.CultureInfo.InvariantCulture, out double a)
                             && double.TryParse(help, System.Globalization.CultureInfo.InvariantCulture, out double b) && a != b)
                        problems.Add($"{command.Name} {name}: README default {shown}, help default {help}");
                }
            }
        }
        Assert.True(checkedRows > 100, $"only {checkedRows} README option rows found");
        Assert.Empty(problems);
    }

    [Fact]
    public void RegimesBranchOptions_HelpAndReadmeGiveTheSameDefaults()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var regimes = CliApp.BuildRoot().Subcommands.Single(c => c.Name == "regimes");
        string branchMax = regimes.Options.Single(o => o.Name == "--branch-max").Description!;
        Assert.Contains("min(0.9 T, max(2 t_S, 2))", branchMax);
        Assert.Contains("min(0.9 T, max(2 t_S, 2))", readme);
        Assert.Contains("half linear on [0.4 t_S, 2 t_S]", regimes.Options.Single(o => o.Name == "--branches").Description!);
        Assert.DoesNotContain("2.5 t_S", readme + branchMax);
    }
}
