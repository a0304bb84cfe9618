using System.Reflection;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;
using Microsoft.DotNet.Interactive;

namespace Workbench.Notebooks;

/// <summary>
/// The real .NET Interactive kernel hosted in-process: a <see cref="CompositeKernel"/> with a
/// <see cref="CSharpKernel"/> that has the NuGet directive, the kernel helpers (display, HTML, ...), the
/// host-provided assemblies (Cmd, TorchSharp already loaded and patched, ImageSharp, Plotly.NET) referenced,
/// kernel extensions loaded from packages' interactive-extensions/dotnet/ folders, and the workbench's
/// formatters registered last so charts draw offline.
/// </summary>
public static class WorkbenchKernel
{
    public const string CSharp = "csharp";

    /// <summary>Folder (under the host's output) holding host-provided packages' kernel extensions, one sub-folder each.</summary>
    public static string HostExtensionsRoot => Path.Combine(AppContext.BaseDirectory, "interactive-extensions");

    public static async Task<CompositeKernel> CreateAsync(Action<string>? log = null)
    {
        KernelSetup.Hosted = true;   // a notebook's first cell then only imports the namespaces
        CompositeKernel? composite = null;
        var csharp = new CSharpKernel()
            .UseNugetDirective(async (kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                foreach (var p in packages)
                {
                    var dir = Path.Combine(p.PackageRoot, "interactive-extensions", "dotnet");
                    if (Directory.Exists(dir)) await LoadExtensionsAsync(dir, (Kernel?)composite ?? kernel, log);
                }
                Formatters.RegisterNow();
            }, forceRestore: false)
            .UseKernelHelpers()
            .UseValueSharing();
        csharp.AddAssemblyReferences(HostProvided.AssemblyPaths());
        composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = CSharp;

        if (Directory.Exists(HostExtensionsRoot))
            foreach (var dir in Directory.GetDirectories(HostExtensionsRoot).Order())
                await LoadExtensionsAsync(dir, composite, log);
        Formatters.RegisterNow();
        return composite;
    }

    /// <summary>Loads every <see cref="IKernelExtension"/> found in the assemblies of a folder.</summary>
    public static async Task LoadExtensionsAsync(string directory, Kernel kernel, Action<string>? log)
    {
        foreach (var file in Directory.GetFiles(directory, "*.dll").Order())
        {
            var name = AssemblyName.GetAssemblyName(file).Name;
            // The same assembly may already be loaded from the host's output folder: reuse it.
            var asm = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name)
                      ?? Assembly.LoadFrom(file);
            foreach (var type in asm.GetExportedTypes().Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
            {
                var extension = (IKernelExtension)Activator.CreateInstance(type)!;
                await extension.OnLoadAsync(kernel);
                log?.Invoke($"kernel extension loaded: {type.FullName} ({Path.GetFileName(file)})");
            }
        }
    }
}
