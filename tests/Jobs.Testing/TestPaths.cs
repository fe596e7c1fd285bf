namespace Jobs.Testing;

public static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Debug or Release: whatever this test assembly was built as (the node is built alongside it).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string NodeDll => Path.Combine(RepoRoot, "src", "Cluster.Node", "bin", Configuration, "net10.0", "Cluster.Node.dll");

    public static string TestHandlersDll => Path.Combine(RepoRoot, "tests", "Jobs.TestHandlers", "bin", Configuration, "net10.0", "Jobs.TestHandlers.dll");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A fresh directory under the system temp dir.</summary>
    public static string NewTempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), "jobs-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Actors.sln not found above " + AppContext.BaseDirectory);
    }
}
