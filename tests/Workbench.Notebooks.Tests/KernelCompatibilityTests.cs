using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Workbench.Notebooks.Tests;

/// <summary>
/// In the dotnet-interactive kernel, an assembly the kernel already has answers every request for it, in any version
/// (KernelSetup: FSharp.Core 10.0.0.0 for Plotly.NET's 10.1.0.0). That is safe only if everything the workbench's
/// assemblies use from it is there: every type and member they reference (name and signature) must be defined in the
/// kernel's copy. Checked over all assemblies the notebooks load (Workbench.Notebooks.dll and what it references in the
/// build output) against the installed kernel (`make jupyter`).
/// </summary>
public class KernelCompatibilityTests
{
    [Fact]
    public void Every_member_used_from_an_older_kernel_assembly_exists_in_it()
    {
        var kernel = KernelDirectory();
        var build = BuildDirectory();
        var checkedAssemblies = new List<string>();
        var missing = new List<string>();
        var members = 0;
        foreach (var user in Closure(build, "Workbench.Notebooks"))
        {
            using var userFile = new PEReader(File.OpenRead(Path.Combine(build, user + ".dll")));
            var md = userFile.GetMetadataReader();
            foreach (var handle in md.AssemblyReferences)
            {
                var reference = md.GetAssemblyReference(handle);
                var name = md.GetString(reference.Name);
                var kernelCopy = Path.Combine(kernel, name + ".dll");
                if (!File.Exists(kernelCopy)) continue;
                using var kernelFile = new PEReader(File.OpenRead(kernelCopy));
                var kmd = kernelFile.GetMetadataReader();
                if (kmd.GetAssemblyDefinition().Version >= reference.Version) continue;   // the kernel's is not older
                checkedAssemblies.Add($"{user} -> {name} {reference.Version} (kernel {kmd.GetAssemblyDefinition().Version})");
                var (count, lacking) = Check(md, handle, kmd);
                members += count;
                missing.AddRange(lacking.Select(m => $"{user}: {name}: {m}"));
            }
        }
        // FSharp.Core is the case the kernel has (Plotly.NET 6.0.0 asks for 10.1, dotnet-interactive 1.0.712001 has 10.0).
        Assert.Contains(checkedAssemblies, c => c.StartsWith("Plotly.NET -> FSharp.Core 10.1"));
        Assert.True(members > 500, $"only {members} member references checked: {string.Join("; ", checkedAssemblies)}");
        Assert.True(missing.Count == 0, string.Join("\n", missing.Take(50)));
    }

    [Fact]
    public void The_check_finds_a_member_that_is_not_there()
    {
        // Plotly.NET's FSharp.Core references checked against the FSharp.Core it was built for must pass; the same
        // references checked against an assembly without them (DynamicObj) must fail.
        var build = BuildDirectory();
        using var user = new PEReader(File.OpenRead(Path.Combine(build, "Plotly.NET.dll")));
        var md = user.GetMetadataReader();
        var fsharp = md.AssemblyReferences.First(h => md.GetString(md.GetAssemblyReference(h).Name) == "FSharp.Core");
        using var same = new PEReader(File.OpenRead(Path.Combine(build, "FSharp.Core.dll")));
        var (count, lacking) = Check(md, fsharp, same.GetMetadataReader());
        Assert.True(count > 500, $"{count} member references");
        Assert.Empty(lacking);
        using var other = new PEReader(File.OpenRead(Path.Combine(build, "DynamicObj.dll")));
        Assert.NotEmpty(Check(md, fsharp, other.GetMetadataReader()).Missing);
    }

    /// <summary>
    /// How many members <paramref name="md"/> references in assembly <paramref name="target"/>, and the types and members
    /// among them that <paramref name="kmd"/> lacks.
    /// </summary>
    static (int Members, List<string> Missing) Check(MetadataReader md, AssemblyReferenceHandle target, MetadataReader kmd)
    {
        var missing = new List<string>();
        var members = 0;
        var types = new Dictionary<string, TypeDefinition>();
        foreach (var h in kmd.TypeDefinitions)
        {
            var t = kmd.GetTypeDefinition(h);
            types[FullName(kmd, t)] = t;
        }
        var forwarded = kmd.ExportedTypes.Select(h => kmd.GetExportedType(h))
            .Select(e => Join(kmd.GetString(e.Namespace), kmd.GetString(e.Name))).ToHashSet();
        var provider = new SignatureText();
        foreach (var h in md.TypeReferences)
        {
            if (!InAssembly(md, h, target)) continue;
            var name = FullName(md, h);
            if (!types.ContainsKey(name) && !forwarded.Contains(name)) missing.Add("type " + name);
        }
        foreach (var h in md.MemberReferences)
        {
            var m = md.GetMemberReference(h);
            var owner = OwnerType(md, m.Parent);
            if (owner is null || !InAssembly(md, owner.Value, target)) continue;
            var typeName = FullName(md, owner.Value);
            if (!types.TryGetValue(typeName, out var type)) continue;   // reported above (or forwarded)
            members++;
            var name = md.GetString(m.Name);
            var wanted = m.GetKind() == MemberReferenceKind.Method
                ? Method(m.DecodeMethodSignature(provider, null)) : m.DecodeFieldSignature(provider, null);
            var found = m.GetKind() == MemberReferenceKind.Method
                ? type.GetMethods().Select(kmd.GetMethodDefinition).Where(d => kmd.GetString(d.Name) == name)
                    .Any(d => Method(d.DecodeSignature(provider, null)) == wanted)
                : type.GetFields().Select(kmd.GetFieldDefinition).Where(d => kmd.GetString(d.Name) == name)
                    .Any(d => d.DecodeSignature(provider, null) == wanted);
            if (!found) missing.Add($"{typeName}::{name} {wanted}");
        }
        return (members, missing);
    }

    static string Method(MethodSignature<string> s) =>
        $"{s.ReturnType} <{s.GenericParameterCount}>({string.Join(", ", s.ParameterTypes)})";

    /// <summary>The type a member reference hangs on: a type reference, or the generic type of an instantiation.</summary>
    static TypeReferenceHandle? OwnerType(MetadataReader md, EntityHandle parent)
    {
        if (parent.Kind == HandleKind.TypeReference) return (TypeReferenceHandle)parent;
        if (parent.Kind != HandleKind.TypeSpecification) return null;
        var blob = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
        blob.ReadCompressedInteger();   // class or value type
        var generic = blob.ReadTypeHandle();
        return generic.Kind == HandleKind.TypeReference ? (TypeReferenceHandle)generic : null;
    }

    static bool InAssembly(MetadataReader md, TypeReferenceHandle h, AssemblyReferenceHandle target)
    {
        var scope = md.GetTypeReference(h).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference) scope = md.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        return scope.Kind == HandleKind.AssemblyReference && (AssemblyReferenceHandle)scope == target;
    }

    static string FullName(MetadataReader md, TypeReferenceHandle h)
    {
        var t = md.GetTypeReference(h);
        var name = Join(md.GetString(t.Namespace), md.GetString(t.Name));
        return t.ResolutionScope.Kind == HandleKind.TypeReference ? FullName(md, (TypeReferenceHandle)t.ResolutionScope) + "/" + name : name;
    }

    static string FullName(MetadataReader md, TypeDefinition t)
    {
        var name = Join(md.GetString(t.Namespace), md.GetString(t.Name));
        var outer = t.GetDeclaringType();
        return outer.IsNil ? name : FullName(md, md.GetTypeDefinition(outer)) + "/" + name;
    }

    static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    /// <summary>Signatures as text: types by full name (the assembly they come from left out), generic parameters by position.</summary>
    sealed class SignatureText : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string e, ArrayShape shape) => $"{e}[{new string(',', shape.Rank - 1)}]";
        public string GetByReferenceType(string e) => e + "&";
        public string GetFunctionPointerType(MethodSignature<string> s) => "fnptr " + Method(s);
        public string GetGenericInstantiation(string g, ImmutableArray<string> args) => $"{g}<{string.Join(",", args)}>";
        public string GetGenericMethodParameter(object? c, int i) => "!!" + i;
        public string GetGenericTypeParameter(object? c, int i) => "!" + i;
        public string GetModifiedType(string modifier, string unmodified, bool required) => unmodified;
        public string GetPinnedType(string e) => e;
        public string GetPointerType(string e) => e + "*";
        public string GetPrimitiveType(PrimitiveTypeCode code) => code.ToString();
        public string GetSZArrayType(string e) => e + "[]";
        public string GetTypeFromDefinition(MetadataReader md, TypeDefinitionHandle h, byte kind) => FullName(md, md.GetTypeDefinition(h));
        public string GetTypeFromReference(MetadataReader md, TypeReferenceHandle h, byte kind) => FullName(md, h);
        public string GetTypeFromSpecification(MetadataReader md, object? c, TypeSpecificationHandle h, byte kind) =>
            md.GetTypeSpecification(h).DecodeSignature(this, c);
    }

    /// <summary>The assemblies loaded with <paramref name="start"/>: it and what it references, found in the build output.</summary>
    static IEnumerable<string> Closure(string build, string start)
    {
        var seen = new HashSet<string>();
        var todo = new Stack<string>([start]);
        while (todo.Count > 0)
        {
            var name = todo.Pop();
            if (!seen.Add(name)) continue;
            yield return name;
            using var pe = new PEReader(File.OpenRead(Path.Combine(build, name + ".dll")));
            var md = pe.GetMetadataReader();
            foreach (var h in md.AssemblyReferences)
            {
                var r = md.GetString(md.GetAssemblyReference(h).Name);
                if (File.Exists(Path.Combine(build, r + ".dll")) && !seen.Contains(r)) todo.Push(r);
            }
        }
    }

    /// <summary>The CLI's build output, which the notebooks load (the tests' own output is a copy of the same files).</summary>
    static string BuildDirectory() => AppContext.BaseDirectory;

    /// <summary>The installed dotnet-interactive global tool's files.</summary>
    static string KernelDirectory()
    {
        var store = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", ".store", "microsoft.dotnet-interactive");
        var app = Directory.Exists(store) ? Directory.GetFiles(store, "Microsoft.DotNet.Interactive.App.dll", SearchOption.AllDirectories).FirstOrDefault() : null;
        Assert.True(app is not null, $"the dotnet-interactive tool is not installed under {store}: run `make jupyter`");
        return Path.GetDirectoryName(app)!;
    }
}
