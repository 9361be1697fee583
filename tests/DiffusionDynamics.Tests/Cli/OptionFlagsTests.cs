using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli.Commands;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Cli;

public class OptionFlagsTests
{
    [Fact]
    public void LibraryErrors_NameTheOption_AndTheCliRendersItsFlag()
    {
        var e = Assert.Throws<ArgumentException>(() => AccelerationReference.Resolve(new DataRequest("/tmp/some.npy")));
        Assert.Equal("referenceSpec", e.ParamName);
        Assert.DoesNotContain("--", e.Message);
        var mapped = OptionFlags.Map(e);
        Assert.IsType<ArgumentException>(mapped);
        Assert.Contains("(--reference FILE or spec)", mapped.Message);
        Assert.DoesNotContain("Parameter", mapped.Message);
    }

    [Fact]
    public void OutputFolderErrors_StayIOErrors_WithBothFlags()
    {
        var e = OptionMessage.IO("Output folder x is not empty; choose another {Out}, or pass {Resume} to continue the sweep.", null, "Out", "Resume");
        Assert.Equal("Output folder x is not empty; choose another Out, or pass Resume to continue the sweep.", e.Message);
        var mapped = OptionFlags.Map(e);
        Assert.IsType<IOException>(mapped);
        Assert.Equal("Output folder x is not empty; choose another --out, or pass --resume to continue the sweep.", mapped.Message);
    }
}
