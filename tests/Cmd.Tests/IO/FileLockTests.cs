using System.Diagnostics;
using Cmd.IO;

namespace Cmd.Tests.IO;

/// <summary>The inter-process lock of run folders and study cells: held against another process, named, dropped on death.</summary>
public class FileLockTests
{
    [Fact]
    public void AHeldLockIsRefusedWithItsHoldersPidAndFreedOnDispose()
    {
        var path = Path.Combine(Fixtures.TempDir("lock"), "sub", "cell.lock");
        using (var held = FileLock.TryAcquire(path))
        {
            Assert.NotNull(held);
            Assert.Null(FileLock.TryAcquire(path)); // another open, even in this process
            Assert.True(FileLock.IsHeld(path));
            Assert.StartsWith($"PID {Environment.ProcessId}, since {DateTime.Now:yyyy-MM-dd}", FileLock.Holder(path));
            var said = new List<string>();
            var e = Assert.Throws<TimeoutException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(100), said.Add));
            Assert.StartsWith($"lock {path} still held by PID {Environment.ProcessId}", e.Message);
            Assert.Equal([$"waiting for {path} (held by {FileLock.Holder(path)})"], said);
        }
        Assert.False(File.Exists(FileLock.PidPath(path)));
        Assert.False(FileLock.IsHeld(path));
        using var again = FileLock.Acquire(path, TimeSpan.FromSeconds(1));
    }

    /// <summary>util-linux's flock(1) takes the same kernel lock .NET does (flock LOCK_EX); killing it frees the file.</summary>
    [Fact]
    public void AnotherProcessHoldsItUntilItDies()
    {
        var path = Path.Combine(Fixtures.TempDir("lock"), "shared.lock");
        using var holder = Process.Start(new ProcessStartInfo("flock", [path, "sleep", "60"]) { UseShellExecute = false })!;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (!FileLock.IsHeld(path) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.True(FileLock.IsHeld(path));
            Assert.Null(FileLock.TryAcquire(path));
            Assert.Equal("PID unknown", FileLock.Holder(path)); // flock(1) leaves no note
        }
        finally { holder.Kill(entireProcessTree: true); holder.WaitForExit(); } // sleep inherited the locked file
        // the kernel drops the lock once the killed sleep has exited (WaitForExit waited for flock alone)
        using var mine = FileLock.Acquire(path, TimeSpan.FromMinutes(1));
        Assert.Equal(path, mine.Path);
    }
}
