namespace DiffusionDynamics.Reports;

/// <summary>The overlay figures of a comparison: one per curve of the command, every run's series in it.</summary>
public static class CompareFigures
{
    /// <summary>Draws each curve of <paramref name="result"/> into <paramref name="directory"/>; returns the figures in order.</summary>
    public static IReadOnlyList<ReportFigure> Draw(CompareResult result, string directory)
    {
        var figures = new List<ReportFigure>();
        foreach (var curve in result.Curves)
        {
            var plot = Figure.Create(curve.Title, curve.XLabel, curve.YLabel);
            foreach (var series in curve.Series)
            {
                // On a log axis the data are plotted as log10 x (points at x ≤ 0 cannot be shown and are left out).
                var keep = Enumerable.Range(0, series.X.Length).Where(i => !curve.LogX || series.X[i] > 0).ToArray();
                if (keep.Length == 0) continue;
                double[] xs = keep.Select(i => curve.LogX ? Math.Log10(series.X[i]) : series.X[i]).ToArray();
                double[] ys = keep.Select(i => series.Y[i]).ToArray();
                string label = series.Label.Length == 0 ? series.Run : $"{series.Run} — {series.Label}";
                if (series.StdErr is { } se)
                    Figure.PointsWithErrors(plot, xs, ys, keep.Select(i => se[i]).ToArray(), label, connect: true);
                else
                {
                    var line = plot.Add.Scatter(xs, ys);
                    line.LegendText = label;
                }
            }
            if (curve.LogX) Figure.LogAxis(plot.Axes.Bottom);
            plot.ShowLegend();
            string file = Figure.Save(plot, directory, curve.Name);
            figures.Add(new ReportFigure(file, $"{curve.Title}: {string.Join(", ", result.Runs.Select(r => r.Label))}" +
                (curve.Series.Any(s => s.StdErr is not null) ? " (bars: ±1 standard error)." : ".")));
        }
        return figures;
    }
}
