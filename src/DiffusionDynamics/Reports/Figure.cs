using ScottPlot;

namespace DiffusionDynamics.Reports;

/// <summary>House style for figures and the PNG + SVG pair every figure is saved as.</summary>
public static class Figure
{
    private static bool styled;

    /// <summary>A new plot in the house style (DejaVu Sans, white background).</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        if (!styled)
        {
            Fonts.Default = "DejaVu Sans";
            styled = true;
        }
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Saves <paramref name="plot"/> as <c>{name}.png</c> and <c>{name}.svg</c> in <paramref name="directory"/>; returns the PNG file name.</summary>
    public static string Save(Plot plot, string directory, string name, int width = 720, int height = 480)
    {
        plot.SavePng(Path.Combine(directory, name + ".png"), width, height);
        plot.SaveSvg(Path.Combine(directory, name + ".svg"), width, height);
        return name + ".png";
    }
}
