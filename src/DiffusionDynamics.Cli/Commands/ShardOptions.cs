using System.CommandLine;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// The options every shardable sweep takes: <c>--shard i/N</c> (else the job-array variables of SLURM, Kubernetes or AWS Batch),
/// <c>--shard-count N</c> (Kubernetes Indexed Jobs do not export their completions) and <c>--dry-run</c> (list the points and their shard).
/// </summary>
public sealed class ShardOptions
{
    public Option<string?> Shard { get; } = new("--shard") { Description = "Run shard i of N of the sweep (i/N, 0 ≤ i < N; point k runs on shard k mod N) and write its points into --out, for diffdyn merge. Default: from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX when set, else the whole sweep." };

    public Option<int?> ShardCount { get; } = new("--shard-count") { Description = "Number of shards N (needed with a Kubernetes Indexed Job's JOB_COMPLETION_INDEX; a check elsewhere)." };

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "List the sweep's points and the shard that runs each, then stop (nothing is written)." };

    /// <summary>Where the environment comes from (tests replace it).</summary>
    public static Func<IReadOnlyDictionary<string, string>> Environment { get; set; } = Analysis.Shard.ProcessEnvironment;

    public void AddTo(Command command)
    {
        command.Options.Add(Shard);
        command.Options.Add(ShardCount);
        command.Options.Add(DryRun);
    }

    /// <summary>Source of the split that <c>--dry-run --shard-count N</c> shows without choosing a shard.</summary>
    private const string SplitOnly = "--shard-count";

    /// <summary>
    /// The shard of this process, or null for the whole sweep. <c>--dry-run --shard-count N</c> without a shard index (option or scheduler
    /// variable) only shows the split into N shards.
    /// </summary>
    public Analysis.Shard? Resolve(ParseResult p)
    {
        string? option = p.GetValue(Shard);
        int? count = p.GetValue(ShardCount);
        var environment = Environment();
        if (p.GetValue(DryRun) && string.IsNullOrWhiteSpace(option) && count is int n && n >= 1 && Analysis.Shard.Resolve(null, null, environment) is null)
            return new Analysis.Shard(0, n, SplitOnly);
        return Analysis.Shard.Resolve(option, count, environment);
    }

    /// <summary>Prints the points and their shard (<paramref name="shard"/>'s count, or 1); returns exit code 0.</summary>
    public static int PrintDryRun(TextWriter output, string command, IReadOnlyList<string> points, Analysis.Shard? shard)
    {
        int n = shard?.Count ?? 1;
        output.WriteLine($"diffdyn {command}: {points.Count} points in {n} shard{(n == 1 ? "" : "s")} (point k runs on shard k mod {n})" +
                         (shard is null || shard.Source == SplitOnly ? "" : $"; this process is shard {shard} ({shard.Source})"));
        output.WriteLine("point\tshard\tparameters");
        for (int k = 0; k < points.Count; k++)
            output.WriteLine($"{k}\t{k % n}{(shard is not null && shard.Source != SplitOnly && shard.Owns(k) ? "*" : "")}\t{points[k]}");
        return 0;
    }

    /// <summary>Runs the points of <paramref name="shard"/> into <paramref name="outDir"/> and tells how to merge; returns exit code 0.</summary>
    public static int RunShard<TPoint>(TextWriter output, string outDir, SweepManifest manifest, Analysis.Shard shard, Func<int, TPoint> runPoint,
        CancellationToken cancellationToken = default)
    {
        var store = ShardStore<TPoint>.Open(outDir, manifest with { Shard = shard.ToString(), ShardSource = shard.Source });
        int owned = Enumerable.Range(0, manifest.Points.Count).Count(shard.Owns);
        output.WriteLine($"shard {shard} ({shard.Source}): {owned} of {manifest.Points.Count} points");
        var (ran, found) = ShardedSweep.Run(store, shard, k =>
        {
            output.WriteLine($"point {k} ({manifest.Points[k]}): running");
            return runPoint(k);
        }, k => output.WriteLine($"point {k} ({manifest.Points[k]}): done in an earlier run"), cancellationToken);
        output.WriteLine($"shard {shard}: {ran} points run, {found} found done; points in {Path.Combine(store.Folder, ShardStore<TPoint>.PointsFolder)}. " +
                         $"When every shard has finished: diffdyn merge SHARD_DIR… --out DIR");
        return 0;
    }
}
