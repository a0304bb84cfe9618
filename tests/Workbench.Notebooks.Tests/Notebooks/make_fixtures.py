#!/usr/bin/env python3
"""Writes the small test notebooks beside this script (run: /usr/bin/python3 make_fixtures.py).
They load the workbench like the real notebooks (first cell), then exercise what the runner must handle."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
FIRST = ('#r "nuget: TorchSharp-cpu, 0.107.0"\n#r "nuget: SixLabors.ImageSharp, 2.1.13"\n'
         '#r "nuget: Plotly.NET, 6.0.0"\n#r "nuget: Plotly.NET.Interactive, 6.0.0"\n'
         '#r "../src/Workbench.Notebooks/bin/Release/net10.0/Cmd.dll"\n'
         '#r "../src/Workbench.Notebooks/bin/Release/net10.0/Workbench.Notebooks.dll"\n'
         'using TorchSharp;\nusing static TorchSharp.torch;\nWorkbench.Notebooks.Formatters.Register();')

def code(src, tags=None):
    meta = {"polyglot_notebook": {"kernelName": "csharp"}}
    if tags: meta["tags"] = tags
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": src}

def md(src): return {"cell_type": "markdown", "metadata": {}, "source": src}

def write(name, cells):
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
                       "language_info": {"name": "C#"}}}
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(nb, f, indent=1)
        f.write("\n")

write("chart.ipynb", [
    md("# Runner test\nA parameters cell, standard output, a tensor, a frame grid and a Plotly chart."),
    code(FIRST),
    code('int steps = 1000;\nstring preset = "small";\ndouble scale = 1.0;', ["parameters"]),
    code('Console.WriteLine($"steps={steps} preset={preset} scale={scale}");'),
    code('var x = torch.arange(1, 6, dtype: ScalarType.Float32);\nvar squares = (x * x).data<float>().ToArray();\nsquares.Sum()'),
    code('using Cmd.Data;\nusing Cmd.Viz;\nvar mm = new MovingMnist(MovingMnistConfig.Tiny, count: 2, seed: 1);\nvar clip = mm.Get(0);  // (C# script cells cannot use a top-level `using var`)\nVideoViews.FrameGrid(clip.Frames, scale: 2)'),
    code('using Plotly.NET;\nvar chart = Plotly.NET.CSharp.Chart.Line<float, float, string>(x.data<float>().ToArray(), squares, Name: "squares");\ndisplay(chart);'),
])

write("failing.ipynb", [
    code('Console.WriteLine("before the failure");'),
    md("The next cell fails on its third line."),
    code('var a = 1;\nvar b = a + 1;\nthrow new InvalidOperationException($"boom {b}");\nConsole.WriteLine("not reached");'),
    code('Console.WriteLine("never runs");'),
])

write("slow.ipynb", [
    code('Console.WriteLine("start");'),
    code('System.Threading.Thread.Sleep(120_000);'),
])

# nbformat 3 (cells in worksheets): the runner refuses it with the command that converts it.
with open(os.path.join(HERE, "v3.ipynb"), "w") as f:
    json.dump({"metadata": {"name": "v3"}, "nbformat": 3, "nbformat_minor": 0,
               "worksheets": [{"metadata": {}, "cells": [
                   {"cell_type": "code", "collapsed": False, "input": 'Console.WriteLine("v3 ran");', "language": "csharp",
                    "metadata": {}, "outputs": [], "prompt_number": None}]}]}, f, indent=1)
    f.write("\n")
