using System.Text.Json;
using Cmd.Data;
using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>Cells are keyed by their resolved config: any changed parameter gives a new key, nothing else does.</summary>
public class StudyPlanTests
{
    static Study Tiny => StudyFile.Load(Path.Combine(RepoData.Root, "studies", "sweep-tiny.json"));
    static readonly string Where = Path.Combine(RepoData.Root, "studies", "test.json");

    [Fact]
    public void AChangedParameterChangesTheKeyAndNothingElseDoes()
    {
        var keys = StudyPlan.For(Tiny, Where).Cells.Select(c => c.Key).ToList();
        Assert.Equal(keys, StudyPlan.For(Tiny with { Title = "renamed", Notes = ["x"], Slurm = new SlurmSettings { Time = "1:00:00" } }, Where).Cells.Select(c => c.Key));
        Assert.Equal(keys, StudyPlan.For(Tiny with { Name = "other-name" }, Where).Cells.Select(c => c.Key)); // the config, not the name
        foreach (var changed in new[]
        {
            Tiny with { Steps = new StudySteps { Autoencoder = 4 } },
            Tiny with { EvaluationClips = 9 },
            Tiny with { Dataset = Tiny.Dataset with { Clips = 65 } },
            Tiny with { Variants = [.. Tiny.Variants.Select(v => v with { Autoencoder = Node($"{{\"LatentChannels\": 4, \"Hidden\": 32}}") })] },
        })
            Assert.Empty(StudyPlan.For(changed, Where).Cells.Select(c => c.Key).Intersect(keys));
        // the seed is part of each cell's config
        Assert.Equal(6, keys.Distinct().Count());
    }

    [Fact]
    public void GridCrossesTheVariantsAndNamesEachSetting()
    {
        var study = Tiny with
        {
            Paper = null,
            Variants = [new StudyVariant { Name = "base" }],
            Grid = new Dictionary<string, JsonElement[]>
            {
                ["autoencoder.LatentChannels"] = [JsonSerializer.SerializeToElement(4), JsonSerializer.SerializeToElement(2)],
                ["autoencoder.WeightedSum"] = [JsonSerializer.SerializeToElement(true), JsonSerializer.SerializeToElement(false)],
            },
            Seeds = [7],
        };
        var plan = StudyPlan.For(study, Where);
        Assert.Equal(["base LatentChannels=4 WeightedSum=true", "base LatentChannels=4 WeightedSum=false",
                      "base LatentChannels=2 WeightedSum=true", "base LatentChannels=2 WeightedSum=false"], plan.Cells.Select(c => c.Variant));
        Assert.Equal([(4, true), (4, false), (2, true), (2, false)], plan.Cells.Select(c => (c.Config.Autoencoder.LatentChannels, c.Config.Autoencoder.WeightedSum)));
        Assert.All(plan.Cells, c => Assert.Equal(7, c.Seed));
    }

    [Fact]
    public void MotionStudiesShareOneAutoencoderAndFitTheMotionDiTToIt()
    {
        var plan = StudyPlan.Load(Path.Combine(RepoData.Root, "studies", "table4c.json"));
        Assert.Single(plan.Cells.Select(c => c.Config.AutoencoderSource).Distinct());
        Assert.StartsWith("weights:", plan.Cells[0].Config.AutoencoderSource);
        Assert.Equal([16, 16, 16, 8, 8, 8, 4, 4, 4], plan.Cells.Select(c => c.Config.Motion!.KeyPatchSize));
        Assert.All(plan.Cells, c => Assert.Equal((c.Config.Autoencoder.Channels, c.Config.Autoencoder.Height), (c.Config.Motion!.ContentChannels, c.Config.Motion.ContentHeight)));
    }

    [Fact]
    public void GivenWeightsOfAnotherChannelCountAreAnErrorNotAGreyReadOfRgbClips()
    {
        var path = Path.Combine(RepoData.Root, "studies", "table4c.json"); // names the 1-channel results/ae-small-frame
        var rgb = new StudyOverrides { Dataset = "ucf101", Root = "/data/UCF-101", Channels = 3 };
        var e = Assert.Throws<StudyException>(() => StudyPlan.Load(path, rgb));
        Assert.Equal($"{path}: variant 'key patch 16': the autoencoder weights results/ae-small-frame/autoencoder.safetensors take " +
            "1-channel clips, the dataset asks for 3 (--channels); give weights trained on it (--set autoencoder=<file>) or train one " +
            "(--set autoencoder=null)", e.Message);
        var trained = StudyPlan.Load(path, rgb with { Set = ["autoencoder=null"] });
        Assert.All(trained.Cells, c => Assert.Equal((3, "ucf101"), (c.Config.Autoencoder.Channels, c.Config.Dataset.Name)));
        Assert.All(trained.Cells, c => Assert.StartsWith("shared:", c.Config.AutoencoderSource));
    }

    static System.Text.Json.Nodes.JsonObject Node(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
}
