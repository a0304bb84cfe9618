using System.Diagnostics;

namespace Cmd.Training;

/// <summary>
/// Progress on stderr: bar, step, loss (last and running mean), seconds per step and ETA. On a terminal it
/// redraws one line (at most 5 times a second); when stderr is redirected (nohup, CI) it prints a line
/// every ~2% of the run or every 30 s.
/// </summary>
public sealed class ProgressBar(long startStep, long totalSteps, string label = "train", TextWriter? output = null)
{
    readonly TextWriter output = output ?? Console.Error;
    readonly bool interactive = output is null && !Console.IsErrorRedirected;
    readonly Stopwatch clock = Stopwatch.StartNew();
    TimeSpan lastDraw = TimeSpan.FromHours(-1);
    double meanLoss = double.NaN;
    readonly long firstStep = startStep;
    long lastPrintedStep = startStep;

    public void Update(long step, double loss)
    {
        meanLoss = double.IsNaN(meanLoss) ? loss : 0.98 * meanLoss + 0.02 * loss;
        bool last = step >= totalSteps;
        var now = clock.Elapsed;
        if (interactive)
        {
            if (!last && now - lastDraw < TimeSpan.FromMilliseconds(200)) return;
            output.Write("\r" + Line(step, loss, now) + "   ");
            if (last) output.WriteLine();
        }
        else
        {
            long every = Math.Max(1, (totalSteps - firstStep) / 50);
            if (!last && step - lastPrintedStep < every && now - lastDraw < TimeSpan.FromSeconds(30)) return;
            output.WriteLine(Line(step, loss, now));
            lastPrintedStep = step;
        }
        lastDraw = now;
    }

    public string Line(long step, double loss, TimeSpan elapsed)
    {
        long done = step - firstStep, total = totalSteps - firstStep;
        double perStep = done > 0 ? elapsed.TotalSeconds / done : 0;
        var eta = TimeSpan.FromSeconds(perStep * (totalSteps - step));
        double fraction = totalSteps > 0 ? (double)step / totalSteps : 1;
        int filled = (int)Math.Round(20 * fraction);
        return $"{label} [{new string('#', filled)}{new string('.', 20 - filled)}] {step}/{totalSteps} {100 * fraction,3:F0}% " +
               $"loss {loss:G4} (avg {meanLoss:G4}) {perStep:F2} s/it ETA {Format(eta)}" + (total <= 0 ? "" : "");
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes:D2}:{t.Seconds:D2}";
}
