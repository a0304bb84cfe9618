namespace Cmd.Tests.Metrics;

/// <summary>Finds tests/fixtures/&lt;topic&gt; from the test binary's folder.</summary>
public static class MetricsFixtures
{
    public static string Dir(string topic)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "fixtures", topic);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/fixtures/{topic} not found above {AppContext.BaseDirectory}");
    }

    public static string RepoRoot => Path.GetFullPath(Path.Combine(Dir("frechet"), "..", "..", ".."));
}
