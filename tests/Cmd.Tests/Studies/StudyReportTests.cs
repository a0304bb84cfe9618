using Cmd.Data;
using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>The study's page (`workbench sweep collect`): the commands that regenerate it run from a clone.</summary>
public class StudyReportTests
{
    [Fact]
    public void ThePageTellsAReaderWhatToRunFromTheirCloneNotWhereThisMachineKeptItsRuns()
    {
        // a checkout of its own (Workbench.sln at its root) with the tiny study in it; this machine's runs elsewhere
        var checkout = Fixtures.TempDir("study-page");
        File.WriteAllText(Path.Combine(checkout, "Workbench.sln"), "");
        var study = Path.Combine(checkout, "studies", "sweep-tiny.json");
        Directory.CreateDirectory(Path.GetDirectoryName(study)!);
        File.Copy(Path.Combine(RepoData.Root, "studies", "sweep-tiny.json"), study);
        var runs = Path.Combine(Fixtures.TempDir("study-page-runs"), "studies", "sweep-tiny");
        var overrides = new StudyOverrides { Results = Path.Combine(checkout, "results", "sweep-tiny"), Runs = runs };
        var plan = StudyPlan.Load(study, overrides);
        var command = new CellCommand(["/usr/bin/dotnet", "/opt/wb/workbench.dll", "--device", "auto"], study, overrides.Arguments());

        var page = File.ReadAllText(StudyReport.Write(plan, command, _ => { }).Readme);

        Assert.Contains("```\nworkbench sweep run studies/sweep-tiny.json --results results/sweep-tiny --backend local --jobs 1 --threads 2\n" +
            "workbench sweep collect studies/sweep-tiny.json --results results/sweep-tiny\n```", page);
        Assert.Contains("`workbench sweep run studies/sweep-tiny.json --results results/sweep-tiny --backend slurm`", page);
        Assert.Contains("`--jobs 1 --threads 2` runs one cell at a time on both cores of a 2-core machine", page);
        Assert.DoesNotContain(runs, page);
        Assert.DoesNotContain(checkout, page);
        Assert.DoesNotContain("/opt/wb", page);
    }
}
