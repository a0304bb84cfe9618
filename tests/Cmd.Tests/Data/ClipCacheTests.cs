using Cmd.Data;

namespace Cmd.Tests.Data;

[Collection("opencv")]
public class ClipCacheTests(OpenCvFixture videos)
{
    [Fact]
    public void CachedVideoClipsAreBitIdenticalToDecodedOnes()
    {
        using var dir = new TempDir();
        var entries = new[] { new VideoEntry(videos.PathOf("Megamind.avi"), 0, "megamind") };
        var sampling = ClipSampling.Tiny with { Frames = 4, Hop = 20, ClipsPerVideo = 5, Decode = ClipSampling.Tiny.Decode with { Height = 16, Width = 16 } };
        var source = new VideoFileDataset("m", entries, ["m"], sampling);
        var cache = ClipCache.Build(source, dir.Path, key: "k1", clipsPerShard: 3);
        Assert.Equal(source.Count, cache.Count);
        Assert.Equal(source.Shape, cache.Shape);
        Assert.Equal(2, Directory.GetFiles(dir.Path, "shard-*.safetensors").Length); // 5 clips in shards of 3
        foreach (int i in new[] { 0, 2, 3, source.Count - 1 })
        {
            using var a = source.Get(i);
            using var b = cache.Get(i);
            Assert.Equal(a.Frames.bytes.ToArray(), b.Frames.bytes.ToArray());
            Assert.Equal((a.Label, a.Caption, a.Source), (b.Label, b.Caption, b.Source));
        }
        // same key: opened, not rebuilt; another key: rebuilt
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(dir.Path, "shard-00000.safetensors"));
        Assert.Equal("k1", ClipCache.OpenOrBuild(dir.Path, "k1", () => throw new InvalidOperationException("should not rebuild")).Key);
        Assert.Equal("k2", ClipCache.OpenOrBuild(dir.Path, "k2", () => source, clipsPerShard: 3).Key);
    }

    [Fact]
    public void MovingMnistThroughTheCacheIsWithinOneGreyLevelAndLoadsInBatches()
    {
        using var dir = new TempDir();
        var options = new DatasetOptions { Dataset = "mmnist", Preset = "tiny", Count = 12, Seed = 5, CacheDirectory = dir.Path };
        var cached = VideoDatasets.Open(options);
        Assert.IsType<CachedVideoDataset>(cached);
        var direct = VideoDatasets.Open(options with { CacheDirectory = null });
        using (var a = direct.Get(7))
        using (var b = cached.Get(7))
        {
            Assert.True((a.Frames - b.Frames).abs().max().item<float>() <= 1f / 127.5f + 1e-6f);
            Assert.Equal(a.Caption, b.Caption);
        }
        var loader = new VideoLoader(cached, batchSize: 4, seed: 1);
        var shapes = loader.Epoch(0).Select(batch => { using (batch) return batch.Frames.shape; }).ToList();
        Assert.Equal(3, shapes.Count);
        Assert.All(shapes, s => Assert.Equal(new long[] { 4, 8, 1, 32, 32 }, s));
        Assert.Throws<FileNotFoundException>(() => CachedVideoDataset.Open(Path.Combine(dir.Path, "nothing")));
    }
}
