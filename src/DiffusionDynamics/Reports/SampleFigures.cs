using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Figure recipes for a <see cref="SampleResult"/>; each draws from the result (and the training data) alone.</summary>
public static class SampleFigures
{
    /// <summary>
    /// Image data: every generated sample (up to <paramref name="maxPairs"/>) beside its nearest training image, labelled in the image:
    /// "s<i>i</i>" under sample i, the training index and d₁/d₂ under its neighbour. Returns the PNG file name.
    /// </summary>
    public static string SamplesBesideNearest(SampleResult result, Dataset training, string directory, int maxPairs = 256, string name = "samples-vs-nearest")
    {
        if (!training.IsImage) throw new ArgumentException("Sample grids need image data.", nameof(training));
        int pairs = Math.Min(maxPairs, result.Count);
        var images = new List<float[]>();
        var labels = new List<string>();
        for (int i = 0; i < pairs; i++)
        {
            long nearest = result.Neighbours.Nearest[i];
            images.Add(result.Sample(i));
            images.Add(training.Row((int)nearest).ToArray());
            labels.Add($"s{i}");
            double ratio = result.Neighbours.Ratios[i];
            labels.Add(double.IsFinite(ratio) ? ratio.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "—");
        }
        string file = name + ".png";
        int scale = Math.Max(2, 56 / training.ItemShape[1]);
        ImageGrid.WritePng(Path.Combine(directory, file), images, training.ItemShape, columns: 16, scale: scale, labels: labels,
            header: $"{pairs} of {result.Count} samples: sample s_i, then its nearest training image labelled with d1/d2 (< 0.33: a copy)");
        return file;
    }

    /// <summary>Histogram of the nearest/second-nearest distance ratio with the copy threshold 1/3 marked.</summary>
    public static string RatioHistogram(SampleResult result, string directory, string name = "nearest-ratio")
    {
        var ratios = result.Neighbours.Ratios.Where(double.IsFinite).ToArray();
        var plot = Figure.Create($"Nearest/second-nearest distance ratio ({result.Count} samples)", "d₁ / d₂", "samples");
        Figure.Histogram(plot, ratios, 25, 0, 1);
        var line = plot.Add.VerticalLine(1.0 / 3.0);
        line.LegendText = $"copy threshold 1/3 — memorized {result.MemorizedFraction:P1}";
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        plot.ShowLegend();
        plot.Axes.SetLimitsX(0, 1);
        return Figure.Save(plot, directory, name);
    }

    /// <summary>Vector data: training points and samples on the first two coordinates (or the only one, against index).</summary>
    public static string Scatter(SampleResult result, Dataset training, string directory, string name = "samples-scatter")
    {
        int d = training.Dimension;
        var plot = Figure.Create("Training points and generated samples", d >= 2 ? "x₁" : "sample index", d >= 2 ? "x₂" : "x₁");
        var tx = new List<double>(); var ty = new List<double>();
        for (int i = 0; i < Math.Min(training.Count, 5000); i++)
        {
            var row = training.Row(i);
            tx.Add(d >= 2 ? row[0] : i); ty.Add(d >= 2 ? row[1] : row[0]);
        }
        var sx = new List<double>(); var sy = new List<double>();
        for (int i = 0; i < result.Count; i++)
        {
            var row = result.Sample(i);
            sx.Add(d >= 2 ? row[0] : i); sy.Add(d >= 2 ? row[1] : row[0]);
        }
        var tr = plot.Add.ScatterPoints(tx.ToArray(), ty.ToArray());
        tr.LegendText = "training";
        tr.MarkerSize = 4;
        var sm = plot.Add.ScatterPoints(sx.ToArray(), sy.ToArray());
        sm.LegendText = "generated";
        sm.MarkerSize = 5;
        plot.ShowLegend();
        return Figure.Save(plot, directory, name);
    }
}
