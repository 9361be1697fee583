using DiffusionDynamics.Reports;
using DiffusionDynamics.Tests.Cli;
using ScottPlot;

namespace DiffusionDynamics.Tests.ReportTests;

/// <summary>
/// The house style checked on the figures the commands actually draw (recorded at <see cref="Figure.Save"/>): every series inside the
/// axis limits, legend swatches with their series' line pattern and long enough to show it, no "(dashed)" words in labels, and at
/// least two labelled ticks on every log axis.
/// </summary>
public class FigureStyleTests : CliHarness
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "regimes", ["regimes", "--data", "two-cluster:d=32,n=300,mu=1,sigma=1,seed=1", "--pairs", "8", "--branches", "4", "--steps", "40", "--entropy-samples", "16", "--bootstrap", "10"] },
        { "symmetry", ["symmetry", "--data", "points:-1,1", "--times", "20"] },
        { "spectrum", ["spectrum", "--data", "gaussian:d=8,n=200,spectrum=geometric:4:0.5", "--point-count", "2", "--times", "6"] },
        { "memory", ["memory", "--data", "circle:n=16", "--sizes", "4,16", "--times", "0.01,0.5", "--samples", "8", "--steps", "40", "--starts", "16", "--basin-points", "2", "--basin-trials", "4", "--landscape-n", "32"] },
        { "accelerate", ["accelerate", "--data", "two-cluster:d=4,n=300,seed=1", "--samples", "64", "--nfe", "5,11", "--samplers", "sde,ddim", "--bootstrap", "10", "--features", "identity"] },
        { "sample", ["sample", "--data", "two-cluster:d=8,n=200", "--samples", "16", "--steps", "30"] },
        { "train", ["train", "--data", "two-cluster:d=4,n=100,mu=1,sigma=0.5,seed=2", "--steps", "30", "--width", "16", "--depth", "2", "--samples", "8"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryFigure_HoldsItsData_ShowsLinePatternsInTheLegend_AndLabelsItsLogAxes(string name, string[] args)
    {
        IReadOnlyList<Plot> plots;
        int code;
        string stderr;
        using (Figure.Record(out plots))
            (code, _, stderr) = Run([.. args, "--out", Path.Combine(Root, name)]);
        Assert.True(code == 0, stderr);
        Assert.NotEmpty(plots);
        foreach (var plot in plots) AssertHouseStyle(plot);
    }

    [Fact]
    public void Finish_WidensLimitsThatClipTheData_AndMovesTheLegendOutside()
    {
        var plot = Figure.Create("clipped", "x", "y");
        var line = plot.Add.ScatterLine(new[] { 0.0, 1, 2 }, new[] { -10.0, 0, 30 });
        line.LegendText = "series";
        var dashed = plot.Add.HorizontalLine(5);
        dashed.LinePattern = LinePattern.Dashed;
        dashed.LegendText = "level";
        plot.Axes.SetLimitsY(-3, 4); // what a recipe clipping its data did
        plot.ShowLegend(Alignment.UpperRight);
        var (width, height) = Figure.Finish(plot, 720, 480);
        Assert.True(width > 720, "the image grows by the outside legend's width");
        Assert.Equal(480, height);
        plot.RenderInMemory(width, height);
        AssertHouseStyle(plot);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Bottom <= -10 && limits.Top >= 30, $"y limits [{limits.Bottom}, {limits.Top}] clip [−10, 30]");
    }

    [Theory]
    [InlineData(-1.7, -1.1)] // 0.02 … 0.08: under a decade
    [InlineData(0.05, 0.25)] // 1.12 … 1.78: no 1-2-5 multiple inside, 1…9 gives none either → evenly spaced
    [InlineData(-0.9, -0.85)]
    [InlineData(-3, 2)]
    public void LogTicks_GiveAtLeastTwoLabelledTicks_OnAnyRange(double min, double max)
    {
        var majors = LogTicks.Generate(min, max).Where(t => t.IsMajor).ToArray();
        Assert.True(majors.Length >= 2, $"{majors.Length} major ticks on [{min}, {max}]");
        Assert.All(majors, t => Assert.InRange(t.Position, min, max));
        Assert.All(majors, t => Assert.Equal(LogTicks.Label(t.Position), t.Label));
    }

    [Fact]
    public void LogTicks_OverManyDecades_PutMajorsAtPowersOfTen()
    {
        var majors = LogTicks.Generate(-3.2, 1.5).Where(t => t.IsMajor).Select(t => t.Position).ToArray();
        Assert.Equal([-3.0, -2, -1, 0, 1], majors);
        Assert.Equal("0.001", LogTicks.Label(-3));
    }

    /// <summary>The checks of the house style on one rendered plot.</summary>
    public static void AssertHouseStyle(Plot plot)
    {
        string title = plot.Axes.Title.Label.Text;
        var limits = plot.Axes.GetLimits();
        var data = Figure.DataLimits(plot);
        // Every finite data point inside the frame (a relative 1e-9 of the span for rounding in the limit arithmetic).
        double dx = 1e-9 * Math.Max(1, limits.Right - limits.Left), dy = 1e-9 * Math.Max(1, limits.Top - limits.Bottom);
        if (double.IsFinite(data.Left)) Assert.True(data.Left >= limits.Left - dx && data.Right <= limits.Right + dx, $"'{title}': x data [{data.Left}, {data.Right}] outside [{limits.Left}, {limits.Right}]");
        if (double.IsFinite(data.Bottom)) Assert.True(data.Bottom >= limits.Bottom - dy && data.Top <= limits.Top + dy, $"'{title}': y data [{data.Bottom}, {data.Top}] outside [{limits.Bottom}, {limits.Top}]");

        var items = plot.Legend.GetItems().Where(i => !string.IsNullOrEmpty(i.LabelText)).ToArray();
        foreach (var item in items)
        {
            Assert.DoesNotContain("(dashed)", item.LabelText);
            Assert.DoesNotContain("(dotted)", item.LabelText);
            if (item.Plottable?.GetType().GetProperty("LinePattern")?.GetValue(item.Plottable) is LinePattern pattern)
                Assert.True(pattern.Equals(item.LineStyle.Pattern), $"'{title}': legend item '{item.LabelText}' has another line pattern than its series");
        }
        if (items.Length > 0)
        {
            Assert.True(plot.Legend.SymbolWidth >= Figure.LegendSymbolWidth, $"'{title}': legend swatches too short to show a dash");
            Assert.False(plot.Legend.IsVisible, $"'{title}': legend inside the data area");
        }

        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
            if (axis.TickGenerator is LogTicks ticks)
                Assert.True(ticks.Ticks.Count(t => t.IsMajor && t.Position >= axis.Range.Min && t.Position <= axis.Range.Max) >= 2, $"'{title}': a log axis with fewer than two labelled ticks");
    }
}
