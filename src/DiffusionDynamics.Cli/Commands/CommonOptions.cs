using System.CommandLine;
using System.Globalization;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Options shared by the analysis commands: where the data come from, seed, output folder.</summary>
public sealed class CommonOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "Data: 'builtin' (Fashion-MNIST trouser/sneaker, committed), a file (.npy/.npz/.csv/IDX[.gz]), " +
                      "or a synthetic spec, e.g. two-cluster:d=256,n=20000,mu=1,sigma=1 | gaussian:d=64,n=500,spectrum=geometric:4:0.9 | points:-1,1",
        DefaultValueFactory = _ => "builtin",
    };

    public Option<string?> Labels { get; } = new("--labels") { Description = "Labels file for data files that keep them apart (IDX or .npy)." };

    public Option<string?> Classes { get; } = new("--classes") { Description = "Keep only these labels, comma-separated (e.g. 1,7)." };

    public Option<int?> Count { get; } = new("--n") { Description = "Training-set size n after subsampling (per class n/K when labelled). Default: all." };

    public Option<int> Downsample { get; } = new("--downsample")
    {
        Description = "Integer downsampling factor for image data (average pooling).",
        DefaultValueFactory = _ => 1,
    };

    public Option<long> Seed { get; } = new("--seed") { Description = "Run seed: sample i uses stream (seed, i).", DefaultValueFactory = _ => 0L };

    public Option<string?> Out { get; } = new("--out") { Description = "Output folder (default runs/<command>-<timestamp>); must not exist or be empty." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Data, Labels, Classes, Count, Downsample, Seed, Out }) command.Options.Add(o);
        OptionChecks.Describe(Count, "an integer ≥ 1");
        Count.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--n must be ≥ 1."); });
        AtLeast(Downsample, 1);
        Out.Validators.Add(r => { if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[0].Value)) r.AddError("--out expects a folder path, got ''."); });
        OptionChecks.Describe(Seed, "an integer");
    }

    /// <summary>True when the user gave --downsample (rather than taking its default).</summary>
    public bool DownsampleGiven(ParseResult p) => p.GetResult(Downsample) is { Implicit: false };

    /// <summary>Adds the validator "NAME must be ≥ min." to an integer option.</summary>
    public static void AtLeast(Option<int> option, int min)
    {
        OptionChecks.Describe(option, $"an integer ≥ {min}");
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() < min) r.AddError($"{option.Name} must be ≥ {min}."); });
    }

    /// <summary>Adds the validator "NAME must be finite and &gt; 0." to a real option.</summary>
    public static void Positive(Option<double> option)
    {
        OptionChecks.Describe(option, "a finite number > 0");
        option.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!double.IsFinite(v) || v <= 0) r.AddError($"{option.Name} must be finite and > 0."); });
    }

    /// <summary>The command line without the command token, for manifests and reports.</summary>
    public static string[] Arguments(ParseResult p) => p.Tokens.Where(t => t.Type != System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value).ToArray();

    /// <summary>"0.1,1e-3" → distinct ascending finite times &gt; 0; null/empty → null; throws <see cref="ArgumentException"/> naming <paramref name="option"/>.</summary>
    public static double[]? ParseTimes(string? text, string option = "--times")
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
                ? v : throw new ArgumentException($"{option}: '{s}' is not a finite time > 0.")).Order().ToArray();
        if (values.Distinct().Count() != values.Length) throw new ArgumentException($"{option}: times must be distinct.");
        return values;
    }

    public DataRequest DataRequest(ParseResult p) => new(
        Spec: p.GetValue(Data) ?? "builtin",
        LabelsPath: p.GetValue(Labels),
        Classes: ParseClasses(p.GetValue(Classes)),
        Count: p.GetValue(Count),
        Downsample: p.GetValue(Downsample),
        Seed: p.GetValue(Seed));

    public string OutputFolder(ParseResult p, string command) =>
        p.GetValue(Out) ?? Path.Combine("runs", $"{command}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");

    private static int[]? ParseClasses(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                ? v : throw new ArgumentException($"--classes: '{s}' is not an integer label."))
            .ToArray();
    }
}
