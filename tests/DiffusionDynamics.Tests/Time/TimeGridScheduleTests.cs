using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Time;

public class TimeGridScheduleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(999)]
    public void FromSchedule_TakesEvenlySpacedTableSteps_FromTheTopDown(int steps)
    {
        var schedule = DdpmLinearSchedule.Default;
        var grid = TimeGrid.FromSchedule(schedule, steps);
        Assert.Equal(steps, grid.Steps);
        Assert.Equal(schedule.MaxTime, grid.Start);   // t_999 = −½ ln ᾱ_999 ≈ 5.06
        Assert.Equal(schedule.MinTime, grid.End);     // t_0 = −½ ln(1 − β_0)
        for (int j = 0; j <= steps; j++)
            Assert.Equal(schedule.Time((int)Math.Round((double)j * 999 / steps, MidpointRounding.AwayFromZero)), grid[steps - j]);
    }

    [Fact]
    public void FromSchedule_FullTable_IsEveryTableTime_AndMatchesTheSanityValue()
    {
        var grid = TimeGrid.FromSchedule(DdpmLinearSchedule.Default, 999);
        // docs/theory.md §1: ᾱ_499 ≈ 0.078587 ⇒ t_499 = −½ ln ᾱ_499 (5 significant digits of the sanity value).
        Assert.Equal(-0.5 * Math.Log(0.078587), grid[999 - 499], 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(-5)]
    public void FromSchedule_StepsOutsideOneToKMinusOne_Throw(int steps)
    {
        var e = Assert.Throws<ArgumentException>(() => TimeGrid.FromSchedule(DdpmLinearSchedule.Default, steps));
        Assert.Equal("steps", e.ParamName);
    }

    [Fact]
    public void Below_PrependsTheStartAndKeepsTheLowerTimes()
    {
        var grid = TimeGrid.Uniform(10, 1, 9); // 10, 9, …, 1
        var cut = grid.Below(4.5);
        Assert.Equal(new[] { 4.5, 4, 3, 2, 1 }, cut.ToArray());
        var atGridTime = grid.Below(4.0);
        Assert.Equal(new[] { 4.0, 3, 2, 1 }, atGridTime.ToArray());
        Assert.Equal(grid.ToArray(), grid.Below(10).ToArray());
        Assert.Equal(new[] { 1.5, 1.0 }, grid.Below(1.5).ToArray());
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(10.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Below_OutsideTheGrid_Throws(double tStart)
    {
        var grid = TimeGrid.Uniform(10, 1, 9);
        Assert.Equal("tStart", Assert.Throws<ArgumentException>(() => grid.Below(tStart)).ParamName);
    }
}
