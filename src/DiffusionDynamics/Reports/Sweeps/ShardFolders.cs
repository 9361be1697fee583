namespace DiffusionDynamics.Reports;

/// <summary>Copies what a shard wrote besides its points (trained networks) into the merged folder.</summary>
public static class ShardFolders
{
    /// <summary>Copies every file under <paramref name="from"/> to the same relative path under <paramref name="to"/> (never overwriting).</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
