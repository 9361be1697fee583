namespace DiffusionDynamics.Analysis;

/// <summary>The finished points of a sweep over training-set sizes, keyed by size (e.g. a resumable file, or memory).</summary>
public interface ISweepStore<TPoint>
{
    /// <summary>The finished point of size <paramref name="key"/>, if any.</summary>
    bool TryGet(int key, out TPoint point);

    /// <summary>Keeps a finished point.</summary>
    void Add(int key, TPoint point);

    /// <summary>The finished points of <paramref name="keys"/>, in that order (every key must be finished).</summary>
    IReadOnlyList<TPoint> PointsAt(IEnumerable<int> keys);
}

/// <summary>An <see cref="ISweepStore{TPoint}"/> in memory: a sweep that is not resumed.</summary>
public sealed class InMemorySweepStore<TPoint> : ISweepStore<TPoint>
{
    private readonly Dictionary<int, TPoint> points = new();

    /// <inheritdoc />
    public bool TryGet(int key, out TPoint point) => points.TryGetValue(key, out point!);

    /// <inheritdoc />
    public void Add(int key, TPoint point) => points[key] = point;

    /// <inheritdoc />
    public IReadOnlyList<TPoint> PointsAt(IEnumerable<int> keys) => keys.Select(k => points[k]).ToList();
}

/// <summary>The one loop of the per-size sweeps (memorization, memory --train): each size runs once, finished sizes are kept and skipped.</summary>
public static class SizeSweep
{
    /// <summary>
    /// Runs <paramref name="runSize"/> for every size of <paramref name="sizes"/> not yet in <paramref name="store"/> (in order), keeps each
    /// point as soon as it is done, and returns the points of all sizes in order. <paramref name="resumed"/> hears of sizes found finished.
    /// </summary>
    public static IReadOnlyList<TPoint> Run<TPoint>(IReadOnlyList<int> sizes, ISweepStore<TPoint> store, Func<int, TPoint> runSize,
        Action<int>? resumed = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runSize);
        foreach (int n in sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (store.TryGet(n, out _))
            {
                resumed?.Invoke(n);
                continue;
            }
            store.Add(n, runSize(n));
        }
        return store.PointsAt(sizes);
    }
}
