namespace Cmd.Runtime;

/// <summary>The machine a figure was measured on: CPU model (from /proc/cpuinfo), cores, memory.</summary>
public static class MachineInfo
{
    /// <summary>"model name" of the first processor in /proc/cpuinfo, or the OS description elsewhere.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int i and > 0)
                    return line[(i + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }

    /// <summary>e.g. "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz, 2 cores".</summary>
    public static string Describe() => $"{CpuModel()}, {Environment.ProcessorCount} cores";
}
