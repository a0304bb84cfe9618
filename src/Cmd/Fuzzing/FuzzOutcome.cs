namespace Cmd.Fuzzing;

/// <summary>What one hostile input did to a reader.</summary>
public enum FuzzOutcome
{
    /// <summary>Read, and what was read equals what the unmutated input gives (e.g. whitespace in a JSON header).</summary>
    AcceptedIdentical,
    /// <summary>Read, with a different result. For files with the workbench checksum this is a silent misread; for text
    /// formats (notebooks, CSV lists) an edited file is simply another valid file.</summary>
    AcceptedDifferent,
    /// <summary>Refused with the library's own exception naming the file (and, for loaders, nothing changed).</summary>
    CleanRejection,
    /// <summary>Refused, but the model, optimizer or generator was already changed (half-loaded).</summary>
    HalfLoaded,
    /// <summary>An exception that is not the library's clean rejection (no file named, a .NET or native error).</summary>
    UnexpectedException,
    /// <summary>No answer within the time limit.</summary>
    Hang,
    /// <summary>The process running the input died (a native abort, a stack overflow, ...): counted in child processes.</summary>
    ProcessDeath,
}

/// <summary>One input's result: its index, the mutation that made it, the outcome, and a detail for anything unclean.</summary>
public sealed record FuzzResult(int Index, string Mutation, FuzzOutcome Outcome, string? Detail = null);

/// <summary>Counts per outcome over a fuzz run, with the first few examples of each unclean outcome (to reproduce them).</summary>
public sealed class FuzzReport(string target, bool textFormat)
{
    readonly Dictionary<FuzzOutcome, int> counts = Enum.GetValues<FuzzOutcome>().ToDictionary(o => o, _ => 0);
    readonly List<FuzzResult> examples = [];

    public string Target { get; } = target;
    /// <summary>Text formats: an accepted edit is another valid file, so AcceptedDifferent is not a fault.</summary>
    public bool TextFormat { get; } = textFormat;
    public int Inputs => counts.Values.Sum();
    public double Seconds { get; set; }
    public IReadOnlyDictionary<FuzzOutcome, int> Counts => counts;
    public IReadOnlyList<FuzzResult> Examples => examples;

    public int this[FuzzOutcome o] => counts[o];

    /// <summary>Faults: deaths, hangs, unexpected exceptions, half-loads, and (binary formats) accepted changes.</summary>
    public int Faults => Inputs - this[FuzzOutcome.AcceptedIdentical] - this[FuzzOutcome.CleanRejection]
                         - (TextFormat ? this[FuzzOutcome.AcceptedDifferent] : 0);

    public void Add(FuzzResult r)
    {
        counts[r.Outcome]++;
        bool fault = r.Outcome is not (FuzzOutcome.AcceptedIdentical or FuzzOutcome.CleanRejection)
                     && !(TextFormat && r.Outcome == FuzzOutcome.AcceptedDifferent);
        if (fault && examples.Count(e => e.Outcome == r.Outcome) < 5) examples.Add(r);
    }

    public IEnumerable<string> Lines()
    {
        yield return $"fuzz {Target}: {Inputs} inputs in {Seconds:F0} s";
        yield return $"  accepted-identical {this[FuzzOutcome.AcceptedIdentical]}, clean rejections {this[FuzzOutcome.CleanRejection]}, " +
                     $"accepted-different {this[FuzzOutcome.AcceptedDifferent]}{(TextFormat ? " (text: edited but valid files)" : "")}";
        yield return $"  anything else {Faults}: half-loaded {this[FuzzOutcome.HalfLoaded]}, unexpected exceptions {this[FuzzOutcome.UnexpectedException]}, " +
                     $"hangs {this[FuzzOutcome.Hang]}, process deaths {this[FuzzOutcome.ProcessDeath]}" +
                     (TextFormat ? "" : $", accepted-different {this[FuzzOutcome.AcceptedDifferent]}");
        foreach (var e in examples) yield return $"  input {e.Index} ({e.Mutation}): {e.Outcome}: {e.Detail}";
    }
}
