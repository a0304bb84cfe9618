using Cmd.Runtime;

namespace Cmd.Tests.Runtime;

/// <summary>DAMON's sysfs tree as this machine has it (kdamond 0 on, paddr, a pageout scheme), written here by hand.</summary>
public class DamonPageoutTests
{
    static string Kdamonds(string state, string action)
    {
        var admin = Fixtures.TempDir("damon");
        void Write(string relative, string text)
        {
            var path = Path.Combine(admin, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text + "\n"); // sysfs files end in a newline
        }
        Write("nr_kdamonds", "1");
        Write("0/state", state);
        Write("0/contexts/nr_contexts", "1");
        Write("0/contexts/0/operations", "paddr");
        Write("0/contexts/0/monitoring_attrs/intervals/aggr_us", "5000000");
        Write("0/contexts/0/monitoring_attrs/intervals/sample_us", "500000");
        Write("0/contexts/0/schemes/nr_schemes", "1");
        Write("0/contexts/0/schemes/0/action", action);
        Write("0/contexts/0/schemes/0/access_pattern/age/min", "12");
        Write("0/contexts/0/schemes/0/access_pattern/age/max", "4294967295");
        return admin;
    }

    [Fact]
    public void APageoutSchemeOfARunningKdamondIsFoundWithItsIdleTime()
    {
        var admin = Kdamonds("on", "pageout");
        var scheme = Assert.Single(DamonPageout.Running(admin));
        Assert.Equal((Path.Combine(admin, "0"), "paddr", 60.0), (scheme.Kdamond, scheme.Operations, scheme.IdleSeconds));
    }

    [Fact]
    public void AnOffKdamondOtherActionsAndNoDamonAtAllSayNothing()
    {
        Assert.Empty(DamonPageout.Running(Kdamonds("off", "pageout")));
        Assert.Empty(DamonPageout.Running(Kdamonds("on", "stat")));
        Assert.Empty(DamonPageout.Running(Path.Combine(Fixtures.TempDir("damon"), "absent")));
    }
}
