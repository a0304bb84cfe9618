#!/usr/bin/env bash
# `make jupyter`: what the notebooks need to run in Jupyter/JupyterLab (and VS Code's Jupyter extension) here, installed
# when missing, and the kernel registered. Safe to run again.
#   1. Debian's Jupyter pieces (build/jupyter-packages.txt): nbconvert, nbclient, ipykernel, jupyter-client, nbformat.
#   2. The .NET Interactive kernel: the global tool Microsoft.dotnet-interactive at $DOTNET_INTERACTIVE_VERSION.
#   3. The kernelspec "cmd-workbench" ("C# (CMD Workbench)") in the user's Jupyter data folder (or $1): the tool's
#      Jupyter kernel with C# as its default language. Notebooks load the workbench themselves (their first cell).
# Then `dotnet build -c Release` (the notebooks load its output) and `jupyter lab` or
# `jupyter nbconvert --execute --to notebook --ExecutePreprocessor.kernel_name=cmd-workbench notebooks/01-data.ipynb`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${DOTNET_INTERACTIVE_VERSION:-1.0.712001}"
kernel_name="cmd-workbench"

# 1. Debian packages
bash "$here/setup.sh" "$here/jupyter-packages.txt"

# 2. the .NET Interactive global tool, at the version this was tested with
tools="${DOTNET_TOOLS:-$HOME/.dotnet/tools}"
installed="$(dotnet tool list -g 2>/dev/null | awk 'tolower($1)=="microsoft.dotnet-interactive" {print $2}')"
if [ "$installed" != "$version" ]; then
  verb=install; [ -n "$installed" ] && verb=update
  echo "jupyter: dotnet tool $verb -g Microsoft.dotnet-interactive --version $version${installed:+ (was $installed)}"
  dotnet tool "$verb" -g Microsoft.dotnet-interactive --version "$version" >/dev/null
fi
[ -x "$tools/dotnet-interactive" ] || { echo "jupyter: $tools/dotnet-interactive missing after install" >&2; exit 1; }

# 3. the kernelspec: kernel.json, with the logos of the tool's own kernelspec
kernels="${1:-$(/usr/bin/python3 -c 'import jupyter_core.paths as p; print(p.jupyter_data_dir())')/kernels}"
dir="$kernels/$kernel_name"
mkdir -p "$dir"
logos="$(mktemp -d)"
"$tools/dotnet-interactive" jupyter install --path "$logos" >/dev/null 2>&1 && cp "$logos"/.net-csharp/logo-*.png "$dir"/ 2>/dev/null || true
rm -rf "$logos"
/usr/bin/python3 - "$dir/kernel.json" "$tools/dotnet-interactive" "$version" <<'PY'
import json, sys
path, tool, version = sys.argv[1:4]
spec = {
    "argv": [tool, "jupyter", "--default-kernel", "csharp", "{connection_file}", "--http-port-range", "2048-3000"],
    "display_name": "C# (CMD Workbench)",
    "language": "C#",
    # No telemetry from the kernel (it would try the network); glibc keeps freed activations (../shared/ENVIRONMENT.md).
    "env": {"DOTNET_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1",
            "MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": "100000000000", "DOTNET_JITMinOpts": "1"},
    "metadata": {"cmd_workbench": {"dotnet_interactive": version}},
}
with open(path, "w") as f:
    f.write(json.dumps(spec, indent=2) + "\n")
PY
echo "jupyter: kernel '$kernel_name' (dotnet-interactive $version) registered in $dir"
