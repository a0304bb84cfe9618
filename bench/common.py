"""Shared by the PyTorch sides of `workbench bench` (run with Debian's /usr/bin/python3 and python3-torch).

The workbench starts these scripts itself with OpenBLAS first on LD_LIBRARY_PATH, OPENBLAS_CORETYPE chosen for the CPU and
BENCH_THREADS = the number of threads libtorch uses on its side. Each script prints one JSON line last; with --serve
(serve below) also a ready line and one line per step it is told to take.
"""
import json, os, struct, sys, time
import numpy as np
import torch

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8,
           "BOOL": np.bool_}


def set_threads():
    n = int(os.environ.get("BENCH_THREADS", os.environ.get("OMP_NUM_THREADS", "1")))
    torch.set_num_threads(n)
    return n


def load_safetensors(path):
    """(tensors, metadata) of a safetensors file: 8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, h in header.items():
        start, end = h["data_offsets"]
        a = np.frombuffer(data[start:end], dtype=_DTYPES[h["dtype"]]).reshape(h["shape"])
        tensors[name] = torch.from_numpy(a.copy())
    return tensors, meta


def time_steps(step, warmup, steps, between=None):
    """Seconds of each of `steps` calls after `warmup` untimed ones, every call's return value, and the process's CPU
    seconds per timed call (all threads). `between`, if given, runs before each timed call, outside its time and CPU."""
    values, times, cpu_between = [], [], 0.0
    for i in range(warmup + steps):
        if i == warmup:
            cpu0 = time.process_time()
        if i >= warmup and between is not None:
            c = time.process_time()
            between()
            cpu_between += time.process_time() - c
        t0 = time.perf_counter()
        values.append(step())
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return times, values, (time.process_time() - cpu0 - cpu_between) / steps


class Yardstick:
    """fp32 n x n matmuls timed `per_sample` at a time between another measurement's steps (time_steps' between), so the
    rate is sampled at the moments the steps run (these machines' speed drifts by up to 2x within minutes)."""

    def __init__(self, n=1024, per_sample=3):
        g = torch.Generator().manual_seed(0)
        self.n, self.per_sample, self.times = n, per_sample, []
        self.a, self.b = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)
        self.a @ self.b  # the first product pays for its memory, untimed

    def sample(self):
        for _ in range(self.per_sample):
            t0 = time.perf_counter()
            self.a @ self.b
            self.times.append(time.perf_counter() - t0)

    def gflops(self):
        """The median product's rate."""
        return 2.0 * self.n ** 3 / sorted(self.times)[len(self.times) // 2] / 1e9


def matmul_gflops(n=1024, repeats=20, warmup=3):
    """fp32 n x n matmul rate (median), measured on its own in this process."""
    y = Yardstick(n, per_sample=1)
    for _ in range(warmup):
        y.a @ y.b
    for _ in range(repeats):
        y.sample()
    return y.gflops()


def serve(step, warmup, yardstick, **fields):
    """The interleaved mode (--serve): the workbench times its own step and this process's in turn, so both sides see
    the same minutes of a machine whose speed drifts. After `warmup` untimed steps, one JSON line {"ready": true, ...};
    then each "step" line on stdin gets one yardstick sample and one timed step, answered with {"seconds",
    "cpu_seconds", "loss"}; "end" ends with the yardstick's rate (emit). Anything else is an error."""
    for _ in range(warmup):
        step()
    emit(ready=True, **fields)
    for line in sys.stdin:
        command = line.strip()
        if command == "end":
            break
        if command != "step":
            raise SystemExit(f"serve: unknown command {command!r} (expected step or end)")
        yardstick.sample()
        c, t0 = time.process_time(), time.perf_counter()
        loss = step()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "loss": loss}), flush=True)
    else:
        raise SystemExit("serve: stdin closed before end")
    emit(matmul_gflops=yardstick.gflops() if yardstick.times else None)


def emit(**fields):
    fields.setdefault("torch", torch.__version__)
    fields.setdefault("threads", torch.get_num_threads())
    print(json.dumps(fields), flush=True)
