using System.Globalization;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// One shard of a sweep split over a job array: shard <see cref="Index"/> of <see cref="Count"/> runs the points whose index k
/// satisfies k mod Count = Index (round-robin, so the expensive large points spread over the shards instead of landing in one).
/// Which points a shard runs never changes a point's result: a point's seed comes from the run seed and the point index only.
/// Range: 0 ≤ Index &lt; Count, Count ≥ 1.
/// </summary>
public sealed record Shard
{
    /// <summary>Environment variables of the schedulers this reads (SLURM job arrays, Kubernetes Indexed Jobs, AWS Batch array jobs).</summary>
    public const string SlurmId = "SLURM_ARRAY_TASK_ID", SlurmMin = "SLURM_ARRAY_TASK_MIN", SlurmMax = "SLURM_ARRAY_TASK_MAX",
        SlurmCount = "SLURM_ARRAY_TASK_COUNT", SlurmStep = "SLURM_ARRAY_TASK_STEP",
        KubernetesIndex = "JOB_COMPLETION_INDEX", AwsIndex = "AWS_BATCH_JOB_ARRAY_INDEX", AwsSize = "AWS_BATCH_JOB_ARRAY_SIZE";

    /// <param name="index">Shard index i. Range: 0 ≤ i &lt; N.</param>
    /// <param name="count">Number of shards N. Range: N ≥ 1.</param>
    /// <param name="source">Where the shard came from (the option, or the scheduler's variables), for messages and manifests.</param>
    public Shard(int index, int count, string source = "option")
    {
        if (count < 1) throw OptionMessage.Argument($"The shard count must be ≥ 1 (got {count}; {{Shard}} i/N).", "Shard");
        if (index < 0 || index >= count) throw OptionMessage.Argument($"The shard index must lie in 0…{count - 1} (got {index} of {count}; {{Shard}} i/N).", "Shard");
        Index = index;
        Count = count;
        Source = source;
    }

    /// <summary>Shard index i.</summary>
    public int Index { get; }

    /// <summary>Number of shards N.</summary>
    public int Count { get; }

    /// <summary>The option or the scheduler variables it was read from.</summary>
    public string Source { get; }

    /// <summary>True when point <paramref name="point"/> belongs to this shard: k mod N = i.</summary>
    public bool Owns(int point) => point % Count == Index;

    /// <summary>The shard of point <paramref name="point"/> among <paramref name="count"/> shards: k mod N.</summary>
    public static int Of(int point, int count) => point % count;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses "i/N" (e.g. <c>0/3</c>).</summary>
    public static Shard Parse(string text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw OptionMessage.Argument($"A shard is written i/N with 0 ≤ i < N, e.g. 0/4 (got \"{text}\" for {{Shard}}).", "Shard");
        return new Shard(i, n);
    }

    /// <summary>
    /// The shard of this process: <paramref name="option"/> ("i/N") when given, else the job-array variables of
    /// <paramref name="environment"/>, else null (the whole sweep). A given <paramref name="count"/> (the Kubernetes Job's
    /// <c>completions</c>, or a check) must agree with what the scheduler says.
    /// </summary>
    /// <remarks>
    /// SLURM (<c>--array=a-b[:s]</c>): index = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN)/SLURM_ARRAY_TASK_STEP (step 1 when unset),
    /// count = SLURM_ARRAY_TASK_COUNT (else (MAX − MIN)/STEP + 1); arrays may start at 1 or anywhere. Kubernetes Indexed Job:
    /// index = JOB_COMPLETION_INDEX (0-based), count from <paramref name="count"/> (the Job does not export its completions).
    /// AWS Batch array job: index = AWS_BATCH_JOB_ARRAY_INDEX (0-based), count = AWS_BATCH_JOB_ARRAY_SIZE or <paramref name="count"/>.
    /// Two schedulers' variables at once are refused.
    /// </remarks>
    public static Shard? Resolve(string? option, int? count, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (count is int c && c < 1) throw OptionMessage.Argument($"The shard count must be ≥ 1 (got {c} for {{ShardCount}}).", "ShardCount");
        if (!string.IsNullOrWhiteSpace(option))
        {
            var given = Parse(option);
            if (count is int n && n != given.Count)
                throw OptionMessage.Argument($"{{Shard}} {given} says {given.Count} shards but {{ShardCount}} says {n}.", "Shard", "ShardCount");
            return given;
        }
        string? Get(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var present = new (string Name, string Var)[] { ("SLURM", SlurmId), ("Kubernetes", KubernetesIndex), ("AWS Batch", AwsIndex) }.Where(s => Get(s.Var) is not null).ToArray();
        if (present.Length == 0)
        {
            if (count is not null) throw OptionMessage.Argument($"{{ShardCount}} is given but no shard index: pass {{Shard}} i/N, or run inside a job array ({SlurmId}, {KubernetesIndex} or {AwsIndex} set).", "ShardCount", "Shard");
            return null;
        }
        if (present.Length > 1)
            throw OptionMessage.Argument($"Job-array variables of several schedulers are set ({string.Join(", ", present.Select(p => p.Var))}); pass {{Shard}} i/N to choose.", "Shard");
        int Int(string name, int min)
        {
            string text = Get(name)!;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) || v < min)
                throw OptionMessage.Argument($"The environment variable {name} = \"{text}\" is not an integer ≥ {min} (it sets the shard; or pass {{Shard}} i/N).", "Shard");
            return v;
        }
        Shard Checked(int index, int n, string source)
        {
            if (count is int expected && expected != n)
                throw OptionMessage.Argument($"{source} gives {n} shards but {{ShardCount}} says {expected}.", "ShardCount");
            if (index >= n)
                throw OptionMessage.Argument($"{source} gives shard index {index}, outside the {n} shards 0…{n - 1}.", "Shard");
            return new Shard(index, n, source);
        }
        switch (present[0].Name)
        {
            case "SLURM":
            {
                int id = Int(SlurmId, 0);
                if (Get(SlurmMin) is null)
                    throw OptionMessage.Argument($"{SlurmId} is set without {SlurmMin}: not a SLURM job array (an sbatch array a-b), or pass {{Shard}} i/N.", "Shard");
                int min = Int(SlurmMin, 0), step = Get(SlurmStep) is null ? 1 : Int(SlurmStep, 1);
                int n = Get(SlurmCount) is not null ? Int(SlurmCount, 1)
                    : Get(SlurmMax) is not null ? (Int(SlurmMax, min) - min) / step + 1
                    : throw OptionMessage.Argument($"{SlurmId} is set without {SlurmCount} or {SlurmMax}; pass {{Shard}} i/N.", "Shard");
                if (id < min || (id - min) % step != 0)
                    throw OptionMessage.Argument($"{SlurmId} = {id} is not on the array's grid {min}, {min + step}, … ({SlurmMin} = {min}, {SlurmStep} = {step}); " +
                                                "shards need an evenly stepped array (a-b or a-b:s), not a list.", "Shard");
                return Checked((id - min) / step, n, $"SLURM ({SlurmId}={id}, {SlurmMin}={min}, {SlurmStep}={step}, count {n})");
            }
            case "Kubernetes":
            {
                int index = Int(KubernetesIndex, 0);
                int n = count ?? throw OptionMessage.Argument($"{KubernetesIndex} = {index} is set but the number of shards is not: pass {{ShardCount}} N (the Job's completions).", "ShardCount");
                return Checked(index, n, $"Kubernetes ({KubernetesIndex}={index})");
            }
            default:
            {
                int index = Int(AwsIndex, 0);
                int n = Get(AwsSize) is not null ? Int(AwsSize, 1)
                    : count ?? throw OptionMessage.Argument($"{AwsIndex} = {index} is set without {AwsSize}: pass {{ShardCount}} N (the array size).", "ShardCount");
                return Checked(index, n, $"AWS Batch ({AwsIndex}={index}, size {n})");
            }
        }
    }

    /// <summary>The process environment as a dictionary (what <see cref="Resolve"/> reads; tests pass their own).</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
}
