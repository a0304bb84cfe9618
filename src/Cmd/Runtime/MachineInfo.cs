namespace Cmd.Runtime;

/// <summary>The machine a figure was measured on: CPU model (from /proc/cpuinfo), cores, memory.</summary>
public static class MachineInfo
{
    /// <summary>"model name" of the first processor in /proc/cpuinfo, or the OS description elsewhere.</summary>
    public static string CpuModel() => CpuInfoField("model name") ?? System.Runtime.InteropServices.RuntimeInformation.OSDescription;

    /// <summary>"vendor_id" of the first processor in /proc/cpuinfo (GenuineIntel, AuthenticAMD, ...), or "unknown".</summary>
    public static string CpuVendor() => CpuInfoField("vendor_id") ?? "unknown";

    /// <summary>Processors listed in /proc/cpuinfo (all of the machine's, whatever this process's affinity), else ProcessorCount.</summary>
    public static int Cores()
    {
        try
        {
            int n = File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal));
            if (n > 0) return n;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Environment.ProcessorCount;
    }

    static string? CpuInfoField(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith(name, StringComparison.Ordinal) && line.IndexOf(':') is int i and > 0)
                    return line[(i + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>The "flags" of the first processor in /proc/cpuinfo (e.g. avx2, avx512f), empty where there is none.</summary>
    public static IReadOnlySet<string> CpuFlags() =>
        (CpuInfoField("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>e.g. "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz, 2 cores".</summary>
    public static string Describe() => $"{CpuModel()}, {Cores()} cores";
}
