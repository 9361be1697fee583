using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Tests.Neural;

/// <summary>
/// The two-phase checkpoint save: a kill at any point of <c>Checkpoint.Save</c> leaves either the old set or the new set,
/// never weights of one step beside the optimizer state of another (seen as a resumed sweep whose Adam state differed).
/// </summary>
public sealed class CheckpointCommitTests : IDisposable
{
    private static readonly string[] Files = ["checkpoint.weights.bin", "checkpoint.ema.bin", "checkpoint.adam.bin", "checkpoint.json"];
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dd-commit-" + Guid.NewGuid().ToString("N"));

    public CheckpointCommitTests()
    {
        Directory.CreateDirectory(dir);
        foreach (var f in Files) File.WriteAllText(Path.Combine(dir, f), "old");
    }

    public void Dispose() => Directory.Delete(dir, true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void KilledAfterTheCommitMarker_RollsTheWholeNewSetForward(int alreadyMoved)
    {
        // Phase 1 done and committed; the kill came after `alreadyMoved` of the four renames.
        for (int i = 0; i < Files.Length; i++)
            File.WriteAllText(Path.Combine(dir, Files[i] + (i < alreadyMoved ? "" : ".tmp")), "new");
        File.WriteAllText(Path.Combine(dir, Checkpoint.CommitFile), "200");

        Assert.True(Checkpoint.Exists(dir));

        Assert.All(Files, f => Assert.Equal("new", File.ReadAllText(Path.Combine(dir, f))));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp"));
        Assert.False(File.Exists(Path.Combine(dir, Checkpoint.CommitFile)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void KilledBeforeTheCommitMarker_KeepsTheOldSetWhole(int written)
    {
        for (int i = 0; i < written; i++) File.WriteAllText(Path.Combine(dir, Files[i] + ".tmp"), "new");

        Assert.True(Checkpoint.Exists(dir));

        Assert.All(Files, f => Assert.Equal("old", File.ReadAllText(Path.Combine(dir, f))));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp"));
    }
}
