using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Neural;
using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for training runs, drawn from the JSONL training log alone.</summary>
public static class TrainFigures
{
    /// <summary>
    /// Loss against step from <c>train-log.jsonl</c>: every logged window mean ("loss") as a point, the bias-corrected EMA of the
    /// per-step loss ("lossEma", factor <see cref="CheckpointInfo.LossEmaFactor"/>) as a line, and its last value labelled as the
    /// final loss; log-scaled y with labelled ticks however narrow the range.
    /// </summary>
    public static string LossCurve(string logPath, string directory, string name = "loss")
    {
        var steps = new List<double>();
        var losses = new List<double>();
        var emaSteps = new List<double>();
        var emas = new List<double>();
        foreach (var line in File.ReadLines(logPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("step", out var s) || !root.TryGetProperty("loss", out var l)) continue;
            double loss = l.GetDouble();
            if (!(loss > 0) || !double.IsFinite(loss)) continue;
            steps.Add(s.GetDouble());
            losses.Add(Math.Log10(loss));
            if (root.TryGetProperty("lossEma", out var e) && e.GetDouble() is double ema && ema > 0 && double.IsFinite(ema))
            {
                emaSteps.Add(s.GetDouble());
                emas.Add(Math.Log10(ema));
            }
        }
        var plot = Figure.Create($"Training loss ({steps.Count} logged points)", "step", "DSM loss (log scale)");
        if (steps.Count > 0)
        {
            var points = plot.Add.Scatter(steps.ToArray(), losses.ToArray());
            points.LineWidth = 1;
            points.MarkerSize = 5;
            points.LegendText = "mean loss over each logged window";
        }
        if (emas.Count > 0)
        {
            var ema = plot.Add.ScatterLine(emaSteps.ToArray(), emas.ToArray());
            ema.LineWidth = 2;
            ema.Color = Colors.Black;
            ema.LinePattern = LinePattern.Dashed;
            ema.LegendText = $"EMA of the per-step loss (factor {CheckpointInfo.LossEmaFactor.ToString(CultureInfo.InvariantCulture)})";
            var last = plot.Add.ScatterPoints(new[] { emaSteps[^1] }, new[] { emas[^1] });
            last.Color = Colors.Red;
            last.MarkerSize = 9;
            last.LegendText = $"final loss (EMA) = {ReportFormat.Number(Math.Pow(10, emas[^1]), "G4")}";
        }
        Figure.LogAxis(plot.Axes.Left);
        return Figure.Save(plot, directory, name);
    }
}
