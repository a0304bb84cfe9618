#!/usr/bin/env python3
"""Times one DiT training step in PyTorch, to compare with `workbench bench dit` (which runs this script itself).

A compact PyTorch statement of DiT (same layers, shapes and parameter count as facebookresearch/DiT's models.py;
the count is printed so the caller can check it). One step = forward on (x_t, t, y), MSE against a random target,
backward, Adam (lr 1e-4). Prints one JSON line: {"params", "step_seconds", "cpu_seconds_per_step", "losses",
"matmul_gflops" (sampled between the steps), "torch", "threads"}. With --serve (what `workbench bench` uses) it takes
its steps one at a time when told, in turn with the workbench's (common.serve; --steps is then not used).
The workbench runs it with Debian's torch, OpenBLAS (core type chosen for the CPU) and as many threads as libtorch uses.
"""
import argparse, math, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Yardstick, emit, serve, set_threads, time_steps  # noqa: E402

CONFIGS = {"S": (12, 384, 6), "B": (12, 768, 12), "L": (24, 1024, 16), "XL": (28, 1152, 16)}


def sincos_2d(dim, n):
    def one(d, pos):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)
    w, h = np.meshgrid(np.arange(n, dtype=np.float32), np.arange(n, dtype=np.float32))
    return np.concatenate([one(dim // 2, w), one(dim // 2, h)], axis=1)


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.ada = nn.Linear(d, 6 * d)

    def forward(self, x, c):
        B, N, D = x.shape
        s1, sc1, g1, s2, sc2, g2 = self.ada(F.silu(c)).chunk(6, dim=1)
        h = modulate(F.layer_norm(x, (D,), eps=1e-6), s1, sc1)
        q, k, v = self.qkv(h).reshape(B, N, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        a = ((q * (D // self.heads) ** -0.5) @ k.transpose(-2, -1)).softmax(-1) @ v
        x = x + g1.unsqueeze(1) * self.proj(a.transpose(1, 2).reshape(B, N, D))
        h = modulate(F.layer_norm(x, (D,), eps=1e-6), s2, sc2)
        return x + g2.unsqueeze(1) * self.fc2(F.gelu(self.fc1(h), approximate="tanh"))


class DiT(nn.Module):
    def __init__(self, size, patch, input_size=32, in_ch=4, classes=1000):
        super().__init__()
        depth, d, heads = CONFIGS[size]
        self.p, self.out = patch, 2 * in_ch
        self.x_embed = nn.Conv2d(in_ch, d, patch, patch)
        self.t1, self.t2 = nn.Linear(256, d), nn.Linear(d, d)
        self.y_embed = nn.Embedding(classes + 1, d)
        n = input_size // patch
        self.pos = nn.Parameter(torch.from_numpy(sincos_2d(d, n)).float().unsqueeze(0), requires_grad=False)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        self.f_ada, self.f_lin = nn.Linear(d, 2 * d), nn.Linear(d, patch * patch * self.out)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight); nn.init.zeros_(m.bias)

    def forward(self, x, t, y):
        h = self.x_embed(x).flatten(2).transpose(1, 2) + self.pos
        half = 128
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        c = self.t2(F.silu(self.t1(torch.cat([torch.cos(args), torch.sin(args)], -1)))) + self.y_embed(y)
        for b in self.blocks:
            h = b(h, c)
        shift, scale = self.f_ada(F.silu(c)).chunk(2, dim=1)
        h = self.f_lin(modulate(F.layer_norm(h, (h.shape[-1],), eps=1e-6), shift, scale))
        N, T, _ = h.shape
        g = int(T ** 0.5)
        h = h.reshape(N, g, g, self.p, self.p, self.out).permute(0, 5, 1, 3, 2, 4)
        return h.reshape(N, self.out, g * self.p, g * self.p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="DiT-S/2")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--serve", action="store_true", help="time one step per 'step' line on stdin (common.serve)")
    ap.add_argument("--matmul-size", type=int, default=1024, help="n of the n x n fp32 matmul yardstick")
    a = ap.parse_args()
    size, patch = a.model.split("-")[1].split("/")
    torch.manual_seed(0)
    set_threads()
    model = DiT(size, int(patch))
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    x = torch.randn(a.batch, 4, 32, 32); t = torch.randint(0, 1000, (a.batch,)); y = torch.randint(0, 1000, (a.batch,))
    target = torch.randn(a.batch, 8, 32, 32)

    def step():
        opt.zero_grad(set_to_none=True)  # PyTorch 2's default, as the workbench's AdamOptimizer.ZeroGrad
        loss = ((model(x, t, y) - target) ** 2).mean()
        value = loss.item()
        loss.backward()
        opt.step()
        return value

    yardstick = Yardstick(a.matmul_size)  # fp32 matmuls timed before each timed step: the rate at the moments the steps run
    if a.serve:
        return serve(step, a.warmup, yardstick, params=sum(p.numel() for p in model.parameters()))
    times, losses, cpu = time_steps(step, a.warmup, a.steps, yardstick.sample)
    emit(params=sum(p.numel() for p in model.parameters()), step_seconds=times, cpu_seconds_per_step=cpu, losses=losses, matmul_gflops=yardstick.gflops())


if __name__ == "__main__":
    main()
