using DiffusionDynamics.Analysis;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.ReportTests;

/// <summary>Report text generated from what ran: numbers by significance, option names as typed, statistics that say when they mean nothing.</summary>
public class ReportWriterTests
{
    [Theory]
    [InlineData(1.2834, null, "1.283")]
    [InlineData(0.93312, null, "0.933")]
    [InlineData(0.0012345, null, "0.0012")] // a circle CSV's t_C: two significant digits at least, not "0.001"
    [InlineData(0.05, null, "0.050")]
    [InlineData(0.0966, null, "0.097")]
    [InlineData(103.84, null, "103.840")]
    [InlineData(12345.6, null, "12346")]
    [InlineData(1.5e-7, null, "1.50e-07")]
    [InlineData(0.0, null, "0.000")]
    [InlineData(-0.00042, "F3", "-0.00042")] // an explicit fixed format keeps two significant digits too
    [InlineData(0.44069, "F4", "0.4407")]
    [InlineData(2.5, "G4", "2.5")]
    public void Number_KeepsAtLeastTwoSignificantDigits_AndThreeDecimals(double value, string? format, string expected) =>
        Assert.Equal(expected, ReportFormat.Number(value, format));

    [Fact]
    public void Number_MissingOrNotFinite_IsADash()
    {
        Assert.Equal("—", ReportFormat.Number(null));
        Assert.Equal("—", ReportFormat.Number(double.NaN));
        Assert.Equal("—", ReportFormat.Number(double.PositiveInfinity, "F3"));
    }

    [Fact]
    public void WithError_RoundsTheValueToTheErrorsTwoSignificantDigits()
    {
        Assert.Equal("0.816 ± 0.012", ReportFormat.WithError(0.81649, 0.0123));
        Assert.Equal("0.81649 ± 0.00012", ReportFormat.WithError(0.816494, 0.000123));
        Assert.Equal("0.816", ReportFormat.WithError(0.8164, double.NaN));
    }

    [Fact]
    public void Share_OfNone_IsABoundFromTheCount_NotZeroPercent()
    {
        Assert.Equal("0 of 256 (< 0.39 %)", ReportFormat.Share(0, 256));
        Assert.Equal("12.5 %", ReportFormat.Share(0.125, 256));
    }

    [Fact]
    public void OptionTokens_NameChoicesAsTheCliDoes_AndReadBothTokensAndEnumNames()
    {
        Assert.Equal("sde", OptionTokens.Of(SamplerKind.EulerMaruyama));
        Assert.Equal("ode-heun", OptionTokens.Of(SamplerKind.OdeHeun));
        Assert.Equal("log-snr", OptionTokens.Of(AccelerationGrid.LogSnr));
        Assert.Equal("noise", OptionTokens.Of(StartKind.Noise));
        Assert.Equal("gaussian", OptionTokens.Of(StartKind.GaussianLateStart));
        Assert.Equal("mlp", OptionTokens.Of(NetworkKind.Mlp));
        Assert.Equal("ddpm-linear", OptionTokens.Of(Clock.DdpmLinear));
        // Every sampler's token is the registry's, so the CLI accepts what output prints.
        Assert.All(SamplerRegistry.All, m => Assert.Equal(m.Token, OptionTokens.Of(m.Kind)));
        string json = System.Text.Json.JsonSerializer.Serialize(new { s = SamplerKind.DpmSolver2M, g = AccelerationGrid.LogSnr }, RunManifest.JsonOptions);
        Assert.Contains("\"dpm2m\"", json);
        Assert.Contains("\"log-snr\"", json);
        // Files written before tokens (enum names) still read.
        Assert.Equal(SamplerKind.OdeHeun, System.Text.Json.JsonSerializer.Deserialize<SamplerKind>("\"OdeHeun\"", RunManifest.JsonOptions));
        Assert.Equal(SamplerKind.OdeHeun, System.Text.Json.JsonSerializer.Deserialize<SamplerKind>("\"ode-heun\"", RunManifest.JsonOptions));
        Assert.Equal(StartKind.ForwardMarginal, System.Text.Json.JsonSerializer.Deserialize<StartKind>("\"marginal\"", RunManifest.JsonOptions));
    }

    private static CollapseResult Collapse(double memorized, double? crossing) =>
        new(1.283, 0.933, null, crossing, crossing is null ? null : 0.01, 0.752, 1.618, [0.1, 0.5, 2.0], memorized, 0.01,
            [new CollapsePoint(0.01, 0.1, 0.01, 1, 0.1, 1), new CollapsePoint(2.0, 0.0, 0.01, 1, 0.1, 1)]);

    [Fact]
    public void LastChange_OfAModelThatDoesNotMemorize_IsReportedAsNotMeaningful()
    {
        Assert.StartsWith("not meaningful: 0.0 % of the samples", RegimesWriter.LastChangeText(Collapse(0, 0.8), 128));
        Assert.Equal("0.752 (sd 1.618)", RegimesWriter.LastChangeText(Collapse(1, 0.8), 128));
    }

    [Fact]
    public void EntropyCrossing_OutsideTheMeasuredTimes_OrAbsent_IsNoNumber()
    {
        Assert.StartsWith("— (the zero 5.000 lies outside the measured times [0.010, 2.000])", RegimesWriter.EntropyCrossingText(Collapse(1, 5.0)));
        Assert.StartsWith("— (f does not change sign", RegimesWriter.EntropyCrossingText(Collapse(1, null)));
        Assert.Equal("0.800 ± 0.010", RegimesWriter.EntropyCrossingText(Collapse(1, 0.8)));
    }

    [Fact]
    public void RunDescription_NamesTheModelFolderOrOnnxFile_AndTheTokens()
    {
        string trained = RunDescription.Sentence("builtin (n = 4000, d = 784)", RunDescription.Score("trained model (NeuralDenoiser)", "runs/train-1"), "sde", "noise", "uniform");
        Assert.Contains("score: the trained network in runs/train-1", trained);
        Assert.DoesNotContain("exact empirical", trained);
        Assert.Contains("sampler sde (start noise) on the uniform grid", trained);
        Assert.Contains("the ONNX model m.onnx", RunDescription.Score("imported", "m.onnx"));
        Assert.Equal("exact empirical score of the training set", RunDescription.Score("exact empirical score", null));
    }

    [Fact]
    public void StepsSaved_ALowerBoundAtOrBelowZero_SaysNoBound_NotZeroPercent()
    {
        Assert.Equal("no bound (as good at every budget)", AccelerateWriter.SavedText(new StepsSavedPoint(10, 1.0, 10, 0.0, SavedKind.AtLeast)));
        Assert.Equal("≥40%", AccelerateWriter.SavedText(new StepsSavedPoint(10, 1.0, 6, 0.4, SavedKind.AtLeast)));
        Assert.Equal("<-20%", AccelerateWriter.SavedText(new StepsSavedPoint(10, 1.0, 12, -0.2, SavedKind.LessThan)));
        Assert.Equal("35%", AccelerateWriter.SavedText(new StepsSavedPoint(20, 1.0, 13, 0.35, SavedKind.Interpolated)));
        Assert.Equal("at floor", AccelerateWriter.SavedText(new StepsSavedPoint(50, 0.1, null, null, SavedKind.AtFloor)));
    }
}
