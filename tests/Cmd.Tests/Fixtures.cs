namespace Cmd.Tests;

/// <summary>Paths of committed fixtures (tests/fixtures, copied beside the test assembly) and scratch folders.</summary>
public static class Fixtures
{
    public static string Path(string relative) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", relative);

    /// <summary>A fresh empty folder under the system temp folder, unique per call.</summary>
    public static string TempDir(string prefix = "cmdtest")
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
