using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>Makes sure the real opencv-doc videos are in data/raw/opencv (runs data/opencv/fetch-videos.sh once; instant when present).</summary>
public sealed class OpenCvFixture
{
    public string Directory { get; } = OpenCvVideos.Ensure();
    public string PathOf(string file) => Path.Combine(Directory, file);
}

[CollectionDefinition("opencv")]
public sealed class OpenCvCollection : ICollectionFixture<OpenCvFixture> { }

/// <summary>A temp folder deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cmd-test-{Guid.NewGuid():N}");
    public TempDir() => Directory.CreateDirectory(Path);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
