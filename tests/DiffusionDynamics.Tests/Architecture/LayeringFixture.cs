// Types for the layering checker's own tests: a known violation (Theory → Sampling, in a method body) and a lambda edge (Time → Theory).
namespace LayeringFixture.Time
{
    public static class Clock
    {
        public static double Tick() => 1.0;

        public static Func<double> Lazy() => () => LayeringFixture.Theory.Constants.Half();
    }
}

namespace LayeringFixture.Theory
{
    public static class Constants
    {
        public static double Half() => 0.5 * LayeringFixture.Time.Clock.Tick();
    }

    public static class Closed
    {
        public static double Value()
        {
            var sampler = new LayeringFixture.Sampling.Sampler();
            return sampler.Step();
        }
    }
}

namespace LayeringFixture.Sampling
{
    public sealed class Sampler
    {
        public double Step() => LayeringFixture.Theory.Constants.Half() + LayeringFixture.Time.Clock.Tick();
    }
}
