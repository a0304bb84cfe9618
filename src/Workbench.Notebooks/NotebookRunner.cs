using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive;

namespace Workbench.Notebooks;

/// <summary>What to run and where the executed notebook and its HTML report go.</summary>
public sealed record NotebookRunOptions(string Notebook, string OutputDirectory)
{
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];
    /// <summary>Echo each cell's standard output as it runs.</summary>
    public bool Verbose { get; init; }
    public TextWriter Log { get; init; } = Console.Out;
}

public sealed record CellRun(int Cell, double Seconds, bool Succeeded);

public sealed record NotebookRunResult(string ExecutedNotebook, string HtmlReport, IReadOnlyList<CellRun> Cells, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Executes a notebook headlessly in this process with the real .NET Interactive C# kernel: every C# cell in
/// order, outputs (returned and displayed values, standard output, errors) written back into a copy of the
/// .ipynb and into a self-contained HTML report. A failing cell stops the run (outputs so far are kept).
/// Run one notebook per process (<see cref="NotebookProcess"/>): two copies of libtorch in one process crash it.
/// </summary>
public static class NotebookRunner
{
    public static string ExecutedPath(NotebookRunOptions o) => Path.Combine(o.OutputDirectory, Path.GetFileName(o.Notebook));
    public static string ReportPath(NotebookRunOptions o) => Path.Combine(o.OutputDirectory, Path.GetFileNameWithoutExtension(o.Notebook) + ".html");

    public static async Task<NotebookRunResult> RunAsync(NotebookRunOptions options)
    {
        var notebook = Path.GetFullPath(options.Notebook);
        options = options with { Notebook = notebook, OutputDirectory = Path.GetFullPath(options.OutputDirectory) };
        var name = Path.GetFileName(notebook);
        var document = NotebookFile.Read(notebook);
        var injected = InjectParameters(document, options.Parameters, name);
        var executed = ExecutedPath(options);
        var report = ReportPath(options);
        Directory.CreateDirectory(options.OutputDirectory);

        var previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(notebook)!);   // relative paths work as in Polyglot Notebooks
        var cells = new List<CellRun>();
        string? error = null;
        var total = Stopwatch.StartNew();
        try
        {
            var log = options.Log;
            NotebookFile.Write(document, executed);   // exists from the start, even if the first cell never ends
            using var kernel = await WorkbenchKernel.CreateAsync(options.Verbose ? s => log.WriteLine("  " + s) : null);
            var codeCells = document.Elements.Count(IsCode);
            int executionCount = 0, index = 0;
            for (var i = 0; i < document.Elements.Count; i++)
            {
                var element = document.Elements[i];
                if (!IsCode(element)) continue;
                index++;
                var cellNumber = ReferenceEquals(element, injected) ? 0 : CellNumber(document, i);
                var label = ReferenceEquals(element, injected) ? "injected parameters" : $"cell {cellNumber}";
                if (element.KernelName != WorkbenchKernel.CSharp)
                {
                    error = $"{name}: {label}: only C# cells run here, this one is '{element.KernelName}'";
                    element.Outputs.Add(new ErrorElement(errorValue: error, errorName: "UnsupportedKernel", stackTrace: []));
                    cells.Add(new CellRun(cellNumber, 0, false));
                    break;
                }
                NotebookProcess.ReportCell(label);
                var sw = Stopwatch.StartNew();
                var failure = await RunCellAsync(kernel, element, ++executionCount, options);
                sw.Stop();
                cells.Add(new CellRun(cellNumber, sw.Elapsed.TotalSeconds, failure is null));
                log.WriteLine($"[{index}/{codeCells}] {name} {label} {(failure is null ? "ok" : "FAILED")} {sw.Elapsed.TotalSeconds:F2} s");
                NotebookFile.Write(document, executed);   // progress survives a timeout kill
                if (failure is not null)
                {
                    error = $"{name}: {label} failed{failure.Location(element.Contents)}: {failure.Message}";
                    break;
                }
            }
        }
        catch (Exception e) when (error is null)
        {
            error = $"{name}: {e.Message}";
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
        total.Stop();
        NotebookFile.Write(document, executed);
        HtmlReport.Write(document, report, new HtmlReport.RunInfo(name, options.Parameters, cells, error, total.Elapsed.TotalSeconds));
        return new NotebookRunResult(executed, report, cells, error);
    }

    /// <summary>The cell's 1-based number in the notebook as written (an injected parameters cell not counted).</summary>
    public static int CellNumber(InteractiveDocument document, int index) =>
        1 + document.Elements.Take(index).Count(e => !NotebookFile.Tags(e).Contains(NotebookParameters.InjectedTag));

    static bool IsCode(InteractiveDocumentElement e) => e.KernelName is not ("markdown" or "md" or "raw");

    /// <summary>Adds the `-p` values as a cell right after the cell tagged `parameters` (papermill's convention).</summary>
    static InteractiveDocumentElement? InjectParameters(InteractiveDocument document, IReadOnlyList<KeyValuePair<string, string>> values, string name)
    {
        // A notebook executed before carries the previous run's injected cell: drop it.
        foreach (var old in document.Elements.Where(e => NotebookFile.Tags(e).Contains(NotebookParameters.InjectedTag)).ToList())
            document.Elements.Remove(old);
        if (values.Count == 0) return null;
        var parametersCell = document.Elements.FirstOrDefault(e => NotebookFile.Tags(e).Contains(NotebookParameters.Tag))
            ?? throw new ArgumentException($"{name}: -p given but no cell is tagged '{NotebookParameters.Tag}'");
        var code = NotebookParameters.ToCode(values, NotebookParameters.Declared(parametersCell.Contents), name);
        var cell = new InteractiveDocumentElement(code, WorkbenchKernel.CSharp)
        {
            Metadata = new Dictionary<string, object> { ["tags"] = new[] { NotebookParameters.InjectedTag } },
        };
        document.Elements.Insert(document.Elements.IndexOf(parametersCell) + 1, cell);
        return cell;
    }

    sealed record CellFailure(string Message, int? Line)
    {
        /// <summary>For runtime errors: the method the cell called when it failed ("throw" when the cell threw).</summary>
        public string? Called { get; init; }

        public string Location(string source)
        {
            var lines = source.Split('\n');
            if (Line is { } line)
                return line >= 1 && line <= lines.Length ? $" at line {line} `{lines[line - 1].Trim()}`" : $" at line {line}";
            if (Called is null) return "";
            var pattern = Called == "throw" ? new Regex(@"\bthrow\b") : new Regex(@"\b" + Regex.Escape(Called) + @"\s*[(<]");
            var hits = lines.Select((l, i) => (l, i)).Where(x => pattern.IsMatch(x.l)).ToList();
            return hits.Count == 1 ? $" at line {hits[0].i + 1} `{hits[0].l.Trim()}`" : "";
        }
    }

    static readonly Regex CalledMethod = new(@"^at .*?\.([A-Za-z_]\w*)(?:\[[^\]]*\])?\(");

    static async Task<CellFailure?> RunCellAsync(Kernel kernel, InteractiveDocumentElement element, int executionCount, NotebookRunOptions options)
    {
        element.Outputs.Clear();
        element.ExecutionOrder = executionCount;
        var code = HostProvided.Rewrite(element.Contents);
        var displays = new Dictionary<string, DisplayElement>();
        using var echo = options.Verbose ? kernel.KernelEvents.Subscribe(new Echo(options.Log)) : null;
        var result = await kernel.SendAsync(new SubmitCode(code, WorkbenchKernel.CSharp));
        CellFailure? failure = null;
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case StandardOutputValueProduced so: AppendText(element, "stdout", Text(so)); break;
                case StandardErrorValueProduced se: AppendText(element, "stderr", Text(se)); break;
                case ReturnValueProduced rv:
                    var ret = new ReturnValueElement { ExecutionOrder = executionCount };
                    foreach (var f in rv.FormattedValues.Where(f => !f.SuppressDisplay)) ret.Data[f.MimeType] = f.Value;
                    if (ret.Data.Count > 0) element.Outputs.Add(ret);
                    break;
                case DisplayedValueUpdated du when du.ValueId is not null && displays.TryGetValue(du.ValueId, out var shown):
                    shown.Data.Clear();
                    foreach (var f in du.FormattedValues) shown.Data[f.MimeType] = f.Value;
                    break;
                case DisplayedValueProduced dv:
                    var display = new DisplayElement(dv.FormattedValues.Where(f => !f.SuppressDisplay).ToDictionary(f => f.MimeType, f => (object)f.Value));
                    if (display.Data.Count == 0) break;
                    element.Outputs.Add(display);
                    if (dv.ValueId is not null) displays[dv.ValueId] = display;
                    break;
                case CommandFailed cf:
                    failure = Describe(cf);
                    var trace = cf.Exception?.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray() ?? [];
                    element.Outputs.Add(new ErrorElement(errorValue: failure.Message, errorName: cf.Exception?.GetType().Name ?? "Error", stackTrace: trace));
                    break;
            }
        }
        return failure;
    }

    static string Text(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(f => f.MimeType == PlainTextFormatter.MimeType)?.Value ?? e.Value?.ToString() ?? "";

    static void AppendText(InteractiveDocumentElement element, string stream, string text)
    {
        if (element.Outputs.LastOrDefault() is TextElement last && last.Name == stream)
            element.Outputs[^1] = new TextElement(last.Text + text, stream);
        else element.Outputs.Add(new TextElement(text, stream));
    }

    static readonly Regex CompileLocation = new(@"^\((\d+),\d+\):", RegexOptions.Multiline);

    static CellFailure Describe(CommandFailed failed)
    {
        var message = failed.Message.Trim();
        var compile = CompileLocation.Match(message);
        if (compile.Success) return new CellFailure(message, int.Parse(compile.Groups[1].Value));
        // Runtime exceptions: the kernel compiles cells without debug information (it builds them from strings
        // without an encoding, which Roslyn refuses to emit PDBs for), so a stack trace has no cell line number.
        // The frame just outside the cell names the method the cell called; the one cell line calling it is the line.
        if (failed.Exception is { } ex)
        {
            var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : ex;
            var frames = (inner.StackTrace ?? "").Split('\n').Select(l => l.Trim()).TakeWhile(l => !l.StartsWith("---")).Where(l => l.StartsWith("at ")).ToList();
            var inCell = frames.FindIndex(f => f.Contains("Submission#"));
            string? called = null;
            if (inCell > 0 && CalledMethod.Match(frames[inCell - 1]) is { Success: true } m) called = m.Groups[1].Value;
            var text = $"{inner.GetType().Name}: {inner.Message}" + (inCell > 0 ? $" (in {frames[0][3..]})" : "");
            return new CellFailure(text, null) { Called = called ?? (inCell == 0 ? "throw" : null) };
        }
        return new CellFailure(message, null);
    }

    sealed class Echo(TextWriter log) : IObserver<KernelEvent>
    {
        public void OnNext(KernelEvent e)
        {
            if (e is StandardOutputValueProduced or StandardErrorValueProduced) log.Write(Text((DisplayEvent)e));
        }
        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
