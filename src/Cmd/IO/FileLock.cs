using System.Globalization;

namespace Cmd.IO;

/// <summary>
/// An exclusive lock on a file between processes: the file opened with FileShare.None, which .NET takes as
/// flock(LOCK_EX) on Linux, so the kernel drops it when the holder dies (a killed run never blocks the next). The
/// holder writes its PID and start time into &lt;path&gt;.pid beside it (the locked file itself cannot be read by
/// others), so a refused process can name it. One writer per training run folder (<c>Training.RunFolderLock</c>), one
/// process per study cell, and one maker of a model the cells share (<c>Studies.CellRunner</c>, <c>SharedModels</c>).
/// </summary>
public sealed class FileLock : IDisposable
{
    readonly FileStream stream;
    public string Path { get; }

    FileLock(FileStream stream, string path) { this.stream = stream; Path = path; }

    /// <summary>The holder's note beside the lock: "&lt;pid&gt; &lt;yyyy-MM-dd HH:mm:ss&gt;".</summary>
    public static string PidPath(string path) => path + ".pid";

    /// <summary>The lock, or null when another process (or another open in this one) holds it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        FileStream s;
        try { s = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return null; }
        try
        {
            var since = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            File.WriteAllText(PidPath(path), $"{Environment.ProcessId} {since}\n");
            return new FileLock(s, path);
        }
        catch { s.Dispose(); throw; }
    }

    /// <summary>Waits for the lock (polling each second), saying once whom it waits for; throws after <paramref name="timeout"/>.</summary>
    public static FileLock Acquire(string path, TimeSpan timeout, Action<string>? log = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        bool said = false;
        while (true)
        {
            if (TryAcquire(path) is { } held) return held;
            if (!said) { log?.Invoke($"waiting for {path} (held by {Holder(path)})"); said = true; }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"lock {path} still held by {Holder(path)} after {timeout}");
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

    /// <summary>"PID n, since time" of the holder, as far as its note says ("PID unknown" without one).</summary>
    public static string Holder(string path)
    {
        try
        {
            var parts = File.ReadAllText(PidPath(path)).Trim().Split(' ', 2);
            return parts.Length == 2 ? $"PID {parts[0]}, since {parts[1]}" : $"PID {parts[0]}";
        }
        catch (IOException) { return "PID unknown"; }
    }

    /// <summary>Removes the note, then lets go of the lock (in that order: the next holder's note is never deleted).</summary>
    public void Dispose()
    {
        try { File.Delete(PidPath(Path)); } catch (IOException) { }
        stream.Dispose();
    }
}
