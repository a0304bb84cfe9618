using Cmd.Benchmarks;

namespace Cmd.Tests.Benchmarks;

/// <summary>Where the PyTorch sides' scripts are (bench/ beside Workbench.sln).</summary>
public static class PyTorchSide
{
    public static string BenchDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) dir = dir.Parent;
        string root = dir?.FullName ?? throw new DirectoryNotFoundException("Workbench.sln not found above the test folder");
        return Path.Combine(root, "bench");
    }

    /// <summary>Null where /usr/bin/python3 imports torch, else why not.</summary>
    public static readonly Lazy<string?> Missing =
        new(() => new PyTorchReference(PyTorchReference.DefaultPython, null, null, 1).Unavailable());
}

/// <summary>Runs only where /usr/bin/python3 imports torch (Debian's python3-torch; `make bench` installs it).</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute()
    {
        if (PyTorchSide.Missing.Value is string why) Skip = $"PyTorch twin not run: {why}";
    }
}

/// <summary>A fact that runs only where /usr/bin/python3 imports torch.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (PyTorchSide.Missing.Value is string why) Skip = $"PyTorch side not run: {why}";
    }
}
