using System.Diagnostics;

namespace Cmd.Tests.Runtime;

public class BuildSwitchTests
{
    static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Workbench.sln not found above the test folder");
    }

    static string PackageReferences(string backend)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot() };
        foreach (var a in new[] { "msbuild", "src/Cmd", "-getItem:PackageReference", $"-p:TorchBackend={backend}", "-nologo" }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, output + p.StandardError.ReadToEnd());
        return output;
    }

    [Fact]
    public void TorchBackendSwitchSelectsTheCudaOrCpuPackage()
    {
        var cuda = PackageReferences("cuda");
        Assert.Contains("TorchSharp-cuda-linux", cuda);
        Assert.DoesNotContain("TorchSharp-cpu", cuda);
        var cpu = PackageReferences("cpu");
        Assert.Contains("TorchSharp-cpu", cpu);
        Assert.DoesNotContain("TorchSharp-cuda-linux", cpu);
    }
}
