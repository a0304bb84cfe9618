using Cmd.Benchmarks;

namespace Cmd.Tests.Benchmarks;

/// <summary>A PyTorch script served one step at a time (bench/common.py's serve): the protocol, and the one-line errors
/// when the script fails.</summary>
public class ServedStepsTests
{
    static readonly PyTorchReference Py = new(PyTorchReference.DefaultPython, null, null, 1);

    /// <summary>A script in a temp folder: <paramref name="body"/> after bench/ is put on its path.</summary>
    static string Script(string body)
    {
        string path = Path.Combine(Fixtures.TempDir(), "served.py");
        string bench = System.Text.Json.JsonSerializer.Serialize(PyTorchSide.BenchDir());
        File.WriteAllText(path, $"import sys\nsys.path.insert(0, {bench})\n{body}\n");
        return path;
    }

    [PyTorchFact]
    public void ServeWarmsUpThenAnswersEachStepAndEndsWithItsYardstick()
    {
        // the step's "loss" counts the calls: 2 warm-up calls, then the timed ones
        var script = Script("""
            import common
            calls = [0]
            def step():
                calls[0] += 1
                return float(calls[0])
            assert sys.argv[1:] == ["--serve"], sys.argv
            common.serve(step, 2, common.Yardstick(n=64, per_sample=2), params=7)
            """);
        using var served = ServedSteps.Start(Py, [script]);
        Assert.Equal(7, served.Ready.GetProperty("params").GetInt32());
        Assert.True(served.Ready.GetProperty("ready").GetBoolean());
        for (int i = 0; i < 3; i++)
        {
            var (seconds, cpu) = served.Step();
            Assert.True(seconds >= 0 && cpu >= 0);
        }
        Assert.Equal([3.0, 4, 5], served.Losses);
        Assert.True(served.End().GetProperty("matmul_gflops").GetDouble() > 0);
    }

    [PyTorchFact]
    public void AScriptThatFailsInAStepIsAOneLineErrorWithItsLastWords()
    {
        var script = Script("""
            import common
            def step():
                raise ValueError("the step broke")
            common.serve(step, 0, common.Yardstick(n=64))
            """);
        using var served = ServedSteps.Start(Py, [script]);
        var e = Assert.Throws<InvalidOperationException>(() => served.Step());
        Assert.Equal("PyTorch side served.py ended before an answer to 'step' (exit 1): ValueError: the step broke",
            e.Message);
    }

    [PyTorchFact]
    public void AScriptThatDiesOrPrintsNoJsonBeforeItIsReadyIsNamed()
    {
        var dies = Script("sys.exit('no model here')");
        var e = Assert.Throws<InvalidOperationException>(() => ServedSteps.Start(Py, [dies]));
        Assert.Equal("PyTorch side served.py ended before its ready line (exit 1): no model here", e.Message);
        var chatty = Script("print('hello', flush=True); sys.stdin.readline()");
        e = Assert.Throws<InvalidOperationException>(() => ServedSteps.Start(Py, [chatty]));
        Assert.Equal("PyTorch side served.py printed 'hello' instead of its ready line (stopped)", e.Message);
        Assert.Throws<FileNotFoundException>(() => ServedSteps.Start(Py, ["/nonexistent/served.py"]));
    }

    [PyTorchFact]
    public void AStepThatHangsIsStoppedAfterTheTimeout()
    {
        var script = Script("""
            import common, time
            def step():
                time.sleep(60)
                return 0.0
            common.serve(step, 0, common.Yardstick(n=64))
            """);
        using var served = ServedSteps.Start(Py, [script], TimeSpan.FromSeconds(3));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<InvalidOperationException>(() => served.Step());
        Assert.Equal("PyTorch side served.py was stopped after 3 s without an answer to 'step'", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:F0} s");
    }

    [PyTorchFact]
    public void AStepAnswerWithoutItsFieldsIsNamed()
    {
        var script = Script("""
            import json
            print(json.dumps({"ready": True}), flush=True)
            sys.stdin.readline()
            print(json.dumps({"seconds": 1.0}), flush=True)
            sys.stdin.readline()
            """);
        using var served = ServedSteps.Start(Py, [script]);
        var e = Assert.Throws<InvalidOperationException>(() => served.Step());
        Assert.StartsWith("PyTorch side served.py answered 'step' without a number 'cpu_seconds': {", e.Message);
    }
}
