using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>The commands the page and notebooks 04-06 print: runnable from a clone's root, with the local options spelled out.</summary>
public class CellCommandTests
{
    const string Checkout = "/home/someone/workbench";

    static CellCommand Made(params string[] arguments) =>
        new(["/usr/bin/dotnet", "/home/someone/workbench/src/workbench.dll", "--device", "auto"], $"{Checkout}/studies/fig7.json", arguments);

    [Fact]
    public void ThePageCommandNamesNoFolderOfTheMachineThatMadeIt()
    {
        var command = Made("--seeds", "0,1", "--set", $"autoencoder={Checkout}/results/ae-small/autoencoder.safetensors",
            "--results", $"{Checkout}/results/fig7", "--runs", "/work/runs/studies/fig7").ForPage(Checkout);
        Assert.Equal("studies/fig7.json", command.Study);
        Assert.Equal(["--seeds", "0,1", "--set", "autoencoder=results/ae-small/autoencoder.safetensors", "--results", "results/fig7"],
            command.StudyArguments);
        Assert.Equal("workbench sweep run studies/fig7.json --seeds 0,1 --set autoencoder=results/ae-small/autoencoder.safetensors " +
            "--results results/fig7 --backend local --jobs 1 --threads 2", command.RunLine("local"));
        Assert.Equal("workbench sweep collect studies/fig7.json --seeds 0,1 --set autoencoder=results/ae-small/autoencoder.safetensors " +
            "--results results/fig7", command.CollectLine());
        // the program that made it stays for the cells it starts, never on the page
        Assert.Equal("/usr/bin/dotnet", command.Cell("0")[0]);
    }

    [Fact]
    public void FoldersOutsideTheCheckoutStayAsGivenAndOnlyThePageDropsRuns()
    {
        var made = Made("--dataset", "ucf101", "--root", "/data/UCF-101", "--results", "/scratch/r", "--runs", $"{Checkout}/runs/x");
        var here = made.RelativeTo(Checkout); // what notebooks print for this machine: --runs kept
        Assert.Equal(["--dataset", "ucf101", "--root", "/data/UCF-101", "--results", "/scratch/r", "--runs", "runs/x"], here.StudyArguments);
        Assert.Equal(["--dataset", "ucf101", "--root", "/data/UCF-101", "--results", "/scratch/r"], made.ForPage(Checkout).StudyArguments);
        // a folder that only starts like the checkout is not inside it
        Assert.Equal(["--results", $"{Checkout}-old/r"], Made("--results", $"{Checkout}-old/r").ForPage(Checkout).StudyArguments);
        Assert.Equal("/elsewhere/s.json", (Made() with { Study = "/elsewhere/s.json" }).ForPage(Checkout).Study);
    }

    [Fact]
    public void LocallyTheJobsAndThreadsAreSpelledOutAndSlurmTakesNeither()
    {
        var command = Made().ForPage(Checkout);
        Assert.Equal("workbench sweep run studies/fig7.json --backend local --jobs 1 --threads 2", command.RunLine("local"));
        Assert.Equal("workbench sweep run studies/fig7.json --backend local --jobs 2 --threads 8", command.RunLine("local", 2, 8));
        Assert.Equal("workbench sweep run studies/fig7.json --backend slurm", command.RunLine("slurm"));
        Assert.Equal("workbench sweep collect studies/fig7.json", command.CollectLine());
        Assert.Equal(["--jobs", "1", "--threads", "2"], LocalBackend.Arguments(LocalBackend.LaptopJobs, LocalBackend.LaptopThreads));
    }
}
