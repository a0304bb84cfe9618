using System.Reflection;
using System.Text.RegularExpressions;

namespace Workbench.Notebooks;

/// <summary>
/// The packages and assemblies the runner's host process already has loaded (TorchSharp with its patched
/// native libraries, the Cmd library, ImageSharp, Plotly.NET, ...). A notebook's first cell references them
/// with `#r "nuget: ..."` / `#r "path/Cmd.dll"` so it also runs under Polyglot Notebooks; under the runner
/// those lines are answered by the host instead, because a second copy of libtorch in one process crashes it
/// and `#r "nuget: TorchSharp-cpu"` copies native libraries that do not load on Debian 12.
/// </summary>
public static class HostProvided
{
    /// <summary>NuGet package ids (lower case) whose `#r "nuget:"` the host answers.</summary>
    public static readonly IReadOnlySet<string> Packages = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "TorchSharp", "TorchSharp-cpu", "TorchSharp-cuda-linux", "TorchSharp-cuda-windows", "libtorch-cpu",
        "SixLabors.ImageSharp", "MathNet.Numerics", "FSharp.Core",
        "Plotly.NET", "Plotly.NET.CSharp", "Plotly.NET.Interactive",
    };

    /// <summary>Assemblies the notebook cells are compiled against (their simple names).</summary>
    public static readonly IReadOnlyList<string> Assemblies =
    [
        "Cmd", "Workbench.Notebooks", "TorchSharp", "SixLabors.ImageSharp", "MathNet.Numerics", "FSharp.Core",
        "Plotly.NET", "Plotly.NET.CSharp",
    ];

    static readonly Regex NugetReference = new(@"^\s*#r\s+""nuget:\s*(?<id>[^,""\s]+)[^""]*""\s*$", RegexOptions.Compiled);
    static readonly Regex FileReference = new(@"^\s*#r\s+""(?<path>[^""]+\.dll)""\s*$", RegexOptions.Compiled | RegexOptions.IgnoreCase);

    /// <summary>
    /// Replaces each line of <paramref name="code"/> that references a host-provided package or assembly with a
    /// comment saying so; other lines (other NuGet packages, other DLLs) are left to the kernel.
    /// </summary>
    public static string Rewrite(string code)
    {
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var nuget = NugetReference.Match(line);
            var file = FileReference.Match(line);
            var provided = nuget.Success ? Packages.Contains(nuget.Groups["id"].Value)
                : file.Success && Assemblies.Contains(Path.GetFileNameWithoutExtension(file.Groups["path"].Value), StringComparer.OrdinalIgnoreCase);
            if (provided) lines[i] = "// provided by the workbench runner: " + line.Trim();
        }
        return string.Join('\n', lines);
    }

    /// <summary>File paths of the host assemblies to reference from the kernel (loaded now if needed).</summary>
    public static IEnumerable<string> AssemblyPaths()
    {
        foreach (var name in Assemblies)
        {
            Assembly asm;
            try { asm = Assembly.Load(new AssemblyName(name)); }
            catch (FileNotFoundException) { continue; }
            if (!string.IsNullOrEmpty(asm.Location)) yield return asm.Location;
        }
    }
}
