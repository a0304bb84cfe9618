using System.Diagnostics;
using Cmd.Data;
using Cmd.Studies;
using static TorchSharp.torch;

namespace Cmd.Tests.Studies;

/// <summary>The sbatch scripts (the real submission runs against a real Slurm in Workbench.Cli.Tests/SweepSlurmTests).</summary>
public class SlurmBackendTests
{
    [Fact]
    public void ArrayScriptHasOneTaskPerUnfinishedCellAndTheOptionsAsSbatchLines()
    {
        var dir = Fixtures.TempDir("slurm-script");
        var study = Path.Combine(RepoData.Root, "studies", "sweep-tiny.json");
        var plan = StudyPlan.Load(study, new StudyOverrides { Results = Path.Combine(dir, "results"), Runs = Path.Combine(dir, "runs") });
        CellRunner.Run(plan, 2, CPU, _ => { });
        var command = new CellCommand(["dotnet", "/opt/wb/workbench.dll", "--device", "cuda"], "studies/sweep-tiny.json",
            ["--dataset", "mmnist", "--set", "notes=[\"a b\"]"]);
        var s = SlurmBackend.Submit(plan, command, new SlurmOptions
        {
            Partition = "gpu", Gres = "gpu:1", Time = "02:00:00", Memory = "16G", Extra = ["--account=vision", "--qos=high"], Submit = false,
        }, _ => { });
        Assert.Null(s.ArrayJob);
        Assert.Equal([0, 1, 3, 4, 5], s.Cells);
        var text = File.ReadAllText(s.Script);
        foreach (var line in new[]
        {
            "#SBATCH --array=0,1,3,4,5", "#SBATCH --cpus-per-task=1", "#SBATCH --time=02:00:00", "#SBATCH --partition=gpu",
            "#SBATCH --gres=gpu:1", "#SBATCH --mem=16G", "#SBATCH --account=vision", "#SBATCH --qos=high",
            $"[0]={plan.Cells[0].Key} [1]={plan.Cells[1].Key} [3]={plan.Cells[3].Key}",
            "exec dotnet /opt/wb/workbench.dll --device cuda sweep cell studies/sweep-tiny.json \"$SLURM_ARRAY_TASK_ID\" --dataset mmnist " +
            "--set 'notes=[\"a b\"]' --expect-key \"${key[$SLURM_ARRAY_TASK_ID]}\" --threads \"$threads\"",
        })
            Assert.Contains(line, text);
        Assert.DoesNotContain("[2]=", text);
        var collect = File.ReadAllText(s.CollectScript);
        Assert.Contains("exec dotnet /opt/wb/workbench.dll --device cuda sweep collect studies/sweep-tiny.json --dataset mmnist", collect);
        Assert.DoesNotContain("--gres", collect);
        foreach (var file in new[] { s.Script, s.CollectScript })
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", file]) { RedirectStandardError = true })!;
            var err = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, err);
        }
    }

    [Theory]
    [InlineData("3", new[] { 3 })]
    [InlineData("0-2", new[] { 0, 1, 2 })]
    [InlineData("0,2-3", new[] { 0, 2, 3 })]
    [InlineData("0-3%2", new[] { 0, 1, 2, 3 })]
    public void ArrayTaskIdsOfTasksCancelledWhilePendingAreExpanded(string field, int[] tasks) =>
        Assert.Equal(tasks, SlurmBackend.ArrayTasks(field));
}
