using System.Text.Json;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for training runs, drawn from the JSONL training log alone.</summary>
public static class TrainFigures
{
    /// <summary>Loss against step from <c>train-log.jsonl</c> (fields "step" and "loss"); log-scaled y.</summary>
    public static string LossCurve(string logPath, string directory, string name = "loss")
    {
        var steps = new List<double>();
        var losses = new List<double>();
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
        }
        var plot = Figure.Create("Training loss", "step", "loss (log scale)");
        if (steps.Count > 0)
        {
            var line = plot.Add.ScatterLine(steps.ToArray(), losses.ToArray());
            line.MarkerSize = 0;
        }
        Figure.LogAxis(plot.Axes.Left);
        return Figure.Save(plot, directory, name);
    }
}
