namespace Cmd.Studies;

/// <summary>
/// An exclusive lock on a file between processes (on Linux .NET takes flock(LOCK_EX) for FileShare.None): a cell run
/// by two processes (a local sweep and a Slurm task, or a restarted sweep and its orphaned child) trains only once, and
/// a shared model is made by one cell while the others wait. The kernel drops the lock when its process dies.
/// </summary>
public sealed class FileLock : IDisposable
{
    readonly FileStream stream;
    public string Path { get; }

    FileLock(FileStream stream, string path) { this.stream = stream; Path = path; }

    /// <summary>The lock, or null when another process (or another open in this one) holds it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            var s = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            s.SetLength(0);
            var pid = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n");
            s.Write(pid);
            s.Flush();
            return new FileLock(s, path);
        }
        catch (IOException) { return null; }
    }

    /// <summary>Waits for the lock (polling), saying once what it waits for; throws after <paramref name="timeout"/>.</summary>
    public static FileLock Acquire(string path, TimeSpan timeout, Action<string>? log = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        bool said = false;
        while (true)
        {
            if (TryAcquire(path) is { } held) return held;
            if (!said) { log?.Invoke($"waiting for {path} (held by another process)"); said = true; }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"lock {path} still held after {timeout}");
            Thread.Sleep(1000);
        }
    }

    /// <summary>Whether another process holds the lock now.</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path)) return false;
        using var probe = TryAcquire(path);
        return probe is null;
    }

    public void Dispose() => stream.Dispose();
}
