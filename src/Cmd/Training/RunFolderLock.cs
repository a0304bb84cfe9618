using Cmd.IO;

namespace Cmd.Training;

/// <summary>A run folder another live process is training in.</summary>
public sealed class RunFolderLockedException(string folder, string holder)
    : IOException($"{folder} is in use by another training run ({holder}): wait for it to finish, or choose another --out")
{
    public string Folder { get; } = folder;
}

/// <summary>
/// One writer per run folder: the <see cref="FileLock"/> <c>&lt;folder&gt;/.lock</c> (the holder's PID in
/// <c>.lock.pid</c> beside it, so a refused run can name it). Once held, temp files that a killed checkpoint write left
/// (<c>.*.tmp</c>) are removed.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".lock";
    public const string PidFileName = FileName + ".pid";
    readonly FileLock held;

    /// <summary>Temp files of killed writes removed when the lock was taken.</summary>
    public IReadOnlyList<string> RemovedTemps { get; }
    public string Folder { get; }

    RunFolderLock(string folder, FileLock held, IReadOnlyList<string> removed)
    {
        Folder = folder; this.held = held; RemovedTemps = removed;
    }

    public static RunFolderLock Acquire(string folder)
    {
        string path = Path.Combine(folder, FileName);
        var held = FileLock.TryAcquire(path) ?? throw new RunFolderLockedException(folder, FileLock.Holder(path));
        try { return new RunFolderLock(folder, held, SafeTensors.RemoveStaleTemps(folder)); }
        catch { held.Dispose(); throw; }
    }

    public void Dispose() => held.Dispose();
}
