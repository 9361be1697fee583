using DiffusionDynamics.Cli;

namespace DiffusionDynamics.Tests.ReportTests;

/// <summary>
/// Small real runs of every command (the settings of the command tests), made once per test process in a temporary
/// folder removed at exit; the browser test opens their reports and the compare tests compare them.
/// </summary>
public static class SmallRuns
{
    private const string TwoCluster = "two-cluster:d=8,n=200,mu=1,sigma=0.5,seed=2";
    private static readonly object Gate = new();
    private static readonly Dictionary<string, string> Made = new();

    /// <summary>The temporary folder holding the runs.</summary>
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "diffdyn-small-runs-" + Guid.NewGuid().ToString("N"));

    static SmallRuns() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { if (Directory.Exists(Root)) Directory.Delete(Root, true); } catch (IOException) { }
    };

    /// <summary>The arguments (without --out) of a small run of each command, in the order the browser test opens them.</summary>
    public static IReadOnlyDictionary<string, string[]> Arguments { get; } = new Dictionary<string, string[]>
    {
        ["regimes"] = ["regimes", "--data", "two-cluster:d=16,n=200", "--pairs", "16", "--branches", "4", "--steps", "60",
            "--entropy-samples", "128", "--entropy-times", "6", "--bootstrap", "20"],
        ["sample"] = ["sample", "--data", "two-cluster:d=8,n=300", "--samples", "6", "--steps", "30"],
        ["train"] = ["train", "--data", TwoCluster, "--steps", "30", "--width", "32", "--depth", "2", "--samples", "16", "--checkpoint-every", "10"],
        ["memorization"] = ["memorization", "--data", TwoCluster, "--sizes", "8,64", "--steps", "20", "--width", "32", "--depth", "2",
            "--samples", "8", "--score-samples", "16"],
        ["compare-scores"] = ["compare-scores", "--n", "200", "--downsample", "2", "--approx", "gaussian,mixture:4", "--times", "4",
            "--t-from", "0.02", "--t-to", "4", "--samples", "32", "--seed", "3"],
        ["symmetry"] = ["symmetry", "--data", "points:-1,1", "--times", "20"],
        ["accelerate"] = ["accelerate", "--data", "two-cluster:d=4,n=300,seed=1", "--samples", "64", "--nfe", "5,11",
            "--samplers", "sde,ode-heun", "--bootstrap", "10", "--features", "identity", "--seed", "3"],
        ["trajectories"] = ["trajectories", "--n", "200", "--trajectories", "8", "--steps", "30", "--modes", "3",
            "--perturb-times", "3,0.5", "--bootstrap", "20", "--strip", "2", "--seed", "4"],
        ["spectrum"] = ["spectrum", "--data", "manifold:d=30,n=300,stds=2x1;5x0.3;rest0.01", "--sizes", "100,300", "--point-count", "4", "--times", "8", "--seed", "3"],
        ["memory"] = ["memory", "--data", "circle:n=64", "--sizes", "4,64", "--times", "0.00001,0.05,0.6", "--samples", "32", "--steps", "60",
            "--starts", "64", "--basin-points", "4", "--basin-trials", "8", "--landscape-n", "64", "--seed", "3"],
        ["noether"] = ["noether", "--drift", "ou", "--from", "1,-0.5", "--to", "0.2,0.8", "--T", "2", "--steps", "60"],
        ["variance"] = ["variance", "--models", "2", "--per-model", "50", "--samples", "32,256", "--cutoffs", "0.02", "--no-circle",
            "--points", "16", "--grid", "21", "--steps", "10"],
        ["timeline"] = ["timeline", "--data", "two-cluster:d=20,n=300,mu=0.4,sigma=1,seed=1", "--pairs", "16", "--branches", "4", "--steps", "40",
            "--entropy-samples", "128", "--trajectories", "8", "--modes", "2", "--symmetry-times", "6", "--ev-samples", "16"],
        ["entropy"] = ["entropy", "--data", "two-cluster:d=2,n=400,mu=1,sigma=0.5,seed=2", "--samples", "32", "--steps", "20", "--immse-samples", "64"],
        ["phase"] = ["phase", "--family", "two-cluster", "--d", "4,8", "--n", "32,128", "--pairs", "16", "--steps", "40", "--entropy-samples", "64"],
        ["guide"] = ["guide", "--avoid", "1", "--data", "two-cluster:d=2,n=400,mu=1,sigma=0.5,seed=2", "--samples", "32", "--steps", "20", "--sweep", "2"],
    };

    /// <summary>The folder of the small run named <paramref name="name"/> (a key of <see cref="Arguments"/>), made on first use.</summary>
    public static string Of(string name) => Of(name, Arguments[name]);

    /// <summary>The folder of a run of <paramref name="args"/> kept under <paramref name="name"/>, made on first use; throws with stderr when it fails.</summary>
    public static string Of(string name, string[] args)
    {
        lock (Gate)
        {
            if (Made.TryGetValue(name, out var done)) return done;
            string dir = Path.Combine(Root, name);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = CliApp.Run([.. args, "--out", dir], stdout, stderr);
            if (code != 0) throw new InvalidOperationException($"diffdyn {string.Join(' ', args)} exited {code}: {stderr}");
            Made[name] = dir;
            return dir;
        }
    }
}
