using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Cmd.Benchmarks;

/// <summary>
/// A PyTorch benchmark script kept running in its serve mode (bench/common.py's serve): it takes its warm-up steps,
/// prints a ready line, then times one step per <see cref="Step"/>, so the workbench can take its own steps and the
/// script's in turn (<see cref="Interleaved"/>) and both sides see the same minutes of a machine whose speed drifts.
/// Every failure of the script (an exit, a line that is not JSON, no answer in time) is a one-line
/// <see cref="InvalidOperationException"/> quoting its last stderr line.
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

    /// <summary>Starts <paramref name="arguments"/> (the script first) with "--serve" and waits for its ready line.</summary>
    public static ServedSteps Start(PyTorchReference py, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var psi = py.StartInfo([.. arguments, "--serve"], input: true);
        Process p;
        try { p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {py.Python}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {py.Python}: {e.Message}");
        }
        try { return new ServedSteps(p, Path.GetFileName(arguments[0]), timeout ?? TimeSpan.FromMinutes(10)); }
        catch { Kill(p); p.Dispose(); throw; }
    }

    /// <summary>The ready line: the fields the script reports before its first timed step (params, torch, threads).</summary>
    public JsonElement Ready { get; }

    /// <summary>The kernel OpenBLAS named on stderr, or null.</summary>
    public string? BlasCore => PyTorchReference.BlasCoreIn(stderr);

    /// <summary>The loss of every timed step, in order.</summary>
    public IReadOnlyList<double> Losses => losses;

    /// <summary>One yardstick sample and one timed step in the script: its own wall and CPU seconds.</summary>
    public (double Seconds, double CpuSeconds) Step()
    {
        Send("step");
        var j = ReadJson("a step's time");
        losses.Add(j.GetProperty("loss").GetDouble());
        return (j.GetProperty("seconds").GetDouble(), j.GetProperty("cpu_seconds").GetDouble());
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
        catch (IOException) { throw Failure($"stopped before '{command}'"); }
    }

    JsonElement ReadJson(string what)
    {
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout)) throw Failure($"gave no {what} in {timeout.TotalMinutes:0.#} min");
        if (line.Result is null) throw Failure($"ended before {what}");
        return PyTorchReference.ParseJson(line.Result);
    }

    InvalidOperationException Failure(string what)
    {
        if (!process.HasExited) Kill(process);
        process.WaitForExit();                                   // stderr read to its end
        string exit = process.HasExited ? $" (exit {process.ExitCode})" : "";
        string last = stderr.LastOrDefault() ?? "no message";
        return new InvalidOperationException($"PyTorch side {script} {what}{exit}: {last}");
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
