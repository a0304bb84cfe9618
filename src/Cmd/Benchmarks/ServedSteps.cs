using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Cmd.Benchmarks;

/// <summary>
/// A PyTorch benchmark script kept running in its serve mode (bench/common.py's serve): it takes its warm-up steps,
/// prints a ready line, then times one step per <see cref="Step"/>, so the workbench can take its own steps and the
/// script's in turn (<see cref="Interleaved"/>) and both sides see the same minutes of a machine whose speed drifts.
/// Every failure of the script (an exit, an answer that is not the JSON expected, no answer in time) is a one-line
/// <see cref="InvalidOperationException"/> naming the script and quoting its last words (its last stderr line, or the
/// line it printed instead of JSON).
/// </summary>
public sealed class ServedSteps : IDisposable
{
    readonly Process process;
    readonly ConcurrentQueue<string> stderr = new();
    readonly string script;
    readonly TimeSpan timeout;
    readonly List<double> losses = [];

    ServedSteps(Process process, string script, TimeSpan timeout)
    {
        (this.process, this.script, this.timeout) = (process, script, timeout);
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } l) stderr.Enqueue(l.Trim()); };
        process.BeginErrorReadLine();
        Ready = ReadJson("its ready line");
    }

    /// <summary>Starts <paramref name="arguments"/> (the script first) with "--serve"; waits for its ready line.</summary>
    public static ServedSteps Start(PyTorchReference py, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var psi = py.StartInfo([.. arguments, "--serve"], input: true);
        Process p;
        try { p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {py.Python}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {py.Python}: {e.Message}");
        }
        var wait = timeout ?? TimeSpan.FromMinutes(10);
        try { return new ServedSteps(p, Path.GetFileName(arguments[0]), wait); }
        catch { Kill(p); p.Dispose(); throw; }
    }

    /// <summary>The ready line: what the script reports before its first timed step (params, torch, threads).</summary>
    public JsonElement Ready { get; }

    /// <summary>The kernel OpenBLAS named on stderr, or null.</summary>
    public string? BlasCore => PyTorchReference.BlasCoreIn(stderr);

    /// <summary>The loss of every timed step, in order.</summary>
    public IReadOnlyList<double> Losses => losses;

    /// <summary>One yardstick sample and one timed step in the script: its own wall and CPU seconds.</summary>
    public (double Seconds, double CpuSeconds) Step()
    {
        Send("step");
        var j = ReadJson("an answer to 'step'");
        double Field(string name) => j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble() : throw Failure($"answered 'step' without a number '{name}': {j}", quoteStderr: false);
        var (seconds, cpu, loss) = (Field("seconds"), Field("cpu_seconds"), Field("loss"));
        losses.Add(loss);
        return (seconds, cpu);
    }

    /// <summary>Ends the script: its last line (the fp32 matmul rate sampled between its steps).</summary>
    public JsonElement End()
    {
        Send("end");
        var last = ReadJson("its last line");
        if (!process.WaitForExit(timeout)) throw Failure("did not exit after its last line");
        return last;
    }

    void Send(string command)
    {
        try { process.StandardInput.WriteLine(command); process.StandardInput.Flush(); }
        catch (IOException) { throw Failure($"stopped before '{command}'", ended: true); }
    }

    JsonElement ReadJson(string what)
    {
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout))
        {
            Kill(process);
            throw Failure($"was stopped after {timeout.TotalSeconds:0.#} s without {what}", quoteStderr: false,
                exit: false);
        }
        if (line.Result is null) throw Failure($"ended before {what}", ended: true);
        try { return PyTorchReference.ParseJson(line.Result); }
        catch (InvalidOperationException)
        {
            throw Failure($"printed '{line.Result}' instead of {what}", quoteStderr: false);
        }
    }

    /// <summary>The one-line error: the script stopped (killed if still running), with its exit code or "(stopped)"
    /// where we killed it, and its last stderr line (OpenBLAS's "Core:" note aside).</summary>
    InvalidOperationException Failure(string what, bool quoteStderr = true, bool exit = true, bool ended = false)
    {
        // a script whose stdout closed is on its way out: give it time to exit with its own code
        bool killed = !process.WaitForExit(ended ? TimeSpan.FromSeconds(10) : TimeSpan.Zero);
        if (killed) Kill(process);
        process.WaitForExit();                                   // stderr read to its end
        string code = !exit ? "" : killed ? " (stopped)" : $" (exit {process.ExitCode})";
        string last = stderr.LastOrDefault(l => !l.StartsWith("Core:", StringComparison.Ordinal)) ?? "no message";
        return new InvalidOperationException($"PyTorch side {script} {what}{code}" + (quoteStderr ? $": {last}" : ""));
    }

    static void Kill(Process p)
    {
        try { p.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }                  // it had already exited
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill(process);
        process.Dispose();
    }
}
