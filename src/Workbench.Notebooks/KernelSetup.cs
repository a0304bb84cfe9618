using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;

namespace Workbench.Notebooks;

/// <summary>
/// What every notebook's first cell calls: loads the workbench into the .NET Interactive kernel the notebook runs in,
/// from the build output this assembly was loaded from (src/Workbench.Cli/bin/Release/net10.0/, the files
/// `workbench notebook run` runs with), and imports its namespaces for the next cells.
/// <list type="bullet">
/// <item>Managed assemblies come from that folder (its workbench.deps.json); one the kernel already has (FSharp.Core
/// 10.0 in dotnet-interactive 1.0.712001, asked for as 10.1 by Plotly.NET 6.0.0) is answered with the kernel's copy,
/// as a binding redirect would (tests/Workbench.Notebooks.Tests/KernelCompatibilityTests.cs checks that every FSharp.Core member
/// Plotly.NET uses is in it).</item>
/// <item>Native libraries (libLibTorchSharp.so, libtorch) come from its runtimes/&lt;rid&gt;/native/: on Debian 12 the
/// copy the build patched (build/TorchSharpFix.targets), elsewhere as shipped. Nothing is copied into the NuGet cache.</item>
/// <item>plotly.js (from Plotly.NET.dll) is put on the page once, in this cell's output, so charts draw offline.</item>
/// </list>
/// Under <c>workbench notebook run</c> the host process already has all of it; only the namespaces are imported.
/// </summary>
public static class KernelSetup
{
    /// <summary>The namespaces the notebooks use, imported for the cells after the first.</summary>
    public static readonly IReadOnlyList<string> Usings =
    [
        "System.IO", "TorchSharp", "static TorchSharp.torch", "Plotly.NET", "Plotly.NET.CSharp",
        "Chart = Plotly.NET.CSharp.Chart", "Workbench.Notebooks", "Cmd.Benchmarks", "Cmd.Data", "Cmd.Diffusion",
        "Cmd.Evaluation", "Cmd.Metrics", "Cmd.Metrics.Clip", "Cmd.Metrics.Efficiency", "Cmd.Metrics.Fvd",
        "Cmd.Models.Autoencoder", "Cmd.Models.Denoisers", "Cmd.Pipeline", "Cmd.Presets", "Cmd.Reports", "Cmd.Studies",
        "Cmd.Training", "Cmd.Viz",
    ];

    /// <summary>Set by <see cref="WorkbenchKernel"/>: this process is the runner, which loaded everything itself.</summary>
    internal static bool Hosted { get; set; }

    static readonly object Gate = new();
    static AssemblyDependencyResolver? resolver;
    static readonly List<string> Unified = [];

    /// <summary>Assemblies asked for in another version than the kernel's copy, which answered them ("FSharp.Core 10.1.0.0").</summary>
    public static IReadOnlyList<string> Redirects { get { lock (Gate) return Unified.ToList(); } }

    /// <summary>The folder the workbench is loaded from (this assembly's).</summary>
    public static string BuildDirectory => Path.GetDirectoryName(typeof(KernelSetup).Assembly.Location)!;

    /// <summary>
    /// Loads the workbench of the checkout <paramref name="repository"/> into the current C# kernel (idempotent), says
    /// what it loaded, shows plotly.js once (hidden) and defers the <see cref="Usings"/> to the next cell.
    /// </summary>
    public static void Load(string repository)
    {
        if (string.IsNullOrEmpty(repository) || !File.Exists(Path.Combine(repository, "Workbench.sln")))
            throw new DirectoryNotFoundException($"not a workbench checkout (no Workbench.sln): '{repository}'; set CMD_WORKBENCH_ROOT");
        // The library's data/ lookups (Cmd.Data.RepoData) use the same checkout as the build.
        Environment.SetEnvironmentVariable("CMD_WORKBENCH_ROOT", Path.GetFullPath(repository));
        var kernel = Kernel.Current as CSharpKernel
            ?? throw new InvalidOperationException($"the workbench loads into a C# kernel; this cell runs in '{Kernel.Current?.Name}'");
        if (!Hosted)
        {
            InstallResolvers();
            kernel.AddAssemblyReferences(HostProvided.Assemblies.Select(ReferencePath));
        }
        // Everything below touches TorchSharp, ImageSharp or Plotly.NET: separate methods, compiled after the resolvers.
        Start(repository);
        kernel.DeferCommand(new SubmitCode(string.Concat(Usings.Select(u => $"using {u};\n")), kernel.Name));
    }

    /// <summary>The kernel's own copy of an assembly it already has (FSharp.Core), else the build output's.</summary>
    static string ReferencePath(string name) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name && !string.IsNullOrEmpty(a.Location))?.Location
        ?? Path.Combine(BuildDirectory, name + ".dll");

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Start(string repository)
    {
        Formatters.RegisterNow();
        Cmd.Runtime.MklDispatch.Apply();          // before libtorch loads, as the CLI does
        Cmd.Runtime.KernelCapability.Apply();     // libtorch's kernels at AVX2 on AMD, as the CLI does
        Cmd.Runtime.NativeMemory.KeepFreedMemory();
        Cmd.Runtime.ConvolutionCheck.Apply();     // oneDNN off where its convolution gradients are wrong, as the CLI does
        TorchSharp.torch.manual_seed(0);
        Console.WriteLine(Describe(repository));
        if (!Cmd.Runtime.ScalarLifetimeGuard.Active) // a kernel not started by `make jupyter` (e.g. VS Code's own)
            Console.WriteLine($"warning: scalar guard {Cmd.Runtime.ScalarLifetimeGuard.Describe()}; start the kernel with DOTNET_JITMinOpts=1");
        KernelInvocationContext.Current?.Display(new HtmlString(PlotlyOffline.PageScript()), "text/html");
    }

    /// <summary>One line: where the workbench came from and what was loaded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Describe(string repository)
    {
        var torch = typeof(TorchSharp.torch).Assembly;
        var fsharp = typeof(Microsoft.FSharp.Core.Unit).Assembly;
        var whose = Path.GetDirectoryName(fsharp.Location) == BuildDirectory ? "" : "the kernel's ";
        var native = resolver?.ResolveUnmanagedDllToPath("LibTorchSharp");
        return $"workbench {repository} ({(Hosted ? "workbench notebook run" : "build " + Path.GetRelativePath(repository, BuildDirectory))}): " +
               $"TorchSharp {torch.GetName().Version?.ToString(3)}, {TorchSharp.torch.get_num_threads()} threads" +
               (native is null ? "" : $", native {Path.GetRelativePath(BuildDirectory, native)}") +
               $"; Plotly.NET {typeof(Plotly.NET.GenericChart).Assembly.GetName().Version?.ToString(3)} on {whose}FSharp.Core " +
               $"{fsharp.GetName().Version} ({fsharp.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version})" +
               $"; plotly.js {PlotlyOffline.PlotlyJsVersion} inlined once";
    }

    static void InstallResolvers()
    {
        lock (Gate)
        {
            if (resolver is not null) return;
            var app = Path.Combine(BuildDirectory, "workbench.dll");
            if (!File.Exists(Path.ChangeExtension(app, ".deps.json")))
                throw new FileNotFoundException($"{BuildDirectory} is not the workbench's build output (no workbench.deps.json): load Workbench.Notebooks.dll from src/Workbench.Cli/bin/Release/net10.0/");
            resolver = new AssemblyDependencyResolver(app);
            AssemblyLoadContext.Default.Resolving += ResolveManaged;
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNative;
        }
    }

    /// <summary>The kernel's copy when it has one (loaded, or among its own assemblies), in any version; else ours.</summary>
    static Assembly? ResolveManaged(AssemblyLoadContext context, AssemblyName name)
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name.Name)
            ?? (KernelAssemblies.Value.Contains(name.Name!) ? context.LoadFromAssemblyName(new AssemblyName(name.Name!)) : null);
        if (loaded is not null)
        {
            if (name.Version is not null && loaded.GetName().Version != name.Version)
                lock (Gate) if (!Unified.Contains($"{name.Name} {name.Version}")) Unified.Add($"{name.Name} {name.Version}");
            return loaded;
        }
        return resolver!.ResolveAssemblyToPath(name) is { } path ? context.LoadFromAssemblyPath(path) : null;
    }

    /// <summary>The simple names of the kernel's own assemblies (the host's trusted platform assemblies).</summary>
    static readonly Lazy<HashSet<string>> KernelAssemblies = new(() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase));

    static IntPtr ResolveNative(Assembly assembly, string name) =>
        resolver!.ResolveUnmanagedDllToPath(name) is { } path ? NativeLibrary.Load(path) : IntPtr.Zero;
}
