using System.Globalization;

namespace Cmd.Training;

/// <summary>CSV loss log: step,loss,lr,elapsed_s,step_s,rss_mb (resident memory of the process). On resume, rows past the checkpoint's step are dropped.</summary>
public sealed class LossLog : IDisposable
{
    public const string FileName = "loss.csv";
    public const string Header = "step,loss,lr,elapsed_s,step_s,rss_mb";
    readonly StreamWriter writer;

    public LossLog(string path, long resumeStep)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var kept = new List<string> { Header };
        if (resumeStep > 0 && File.Exists(path))
            kept.AddRange(File.ReadLines(path).Skip(1).Where(line => long.TryParse(line.Split(',')[0], out var s) && s <= resumeStep));
        File.WriteAllLines(path, kept);
        writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    public void Write(long step, double loss, double lr, double elapsedSeconds, double stepSeconds) =>
        writer.WriteLine(string.Join(",", step.ToString(CultureInfo.InvariantCulture), F(loss), F(lr), F(elapsedSeconds), F(stepSeconds),
            (ResidentBytes() / 1048576.0).ToString("F1", CultureInfo.InvariantCulture)));

    /// <summary>Resident set size of this process in bytes (Linux: /proc/self/statm; elsewhere the working set).</summary>
    public static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (IOException) { return Environment.WorkingSet; }
        catch (UnauthorizedAccessException) { return Environment.WorkingSet; }
    }

    static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Reads (step, loss) pairs back from a loss log.</summary>
    public static List<(long step, double loss)> Read(string path) => File.ReadLines(path).Skip(1)
        .Select(l => l.Split(','))
        .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToList();

    public void Dispose() => writer.Dispose();
}
