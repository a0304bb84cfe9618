namespace Cmd.Fuzzing;

/// <summary>A hostile input: the files to write (relative name -> bytes) and the mutation that made them.</summary>
public sealed record FuzzInput(IReadOnlyDictionary<string, byte[]> Files, string Mutation);

/// <summary>
/// A reader under fuzzing. <see cref="Prepare"/> makes the good seed input(s) in a work folder; <see cref="Generate"/>
/// makes input i from a generator seeded by i (so any input can be made again); <see cref="Run"/> reads the input's
/// files from a folder and classifies what happened (a target catches its own clean rejections; anything that escapes
/// is an unexpected exception).
/// </summary>
public interface IFuzzTarget : IDisposable
{
    string Name { get; }
    string Description { get; }
    /// <summary>Text formats: an accepted edit is a different valid file, not a misread.</summary>
    bool TextFormat { get; }
    void Prepare(string workDirectory);
    FuzzInput Generate(Random random);
    (FuzzOutcome Outcome, string? Detail) Run(string inputDirectory);
}
