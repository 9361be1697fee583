using System.Globalization;
using System.Text.Json;

namespace DiffusionDynamics.Reports;

/// <summary>A headline number read from one run's result file: its value and, where the record carries one, its standard error.</summary>
/// <param name="Quantity">What it is, e.g. "t_S measured (cloning)"; rows of a comparison are matched by it.</param>
public sealed record HeadlineValue(string Quantity, double? Value, double? StdErr);

/// <summary>One curve of one run: y(x) with its standard errors where the record carries them.</summary>
/// <param name="Label">The series within the run ("" for a run's only series, "N = 100" for one of several).</param>
public sealed record CurveSeries(string Label, double[] X, double[] Y, double[]? StdErr);

/// <summary>A headline of a command's result record: reads one or more <see cref="HeadlineValue"/>s from its JSON.</summary>
public sealed record CompareHeadline(Func<JsonElement, IEnumerable<HeadlineValue>> Read)
{
    /// <summary>The number at the dotted <paramref name="path"/> (e.g. "speciation.measured"), its standard error at <paramref name="stdErrPath"/>.</summary>
    public static CompareHeadline At(string quantity, string path, string? stdErrPath = null) =>
        new(json => [new HeadlineValue(quantity, CompareJson.Number(json, path), stdErrPath is null ? null : CompareJson.Number(json, stdErrPath))]);

    /// <summary>A number computed from the record (e.g. a standard error from a spread and a count).</summary>
    public static CompareHeadline Computed(string quantity, Func<JsonElement, double?> value, Func<JsonElement, double?>? stdErr = null) =>
        new(json => [new HeadlineValue(quantity, value(json), stdErr?.Invoke(json))]);

    /// <summary>One headline per item of the array at <paramref name="arrayPath"/>, named by <paramref name="quantity"/>(item).</summary>
    public static CompareHeadline Each(string arrayPath, Func<JsonElement, string> quantity, string path, string? stdErrPath = null) =>
        new(json => CompareJson.Items(json, arrayPath).Select(item =>
            new HeadlineValue(quantity(item), CompareJson.Number(item, path), stdErrPath is null ? null : CompareJson.Number(item, stdErrPath))));
}

/// <summary>A figure of a command that a comparison overlays: every run's series of it in one plot.</summary>
/// <param name="Name">File name of the overlay figure (without extension).</param>
/// <param name="Title">Figure title.</param>
/// <param name="LogX">Plot x on a log scale (times spanning decades).</param>
/// <param name="Read">The run's series of this curve.</param>
public sealed record CompareCurve(string Name, string Title, string XLabel, string YLabel, bool LogX, Func<JsonElement, IReadOnlyList<CurveSeries>> Read)
{
    /// <summary>
    /// The curve made of the objects of the array at <paramref name="arrayPath"/>: x, y and optional standard error are
    /// fields of each object (points with a missing or non-finite x or y are left out).
    /// </summary>
    public static CompareCurve Of(string name, string title, string xLabel, string yLabel, string arrayPath, string x, string y,
        string? stdErr = null, bool logX = false) =>
        new(name, title, xLabel, yLabel, logX, json => CompareJson.Series("", CompareJson.Items(json, arrayPath), x, y, stdErr) is { } s ? [s] : []);

    /// <summary>One series per item of <paramref name="groupPath"/> (labelled by <paramref name="label"/>), its points the array at <paramref name="arrayPath"/> of the item.</summary>
    public static CompareCurve Grouped(string name, string title, string xLabel, string yLabel, string groupPath, Func<JsonElement, string> label,
        string arrayPath, string x, string y, string? stdErr = null, bool logX = false) =>
        new(name, title, xLabel, yLabel, logX, json => CompareJson.Items(json, groupPath)
            .Select(g => CompareJson.Series(label(g), CompareJson.Items(g, arrayPath), x, y, stdErr)).OfType<CurveSeries>().ToArray());
}

/// <summary>
/// What <c>diffdyn compare</c> reads from the runs of one command: the result file, its headline numbers and the curves
/// whose figures it overlays. One descriptor per supported command (<see cref="For"/>); the comparison itself is generic.
/// </summary>
/// <param name="Command">The command that wrote the runs (manifest.json's "command").</param>
/// <param name="ResultFile">Its result file in the run folder, e.g. "regimes.json".</param>
/// <param name="CompanionFile">A second result of the same run that compares as a run of its own (regimes --model writes the exact score's as "regimes-exact.json").</param>
public sealed record CompareDescriptor(string Command, string ResultFile, IReadOnlyList<CompareHeadline> Headlines, IReadOnlyList<CompareCurve> Curves,
    string? CompanionFile = null)
{
    /// <summary>The descriptors of every command that <c>compare</c> supports.</summary>
    public static IReadOnlyList<CompareDescriptor> All { get; } =
    [
        new("regimes", "regimes.json",
        [
            CompareHeadline.At("t_S theory = ½ ln Λ", "speciation.theory"),
            CompareHeadline.At("t_S measured (cloning)", "speciation.measured", "speciation.stderr"),
            CompareHeadline.At("t_C theory, Gaussian data", "collapse.theoryGaussian"),
            CompareHeadline.At("t_C theory, data's spectrum", "collapse.theoryAnisotropic"),
            CompareHeadline.At("t_C from the excess entropy (f = 0)", "collapse.entropyCrossing", "collapse.entropyCrossingStderr"),
            // Standard error of a mean over the trajectories: sd / √m.
            CompareHeadline.Computed("t̂_C last change (mean)", j => CompareJson.Number(j, "collapse.lastChangeMean"),
                j => CompareJson.Number(j, "collapse.lastChangeStd") is double sd && CompareJson.Items(j, "collapse.lastChangeTimes").Count() is > 1 and var m
                    ? sd / Math.Sqrt(m) : null),
            CompareHeadline.At("memorized share", "collapse.memorizedFraction"),
        ],
        [
            CompareCurve.Of("speciation", "Speciation: normalized clone agreement φ̃(t)", "OU time t", "φ̃(t)", "speciation.curve", "t", "phiNormalized", logX: true),
            CompareCurve.Of("speciation-raw", "Speciation: clone agreement φ(t)", "OU time t", "φ(t)", "speciation.curve", "t", "phi", "stderr", logX: true),
            CompareCurve.Of("collapse", "Collapse: same nearest training point φ_C(t)", "OU time t", "φ_C(t)", "collapse.curve", "t", "phiC", "stderr", logX: true),
            CompareCurve.Of("excess-entropy", "Excess entropy f(t)", "OU time t", "f(t)", "collapse.entropyCurve", "t", "f", "stdErr", logX: true),
        ], CompanionFile: "regimes-exact.json"),
        new("entropy", "entropy.json",
        [
            CompareHeadline.At("peak of the entropy rate: t", "peak.t"),
            CompareHeadline.At("peak of the entropy rate: −dH/dt", "peak.rate"),
            CompareHeadline.At("t_S theory", "speciationTheory"),
            CompareHeadline.At("peak of the pathwise variance: t", "variancePeakT"),
        ],
        [
            CompareCurve.Of("class-entropy", "Class entropy H(Y | x_t)", "OU time t", "H (nats)", "curve", "t", "H", "stderr", logX: true),
            CompareCurve.Of("entropy-rate", "Entropy rate −dH/dt", "OU time t", "−dH/dt", "curve", "t", "rate", "rateStderr", logX: true),
        ]),
        new("symmetry", "symmetry.json",
        [
            CompareHeadline.At("critical time t_c (tracked fixed point)", "criticalTime"),
            CompareHeadline.At("critical time at the centre", "criticalTimeAtCentre"),
            CompareHeadline.At("critical time, closed form", "criticalTimeClosedForm"),
            CompareHeadline.At("t_S = ½ ln Λ", "speciationTime"),
        ],
        [
            CompareCurve.Of("largest-eigenvalue", "Largest eigenvalue of the drift's Jacobian at the centre", "OU time t", "largest eigenvalue", "centreCurve", "t", "largestAtCentre"),
        ]),
        new("spectrum", "spectrum.json",
        [
            CompareHeadline.Each("sizes", s => $"N = {Label(s, "n")}: collapse time", "collapseTime"),
            CompareHeadline.Each("sizes", s => $"N = {Label(s, "n")}: measured loss time", "losses.measuredLossTime"),
            CompareHeadline.Each("sizes", s => $"N = {Label(s, "n")}: theory loss time", "losses.theoryLossTime"),
        ],
        [
            CompareCurve.Grouped("tangent-dimension", "Tangent dimension of the score's Jacobian", "OU time t", "tangent dimension",
                "sizes", s => $"N = {Label(s, "n")}", "curve", "t", "tangentDimension", "tangentStderr", logX: true),
        ]),
        new("sample", "sample.json",
        [
            // Binomial standard error of a share of m samples: √(p(1 − p)/m).
            CompareHeadline.Computed("memorized share", j => CompareJson.Number(j, "memorizedFraction"),
                j => CompareJson.Number(j, "memorizedFraction") is double p && CompareJson.Number(j, "samples") is double m and > 0 ? Math.Sqrt(p * (1 - p) / m) : null),
            CompareHeadline.At("mean distance to the nearest training point", "meanNearestDistance"),
            CompareHeadline.At("median d₁/d₂", "medianRatio"),
            CompareHeadline.At("score evaluations (NFE)", "sampler.nfe"),
        ], []),
        new("accelerate", "accelerate.json",
        [
            CompareHeadline.At("t_skip", "tSkip.value"),
            CompareHeadline.At("FD floor (reference vs reference)", "floor.fd", "floor.stderr"),
            CompareHeadline.Each("runs", r => $"FD {Label(r, "sampler")}, {Label(r, "start")}, NFE {Label(r, "nfe")}", "fd", "fdStderr"),
        ],
        [
            new CompareCurve("fd-vs-nfe", "Fréchet distance against score evaluations", "NFE", "FD", LogX: true, FdCurves),
            CompareCurve.Of("explained-variance", "Explained variance of the Gaussian score", "OU time t", "EV(t)", "tSkip.curve", "t", "ev", "stderr", logX: true),
        ]),
    ];

    /// <summary>The names of the supported commands, for messages.</summary>
    public static string Supported => string.Join(", ", All.Select(d => d.Command));

    /// <summary>The descriptor of <paramref name="command"/>, null when compare does not support it.</summary>
    public static CompareDescriptor? For(string command) => All.FirstOrDefault(d => d.Command == command);

    private static string Label(JsonElement item, string field) =>
        item.TryGetProperty(field, out var v) ? v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("G6", CultureInfo.InvariantCulture) : v.ToString() : "?";

    /// <summary>accelerate: one FD-against-NFE series per (sampler, start), its points the runs of that pair.</summary>
    private static IReadOnlyList<CurveSeries> FdCurves(JsonElement json) =>
        CompareJson.Items(json, "runs").GroupBy(r => $"{Label(r, "sampler")}, {Label(r, "start")}")
            .Select(g => CompareJson.Series(g.Key, g.OrderBy(r => CompareJson.Number(r, "nfe") ?? 0), "nfe", "fd", "fdStderr"))
            .OfType<CurveSeries>().ToArray();
}

/// <summary>Reading numbers and arrays from a result file's JSON by dotted paths.</summary>
public static class CompareJson
{
    /// <summary>The element at the dotted <paramref name="path"/> ("" is the element itself); null when a step is missing.</summary>
    public static JsonElement? At(JsonElement json, string path)
    {
        var current = json;
        if (path.Length == 0) return current;
        foreach (var step in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out current)) return null;
        }
        return current;
    }

    /// <summary>The finite number at <paramref name="path"/>; null when missing, null, not a number or not finite ("NaN" strings included).</summary>
    public static double? Number(JsonElement json, string path)
    {
        if (At(json, path) is not { } e) return null;
        double v = e.ValueKind switch
        {
            JsonValueKind.Number => e.GetDouble(),
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) => s,
            _ => double.NaN,
        };
        return double.IsFinite(v) ? v : null;
    }

    /// <summary>The items of the array at <paramref name="path"/> (none when it is missing or not an array).</summary>
    public static IEnumerable<JsonElement> Items(JsonElement json, string path) =>
        At(json, path) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().ToArray() : [];

    /// <summary>A series from objects with fields x, y and optional stdErr; null when no point has a finite x and y.</summary>
    public static CurveSeries? Series(string label, IEnumerable<JsonElement> items, string x, string y, string? stdErr)
    {
        var points = items.Select(i => (X: Number(i, x), Y: Number(i, y), E: stdErr is null ? null : Number(i, stdErr)))
            .Where(p => p.X is not null && p.Y is not null).ToArray();
        if (points.Length == 0) return null;
        return new CurveSeries(label, points.Select(p => p.X!.Value).ToArray(), points.Select(p => p.Y!.Value).ToArray(),
            stdErr is null || points.All(p => p.E is null) ? null : points.Select(p => p.E ?? 0).ToArray());
    }
}
