using DiffusionDynamics.Data;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiffusionDynamics.Reports;

/// <summary>
/// The resume state of a sweep over an integer axis (training-set sizes): <c>sweep.json</c> in the run folder holds the options
/// the sweep was started with and every finished point. Each finished point rewrites the file atomically (temporary file, then
/// rename), so a killed run loses at most the point in progress; a resumed run skips the finished points and, given the same
/// options, assembles the same result. Resuming with other options is refused, naming the first option that differs.
/// </summary>
/// <typeparam name="TPoint">The persisted result of one point; must round-trip through <see cref="RunManifest.JsonOptions"/>.</typeparam>
public sealed class SweepState<TPoint> : Analysis.ISweepStore<TPoint>
{
    /// <summary>File name of the state inside the run folder.</summary>
    public const string FileName = "sweep.json";

    private readonly string path;
    private readonly JsonNode? options;
    private readonly SortedDictionary<int, TPoint> points;

    private SweepState(string path, JsonNode? options, SortedDictionary<int, TPoint> points)
    {
        this.path = path;
        this.options = options;
        this.points = points;
    }

    /// <summary>Path of the state file.</summary>
    public string FilePath => path;

    /// <summary>The finished points, ordered by key.</summary>
    public IReadOnlyList<TPoint> Points => points.Values.ToList();

    /// <summary>Keys of the finished points, ascending.</summary>
    public IReadOnlyList<int> Keys => points.Keys.ToList();

    /// <summary>
    /// Opens the sweep in <paramref name="outDir"/>. Without <paramref name="resume"/> the folder must not exist or be empty
    /// (<see cref="IOException"/> otherwise); with it, a state file there is read and its options must equal
    /// <paramref name="sweepOptions"/> (compared as JSON; <see cref="ArgumentException"/> naming the first difference).
    /// The state (options, no points yet) is written at once, so a run killed before its first point still refuses other options.
    /// </summary>
    /// <param name="outDir">The run folder (created when missing).</param>
    /// <param name="sweepOptions">Everything that determines a point's result except the sweep axis itself.</param>
    /// <param name="resume">Continue a sweep in the folder instead of starting one in an empty folder.</param>
    public static SweepState<TPoint> Open(string outDir, object sweepOptions, bool resume)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        ArgumentNullException.ThrowIfNull(sweepOptions);
        string dir = Path.GetFullPath(outDir);
        if (File.Exists(dir)) throw new IOException($"Output path {dir} is a file.");
        if (!resume && Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw OptionMessage.IO($"Output folder {dir} already exists and is not empty; choose another {{Out}}, or pass {{Resume}} to continue the sweep.", null, "Out", "Resume");
        // Through text, so the given options compare exactly as they will read back from the file.
        var given = JsonNode.Parse(JsonSerializer.Serialize(sweepOptions, RunManifest.JsonOptions));
        string file = Path.Combine(dir, FileName);
        var points = new SortedDictionary<int, TPoint>();
        if (resume && File.Exists(file))
        {
            StateFile stored;
            try
            {
                stored = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(file), RunManifest.JsonOptions)
                         ?? throw new JsonException("empty file");
            }
            catch (JsonException e)
            {
                throw OptionMessage.IO($"Cannot resume: {file} is not a sweep state of this version ({e.Message}); start again with another {{Out}}.", e, "Out");
            }
            if (JsonDifference.First(stored.Options, given, "options") is string diff)
                throw OptionMessage.Argument($"Cannot resume the sweep in {dir}: it was started with other options ({diff}); " +
                                            "resume with the same options, or choose another {Out}.", "Out");
            foreach (var (k, v) in stored.Points ?? []) points[k] = v;
        }
        RunDirectory.CreateFolder(dir);
        var state = new SweepState<TPoint>(file, given, points);
        state.Save();
        return state;
    }

    /// <summary>The finished point at <paramref name="key"/>, if any.</summary>
    public bool TryGet(int key, out TPoint point) => points.TryGetValue(key, out point!);

    /// <summary>The finished points at <paramref name="keys"/>, in that order; <see cref="InvalidOperationException"/> naming the first missing key.</summary>
    public IReadOnlyList<TPoint> PointsAt(IEnumerable<int> keys) =>
        keys.Select(k => points.TryGetValue(k, out var p) ? p : throw new InvalidOperationException($"size {k} is missing from the sweep")).ToList();

    /// <summary>Records a finished point and rewrites the state atomically.</summary>
    public void Add(int key, TPoint point)
    {
        points[key] = point;
        Save();
    }

    private void Save()
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new StateFile(options, new Dictionary<int, TPoint>(points)), RunManifest.JsonOptions));
        File.Move(temp, path, overwrite: true);
    }

    private sealed record StateFile(JsonNode? Options, Dictionary<int, TPoint>? Points);
}
