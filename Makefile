# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Both install what is missing (Debian packages via build/setup.sh, NuGet packages via restore).
SHELL := /bin/bash
CONFIG ?= Release
CLI := dotnet run --no-build --project src/Workbench.Cli -c $(CONFIG) --
RESULTS_TRX := .test-results
# glibc hands large activations back to the kernel every step; keep them (see ../shared/ENVIRONMENT.md).
export MALLOC_MMAP_MAX_ := 0
export MALLOC_TRIM_THRESHOLD_ := 100000000000
# unoptimised managed code keeps TorchSharp's temporary Scalars alive through libtorch calls (src/Cmd/Runtime/ScalarLifetimeGuard.cs)
export DOTNET_JITMinOpts := 1
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: demo test setup build clean notebooks jupyter bench

setup:
	@bash build/setup.sh

# Jupyter's pieces (Debian), the .NET Interactive kernel (dotnet tool) and the "cmd-workbench" kernelspec: the notebooks
# then run in Jupyter/JupyterLab/VS Code as in `make notebooks` (see notebooks/README.md). build/setup.sh runs it too.
jupyter:
	@bash build/jupyter.sh

build: setup
	@echo "build: dotnet build Workbench.sln -c $(CONFIG)"
	@dotnet build Workbench.sln -c $(CONFIG) -nologo -v quiet -clp:NoSummary

demo: build
	$(CLI) demo

test: build
	@bash build/run-tests.sh $(CONFIG) $(RESULTS_TRX)

# The benchmark (issue 18): this machine named, the DiT-S/2 and small-autoencoder training steps here vs PyTorch (Debian's
# python3-torch on OpenBLAS with the kernel chosen for this CPU), the sides of each comparison timed in turn, GFLOP/s
# against an fp32 matmul timed before each step, the data loader's share, CMD vs cubic sampling at 1 and 16 videos;
# results/bench/README.md. About 4 minutes on 2 idle cores (2026-12-06, build included); run it alone.
BENCH_ARGS ?=
bench: build
	@bash build/setup.sh build/bench-packages.txt
	@ob="$$(bash bench/openblas.sh)"; $(CLI) bench all $${ob:+--openblas $$ob} --out results/bench $(BENCH_ARGS)

# Every notebook, headless, at the tiny preset (NOTEBOOK_ARGS="-p preset=small" for the researchers' size);
# executed notebooks, HTML reports, tables, charts and training folders go to results/local/<notebook>/, which git
# ignores: the committed pages results/<notebook>/ change only with NOTEBOOK_ARGS="--publish -p preset=demo" (not tiny).
NOTEBOOK_ARGS ?= -p preset=tiny
notebooks: build
	$(CLI) notebook run notebooks/*.ipynb $(NOTEBOOK_ARGS) --timeout 1800

clean:
	dotnet clean Workbench.sln -c $(CONFIG) -v quiet
	rm -rf $(RESULTS_TRX)
