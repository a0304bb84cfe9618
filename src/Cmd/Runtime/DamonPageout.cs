using System.Globalization;

namespace Cmd.Runtime;

/// <summary>
/// The kernel's DAMON "pageout" schemes running on this machine (sysfs, /sys/kernel/mm/damon/admin): memory they find
/// idle long enough is reclaimed. The benchmark page names the state, since these VMs run such a scheme from boot and
/// it is one suspect of the slow state of long trainings (results/bench/motion-step.md). Reading only.
/// </summary>
public static class DamonPageout
{
    public const string AdminDirectory = "/sys/kernel/mm/damon/admin/kdamonds";

    /// <param name="Kdamond">The kdamond's folder, whose `state` file turns it off.</param>
    /// <param name="Operations">What it watches: paddr (physical memory), vaddr or fvaddr (processes).</param>
    /// <param name="IdleSeconds">How long a region stays unaccessed before it is paged out (min age x aggregation).</param>
    public sealed record Scheme(string Kdamond, string Operations, double IdleSeconds);

    /// <summary>Every pageout scheme of a kdamond whose state is "on"; empty where there is no DAMON or no access.</summary>
    public static IReadOnlyList<Scheme> Running(string admin = AdminDirectory)
    {
        var found = new List<Scheme>();
        try
        {
            if (!Directory.Exists(admin)) return found;
            foreach (var kdamond in Numbered(admin))
            {
                if (Read(Path.Combine(kdamond, "state")) != "on") continue;
                foreach (var context in Numbered(Path.Combine(kdamond, "contexts")))
                    found.AddRange(PageoutSchemes(kdamond, context));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return found;
    }

    static IEnumerable<Scheme> PageoutSchemes(string kdamond, string context)
    {
        string operations = Read(Path.Combine(context, "operations")) ?? "?";
        double aggregationUs = Number(Path.Combine(context, "monitoring_attrs", "intervals", "aggr_us"));
        foreach (var scheme in Numbered(Path.Combine(context, "schemes")))
        {
            if (Read(Path.Combine(scheme, "action")) != "pageout") continue;
            double minAge = Number(Path.Combine(scheme, "access_pattern", "age", "min"));
            yield return new Scheme(kdamond, operations, minAge * aggregationUs / 1e6);
        }
    }

    /// <summary>The numbered subfolders (0, 1, ...) of a DAMON sysfs folder, in order.</summary>
    static IEnumerable<string> Numbered(string dir) => !Directory.Exists(dir) ? []
        : Directory.GetDirectories(dir).Where(d => int.TryParse(Path.GetFileName(d), out _))
            .OrderBy(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture));

    static string? Read(string file) => File.Exists(file) ? File.ReadAllText(file).Trim() : null;

    static double Number(string file) =>
        double.TryParse(Read(file), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
