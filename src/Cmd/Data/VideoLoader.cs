using System.Collections.Concurrent;
using System.Collections;

namespace Cmd.Data;

/// <summary>
/// Batches [B, L, C, H, W] from an <see cref="IVideoDataset"/>. The clip order of epoch e is a permutation drawn
/// from (seed, e) when <c>shuffle</c> is on (identical on every run), else 0..Count-1. Batches are assembled
/// <c>prefetch</c> ahead on a background thread (0 = on the caller's thread); clips inside a batch are fetched by
/// <c>workers</c> threads. Each <see cref="VideoBatch"/> belongs to the caller: dispose it.
/// <code>
/// var loader = new VideoLoader(new MovingMnist(MovingMnistConfig.Small, count: 10_000, seed: 1), batchSize: 8, seed: 0);
/// foreach (var batch in loader.Steps(startStep: 0, steps: 1000)) { using (batch) { /* batch.Frames: [8,16,1,64,64] */ } }
/// </code>
/// </summary>
public sealed class VideoLoader : IEnumerable<VideoBatch>
{
    public IVideoDataset Dataset { get; }
    public int BatchSize { get; }
    public long Seed { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public int Prefetch { get; }
    public int Workers { get; }

    public VideoLoader(IVideoDataset dataset, int batchSize, long seed = 0, bool shuffle = true, bool dropLast = true, int prefetch = 2, int workers = 1)
    {
        if (batchSize < 1) throw new ArgumentException($"batch size must be >= 1 (got {batchSize})");
        if (prefetch < 0) throw new ArgumentException($"prefetch must be >= 0 (got {prefetch})");
        if (workers < 1) throw new ArgumentException($"workers must be >= 1 (got {workers})");
        if (dataset.Count == 0) throw new ArgumentException($"dataset {dataset.Name} has no clips");
        if (dropLast && dataset.Count < batchSize)
            throw new ArgumentException($"dataset {dataset.Name} has {dataset.Count} clips, fewer than one batch of {batchSize}");
        Dataset = dataset; BatchSize = batchSize; Seed = seed; Shuffle = shuffle; DropLast = dropLast; Prefetch = prefetch; Workers = workers;
    }

    public int BatchesPerEpoch => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Dataset indices in the order epoch <paramref name="epoch"/> visits them.</summary>
    public int[] Order(int epoch) =>
        Shuffle ? SeededRandom.For(Seed, epoch).Permutation(Dataset.Count) : Enumerable.Range(0, Dataset.Count).ToArray();

    /// <summary>Dataset indices of global batch number <paramref name="step"/> (epoch = step / BatchesPerEpoch).</summary>
    public int[] BatchIndices(long step)
    {
        int epoch = checked((int)(step / BatchesPerEpoch));
        int within = (int)(step % BatchesPerEpoch);
        var order = Order(epoch);
        int start = within * BatchSize;
        return order[start..Math.Min(order.Length, start + BatchSize)];
    }

    /// <summary>One pass over the dataset.</summary>
    public IEnumerable<VideoBatch> Epoch(int epoch = 0) =>
        Run(Enumerable.Range(0, BatchesPerEpoch).Select(b => BatchIndices((long)epoch * BatchesPerEpoch + b)));

    /// <summary>Global batches startStep .. startStep+steps-1, crossing epochs; a resumed run continues the same sequence.</summary>
    public IEnumerable<VideoBatch> Steps(long startStep, long steps) =>
        Run(Sequence(startStep, steps));

    IEnumerable<int[]> Sequence(long startStep, long steps)
    {
        for (long s = startStep; s < startStep + steps; s++) yield return BatchIndices(s);
    }

    public IEnumerator<VideoBatch> GetEnumerator() => Epoch(0).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Fetches and stacks the clips of one batch on the calling thread.</summary>
    public VideoBatch Load(int[] indices)
    {
        var clips = new VideoClip[indices.Length];
        try
        {
            if (Workers == 1 || indices.Length == 1)
                for (int i = 0; i < indices.Length; i++) clips[i] = Dataset.Get(indices[i]);
            else
                Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i => clips[i] = Dataset.Get(indices[i]));
            var expected = Dataset.Shape.ClipDims;
            for (int i = 0; i < clips.Length; i++)
                if (!clips[i].Frames.shape.SequenceEqual(expected))
                    throw new InvalidDataException($"{clips[i].Source}: clip shape [{string.Join(", ", clips[i].Frames.shape)}] differs from the dataset's {Dataset.Shape}");
            return VideoBatch.Collate(clips, indices);
        }
        finally
        {
            foreach (var clip in clips) clip?.Dispose();
        }
    }

    IEnumerable<VideoBatch> Run(IEnumerable<int[]> batches)
    {
        if (Prefetch == 0)
        {
            foreach (var indices in batches) yield return Load(indices);
            yield break;
        }
        using var queue = new BlockingCollection<VideoBatch>(Prefetch);
        using var cancel = new CancellationTokenSource();
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                foreach (var indices in batches)
                {
                    if (cancel.IsCancellationRequested) break;
                    var batch = Load(indices);
                    try { queue.Add(batch, cancel.Token); }
                    catch (OperationCanceledException) { batch.Dispose(); break; }
                }
            }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        }) { IsBackground = true, Name = $"VideoLoader({Dataset.Name})" };
        producer.Start();
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable()) yield return batch;
            producer.Join();
            if (failure is not null) throw new InvalidDataException($"loading {Dataset.Name}: {failure.Message}", failure);
        }
        finally
        {
            cancel.Cancel();
            producer.Join();
            while (queue.TryTake(out var left)) left.Dispose();
        }
    }
}
