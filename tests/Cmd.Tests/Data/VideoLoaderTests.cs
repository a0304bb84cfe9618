using Cmd.Data;

namespace Cmd.Tests.Data;

public class VideoLoaderTests
{
    static MovingMnist Tiny(int count = 10, long seed = 1) => new(MovingMnistConfig.Tiny, count, seed);

    [Fact]
    public void BatchesHaveShapeBLCHWAndLabels()
    {
        var loader = new VideoLoader(Tiny(), batchSize: 4, seed: 0);
        var batches = loader.Epoch(0).ToList();
        try
        {
            Assert.Equal(2, batches.Count); // 10 clips, drop last partial batch
            Assert.Equal(new long[] { 4, 8, 1, 32, 32 }, batches[0].Frames.shape);
            Assert.Equal(new long[] { 4 }, batches[0].Labels.shape);
            Assert.Equal(4, batches[0].Captions.Count);
            using var clip = loader.Dataset.Get(batches[1].Indices[2]);
            Assert.True(batches[1].Frames[2].equal(clip.Frames).all().item<bool>());
            Assert.Equal(clip.Label, batches[1].Labels[2].item<long>());
        }
        finally { batches.ForEach(b => b.Dispose()); }
    }

    [Fact]
    public void ShuffleIsAPermutationDeterministicFromTheSeed()
    {
        var a = new VideoLoader(Tiny(count: 50), 5, seed: 3);
        var b = new VideoLoader(Tiny(count: 50), 5, seed: 3);
        var c = new VideoLoader(Tiny(count: 50), 5, seed: 4);
        Assert.Equal(a.Order(0), b.Order(0));
        Assert.NotEqual(a.Order(0), c.Order(0));
        Assert.NotEqual(a.Order(0), a.Order(1));
        Assert.Equal(Enumerable.Range(0, 50), a.Order(0).OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, 50), new VideoLoader(Tiny(count: 50), 5, shuffle: false).Order(0));
    }

    [Fact]
    public void PrefetchGivesTheSameBatchesAsTheCallerThreadAndResumeContinuesTheSequence()
    {
        var ds = Tiny(count: 12);
        var sync = new VideoLoader(ds, 3, seed: 9, prefetch: 0);
        var background = new VideoLoader(ds, 3, seed: 9, prefetch: 2, workers: 2);
        var all = sync.Steps(0, 6).Select(Keep).ToList();       // crosses into epoch 1
        var resumed = background.Steps(4, 2).Select(Keep).ToList();
        Assert.Equal(all[4], resumed[0]);
        Assert.Equal(all[5], resumed[1]);
        Assert.Equal(all.Take(4), background.Steps(0, 4).Select(Keep));
    }

    static string Keep(VideoBatch batch)
    {
        using (batch) return string.Join(",", batch.Indices) + ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(batch.Frames.bytes));
    }

    [Fact]
    public void BreakingOutEarlyStopsThePrefetcherAndErrorsReachTheCaller()
    {
        var loader = new VideoLoader(Tiny(count: 40), 2, prefetch: 3);
        foreach (var batch in loader.Epoch(0)) { batch.Dispose(); break; }

        var failing = new VideoLoader(new Failing(Tiny(count: 8), badIndex: 5), 2, shuffle: false, prefetch: 2);
        var e = Assert.Throws<InvalidDataException>(() => { foreach (var batch in failing.Epoch(0)) batch.Dispose(); });
        Assert.Contains("clip 5 is broken", e.Message);
    }

    sealed class Failing(IVideoDataset inner, int badIndex) : IVideoDataset
    {
        public string Name => "failing";
        public int Count => inner.Count;
        public VideoShape Shape => inner.Shape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public VideoClip Get(int index) => index == badIndex ? throw new InvalidDataException($"clip {index} is broken") : inner.Get(index);
    }
}
