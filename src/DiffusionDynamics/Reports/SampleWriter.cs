using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Reports;

/// <summary>A sampling run: its result, the training set, the options it ran with and the trained model folder (null: exact empirical score).</summary>
public sealed record SampleReport(SampleResult Result, Dataset Data, SampleOptions Options, string? ModelDir = null);

/// <summary>Writer of <c>diffdyn sample</c>: samples.npy, nearest.csv, sample.json, the figures and the report (copies: d₁/d₂ &lt; 1/3, docs/theory.md §4).</summary>
public sealed class SampleWriter : IReportWriter<SampleReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn sample";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn sample — generation and copies of training points";

    /// <summary>The header line printed before sampling.</summary>
    public static string Header(Dataset data, SampleOptions options)
    {
        var grid = options.SamplerGrid();
        return $"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; {options.Samples} samples, {grid.Steps} {OptionTokens.Of(options.Sampler)} steps from t = {grid.Start.ToString("G4", Inv)} to t_min = {grid.End.ToString("G4", Inv)} (start: {StartText(options.StartRule, options.FullGrid().Start)})";
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(SampleReport r)
    {
        var (result, data, options) = (r.Result, r.Data, r.Options);
        var samplerGrid = options.SamplerGrid();
        var start = options.StartRule;
        return
        [
            ("data", data.Name),
            ("training points n", data.Count.ToString(Inv)),
            ("dimension d", data.Dimension.ToString(Inv)),
            ("score", RunDescription.Score("exact empirical score", r.ModelDir)),
            ("sampler", $"{OptionTokens.Of(options.Sampler)}{(options.DdimEta > 0 ? $" (η = {options.DdimEta.ToString("G3", Inv)})" : "")}, {samplerGrid.Steps} steps run, t = {samplerGrid.Start.ToString("G4", Inv)} → t_min = {samplerGrid.End.ToString("G4", Inv)} (OU)"),
            ("grid", samplerGrid.Name),
            ("start", StartText(start, options.FullGrid().Start)),
            ("denoiser evaluations per sample (NFE)", result.DenoiserEvaluations.ToString(Inv)),
            ("samples", result.Count.ToString(Inv)),
            ("memorized share (d₁/d₂ < 1/3)", result.MemorizedFraction.ToString("P1", Inv)),
            ("median d₁/d₂", ReportFormat.Median(result.Neighbours.Ratios).ToString("F3", Inv)),
            ("sampling time", $"{result.SamplingSeconds:F1} s" + (start.UsesGaussian ? $" (+ {result.GaussianFitSeconds:F1} s fitting the data's Gaussian once)" : "")),
        ];
    }

    /// <inheritdoc />
    public void WriteData(SampleReport r, RunOutput output)
    {
        var (result, data, options) = (r.Result, r.Data, r.Options);
        var shape = new[] { result.Count }.Concat(data.ItemShape).ToArray();
        Npy.Write(output.File("samples.npy"), result.Samples, shape);
        var nn = result.Neighbours;
        var ratios = nn.Ratios;
        var memorized = nn.Memorized();
        Csv.WriteTable(output.File("nearest.csv"), ["sample", "nearest", "distance1", "second", "distance2", "ratio", "memorized"],
            Enumerable.Range(0, result.Count).Select(i => new double[] { i, nn.Nearest[i], nn.NearestDistance[i], nn.SecondNearest[i], nn.SecondDistance[i], ratios[i], memorized[i] ? 1 : 0 }));
        var samplerGrid = options.SamplerGrid();
        var start = options.StartRule;
        output.Json("sample.json", new
        {
            clock = "OU time t",
            data = new { name = data.Name, n = data.Count, d = data.Dimension, itemShape = data.ItemShape, preprocessing = data.Preprocessing },
            sampler = new
            {
                kind = OptionTokens.Of(options.Sampler), grid = samplerGrid.Name, tMax = options.TMax, tMin = options.TMin, steps = options.Steps, stepsRun = samplerGrid.Steps,
                samplerStart = samplerGrid.Start, start = OptionTokens.Of(start.Kind), tSkip = start.TimeSkip, nfe = result.DenoiserEvaluations,
                precision = options.Precision.ToString(), ddimEta = options.DdimEta,
            },
            samples = result.Count,
            memorizedFraction = result.MemorizedFraction,
            meanNearestDistance = nn.NearestDistance.Average(),
            medianRatio = ReportFormat.Median(ratios),
            samplingSeconds = result.SamplingSeconds,
            gaussianFitSeconds = result.GaussianFitSeconds,
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(SampleReport r, RunOutput output)
    {
        var files = new List<(string File, string Caption)>();
        if (r.Data.IsImage)
            files.Add((SampleFigures.SamplesBesideNearest(r.Result, r.Data, output.Folder),
                "Every generated sample (left of each pair, labelled s_i) beside its nearest training image (right, labelled with d₁/d₂; below 1/3 a copy)."));
        else
            files.Add((SampleFigures.Scatter(r.Result, r.Data, output.Folder), "Training points and generated samples (first two coordinates)."));
        files.Add((SampleFigures.RatioHistogram(r.Result, output.Folder),
            "Nearest/second-nearest training distance ratio; below 1/3 a sample counts as a copy (Biroli et al. 2024)."));
        return files.Select(f => new ReportFigure(f.File, f.Caption, File.Exists(output.File(Path.ChangeExtension(f.File, ".svg"))))).ToList();
    }

    /// <inheritdoc />
    public void WriteReport(SampleReport r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        var samplerGrid = r.Options.SamplerGrid();
        html.Paragraph(RunDescription.Sentence($"{r.Data.Name} (n = {r.Data.Count}, d = {r.Data.Dimension})",
            RunDescription.Score("exact empirical score", r.ModelDir), OptionTokens.Of(r.Options.Sampler), OptionTokens.Of(r.Options.StartRule.Kind), samplerGrid.Name));
        html.Summary(rows).Figures(figures);
        html.Heading("Files").Links([
            ("samples.npy", "generated samples, float32, shape [S, item shape]"),
            ("nearest.csv", "nearest and second-nearest training points and distances per sample"),
            ("sample.json", "summary numbers"),
            ("manifest.json", "command, options, seed, version, runtime, timings"),
        ]);
        html.Paragraph("Times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.");
    }

    /// <summary>The start rule in words.</summary>
    public static string StartText(StartOptions start, double T) => start.Kind switch
    {
        StartKind.Noise => $"x(T) ~ N(0, I) at T = {T.ToString("G4", Inv)}",
        StartKind.ForwardMarginal => $"exact draw from P_T of the data at T = {T.ToString("G4", Inv)}",
        StartKind.Teleport => $"teleport: N(0, I) at T = {T.ToString("G4", Inv)}, Gaussian PF-ODE jump to t_skip = {start.TimeSkip!.Value.ToString(Inv)}",
        _ => $"Gaussian late start: x(t_skip) ~ N(e^-t m, e^-2t C + Δ I) at t_skip = {start.TimeSkip!.Value.ToString(Inv)}",
    };
}
