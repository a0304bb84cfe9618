using System.Globalization;
using Cmd.IO;

namespace Cmd.Training;

/// <summary>A run folder another live process is training in.</summary>
public sealed class RunFolderLockedException(string folder, string holder)
    : IOException($"{folder} is in use by another training run ({holder}): wait for it to finish, or choose another --out")
{
    public string Folder { get; } = folder;
}

/// <summary>
/// One writer per run folder: an advisory lock on <c>&lt;folder&gt;/.lock</c> (opened with FileShare.None, which .NET
/// takes as an exclusive flock on Linux; the kernel drops it when the process dies, so a killed run never blocks the
/// next). The holder's PID is written into <c>.lock.pid</c> beside it, so a refused run can name it. Once held, temp
/// files that a killed checkpoint write left (<c>.*.tmp</c>) are removed.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".lock";
    public const string PidFileName = ".lock.pid";
    readonly FileStream stream;

    /// <summary>Temp files of killed writes removed when the lock was taken.</summary>
    public IReadOnlyList<string> RemovedTemps { get; }
    public string Folder { get; }

    RunFolderLock(string folder, FileStream stream, IReadOnlyList<string> removed)
    {
        Folder = folder; this.stream = stream; RemovedTemps = removed;
    }

    public static RunFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName);
        FileStream stream;
        try { stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { throw new RunFolderLockedException(folder, Holder(folder)); }
        try
        {
            File.WriteAllText(Path.Combine(folder, PidFileName),
                $"{Environment.ProcessId} {DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}\n");
            return new RunFolderLock(folder, stream, SafeTensors.RemoveStaleTemps(folder));
        }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>"PID n, since time" of the process holding the folder, as far as its pid file says.</summary>
    static string Holder(string folder)
    {
        try
        {
            var parts = File.ReadAllText(Path.Combine(folder, PidFileName)).Trim().Split(' ', 2);
            return parts.Length == 2 ? $"PID {parts[0]}, since {parts[1]}" : $"PID {parts[0]}";
        }
        catch (IOException) { return "PID unknown"; }
    }

    public void Dispose()
    {
        try { File.Delete(Path.Combine(Folder, PidFileName)); } catch (IOException) { }
        stream.Dispose();
    }
}
