using DiffusionDynamics.Data;
using DiffusionDynamics.Scores.Onnx;
using DiffusionDynamics.Tests.Data;
using DiffusionDynamics.Time;
using static DiffusionDynamics.Tests.Scores.OnnxDenoiserTests;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>OU time ↔ model noise level (step, ᾱ, VP time, σ) against the closed forms of Time/.</summary>
public class OnnxClockTests
{
    private static readonly DiscreteSchedule Linear = DdpmLinearSchedule.Default;

    [Fact]
    public void NearestStep_RoundTripsEveryTableTime()
    {
        // OU t_k → step k → ᾱ_k: the step comes back exactly, t_k = −½ ln ᾱ_k, and e^{−2 t_k} = ᾱ_k.
        var clock = OnnxClock.Discrete(OnnxScheduleKind.DdpmLinear, Linear, OnnxTimestepMapping.Nearest, integerInput: true);
        for (int k = 0; k < Linear.Steps; k++)
        {
            var level = clock.Map(Linear.Time(k));
            var e = Assert.Single(level.Evaluations);
            Assert.Equal(k, e.ModelValue);
            Assert.Equal(Linear.Time(k), e.Time);
            Assert.Equal(0.0, level.TimeError);
            Assert.Equal(Linear.AlphaBar(k), OuTime.AlphaBar(e.Time), 1e-14);
            Assert.Equal(e.Time, OuTime.FromAlphaBar(Linear.AlphaBar(k)), 1e-12);
        }
        // Sanity values of docs/theory.md §1.
        Assert.Equal(0.9999, OuTime.AlphaBar(clock.Map(Linear.Time(0)).RepresentedTime), 12);
        Assert.Equal(0.078587, OuTime.AlphaBar(clock.Map(Linear.Time(499)).RepresentedTime), 6);
        Assert.Equal(4.0358e-5, OuTime.AlphaBar(clock.Map(Linear.Time(999)).RepresentedTime), 9);
    }

    [Fact]
    public void NearestStep_ErrorIsAtMostHalfAStep_AndClampsOutsideTheTable()
    {
        var clock = OnnxClock.Discrete(OnnxScheduleKind.DdpmLinear, Linear, OnnxTimestepMapping.Nearest, integerInput: true);
        for (int k = 0; k < Linear.Steps - 1; k += 37)
        {
            double h = Linear.Time(k + 1) - Linear.Time(k);
            foreach (double f in new[] { 0.1, 0.49, 0.51, 0.9 })
            {
                double t = Linear.Time(k) + f * h;
                var level = clock.Map(t);
                int expected = f < 0.5 ? k : k + 1;
                Assert.Equal(expected, level.Evaluations[0].ModelValue);
                Assert.Equal(Math.Abs(t - Linear.Time(expected)), level.TimeError, 15);
                Assert.True(level.TimeError <= 0.5 * h * (1 + 1e-12));
            }
        }
        var above = clock.Map(Linear.MaxTime + 1);
        Assert.Equal(999, above.Evaluations[0].ModelValue);
        Assert.Equal(1.0, above.TimeError, 12);
        var below = clock.Map(Linear.MinTime / 2);
        Assert.Equal(0, below.Evaluations[0].ModelValue);
        Assert.Equal(Linear.MinTime / 2, below.TimeError, 15);
    }

    [Fact]
    public void Interpolation_FloatInputGetsTheFractionalStep_IntegerInputMixesNeighbours()
    {
        var fractional = OnnxClock.Discrete(OnnxScheduleKind.DdpmLinear, Linear, OnnxTimestepMapping.Interpolate, integerInput: false);
        var mixed = OnnxClock.Discrete(OnnxScheduleKind.DdpmLinear, Linear, OnnxTimestepMapping.Interpolate, integerInput: true);
        foreach (double t in new[] { 0.003, 0.2, 1.3, 4.9 })
        {
            var f = fractional.Map(t);
            var e = Assert.Single(f.Evaluations);
            Assert.Equal(t, e.Time);
            Assert.Equal(t, Linear.TimeAt(e.ModelValue), 12); // κ(t) → t round trip
            Assert.Equal(0.0, f.TimeError);

            var m = mixed.Map(t);
            Assert.Equal(2, m.Evaluations.Count);
            var (lo, hi) = (m.Evaluations[0], m.Evaluations[1]);
            Assert.Equal(lo.ModelValue + 1, hi.ModelValue);
            Assert.Equal(Linear.Time((int)lo.ModelValue), lo.Time);
            Assert.InRange(t, lo.Time, hi.Time);
            Assert.Equal((t - lo.Time) / (hi.Time - lo.Time), hi.Weight, 12);
            Assert.Equal(1.0, lo.Weight + hi.Weight, 14);
            Assert.Equal(t, lo.Weight * lo.Time + hi.Weight * hi.Time, 12); // the weights interpolate t itself
        }
    }

    [Fact]
    public void VpSde_MapsToSTimesScale_AndClampsAtTheEnd()
    {
        var sde = VpSde.Default;
        var clock = OnnxClock.VpSdeClock(sde, 999);
        foreach (double t in new[] { 1e-4, 0.5, 2.0, 5.0 })
        {
            var level = clock.Map(t);
            double s = level.Evaluations[0].ModelValue / 999;
            Assert.Equal(sde.FromTime(t), s, 14);
            Assert.Equal(t, sde.TimeOf(s), 12);
            Assert.Equal(0.0, level.TimeError);
        }
        var late = clock.Map(7.0);
        Assert.Equal(999, late.Evaluations[0].ModelValue, 9);
        Assert.Equal(7.0 - sde.MaxTime, late.TimeError, 12);
    }

    [Fact]
    public void Edm_MapsToSigmaOrCNoise()
    {
        var d = OnnxClock.EdmClock(EdmPreconditioning.Denoiser);
        var f = OnnxClock.EdmClock(EdmPreconditioning.RawNetwork);
        foreach (double t in new[] { 1e-5, 0.3, 3.0, 8.0 })
        {
            double sigma = d.Map(t).Evaluations[0].ModelValue;
            Assert.Equal(t, EdmSigma.ToTime(sigma), 12);
            Assert.Equal(EdmSigma.FromTime(t), sigma, 14);
            Assert.Equal(0.25 * Math.Log(sigma), f.Map(t).Evaluations[0].ModelValue, 14);
        }
    }

    [Fact]
    public void NpyTables_OfAlphaBarAndBeta_ReproduceTheDdpmLinearClock()
    {
        foreach (var (file, kind) in new[] { ("ddpm_linear_alphas_cumprod.npy", ScheduleTableKind.Auto), ("ddpm_linear_betas.npy", ScheduleTableKind.Auto),
                     ("ddpm_linear_alphas_cumprod.npy", ScheduleTableKind.AlphaBars), ("ddpm_linear_betas.npy", ScheduleTableKind.Betas) })
        {
            var table = ScheduleFile.Read(Fixture(file), kind).Schedule;
            Assert.Equal(1000, table.Steps);
            for (int k = 0; k < 1000; k++)
                Assert.Equal(Linear.Time(k), table.Time(k), 1e-12 * Linear.Time(k) + 1e-15);
        }
    }

    [Fact]
    public void SchedulerConfigs_MatchTheClosedFormSchedules()
    {
        using var dir = new TempDirectory();
        string linear = dir.File("linear.json"), cosine = dir.File("cosine.json"), trained = dir.File("trained.json");
        File.WriteAllText(linear, """{"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "trained_betas": null}""");
        File.WriteAllText(cosine, """{"num_train_timesteps": 1000, "beta_schedule": "squaredcos_cap_v2", "prediction_type": "v_prediction"}""");
        File.WriteAllText(trained, """{"trained_betas": [0.1, 0.2, 0.3]}""");
        var l = ScheduleFile.Read(linear);
        var c = ScheduleFile.Read(cosine);
        Assert.Null(l.Prediction);
        Assert.Equal(OnnxPrediction.V, c.Prediction);
        for (int k = 0; k < 1000; k++)
        {
            Assert.Equal(Linear.Time(k), l.Schedule.Time(k), 1e-13);
            Assert.Equal(CosineSchedule.Default.Time(k), c.Schedule.Time(k), 1e-13);
        }
        var tb = ScheduleFile.Read(trained).Schedule;
        Assert.Equal(-0.5 * Math.Log(0.9 * 0.8 * 0.7), tb.Time(2), 14);

        var fixture = ScheduleFile.Read(Fixture("scheduler_config.json"));
        Assert.Equal(OnnxPrediction.Sample, fixture.Prediction);
        Assert.Equal(500, fixture.Schedule.Steps);
        Assert.Equal(0.00085, fixture.Schedule.Beta(0), 15);
        Assert.Equal(0.012, fixture.Schedule.Beta(499), 15);
    }

    [Fact]
    public void BadScheduleFiles_GiveDataFormatExceptions()
    {
        using var dir = new TempDirectory();
        string unknown = dir.File("unknown.json"), zeroSnr = dir.File("zero.json"), garbage = dir.File("garbage.json"), outOfRange = dir.File("range.json");
        File.WriteAllText(unknown, """{"beta_schedule": "sigmoid"}""");
        File.WriteAllText(zeroSnr, """{"rescale_betas_zero_snr": true}""");
        File.WriteAllText(garbage, "not json");
        File.WriteAllText(outOfRange, "[0.5, 1.5]");
        Assert.Contains("sigmoid", Assert.Throws<DataFormatException>(() => ScheduleFile.Read(unknown)).Message);
        Assert.Contains("zero", Assert.Throws<DataFormatException>(() => ScheduleFile.Read(zeroSnr)).Message);
        Assert.Contains(garbage, Assert.Throws<DataFormatException>(() => ScheduleFile.Read(garbage)).Message);
        Assert.Contains("(0, 1)", Assert.Throws<DataFormatException>(() => ScheduleFile.Read(outOfRange)).Message);
        Assert.Throws<FileNotFoundException>(() => ScheduleFile.Read(dir.File("none.npy")));
    }
}
