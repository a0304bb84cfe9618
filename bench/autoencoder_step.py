#!/usr/bin/env python3
"""The CMD autoencoder's training step in PyTorch: the twin of src/Cmd/Models/Autoencoder/CmdAutoencoder.cs that
`workbench bench ae` and `make bench` time against ours.

The same modules under the same key names (patch_embed, encoder.blocks.0.time_attn.qkv, ..., output_layer) and the same
operations in the same order, so `load_state_dict(strict=True)` of the weights the workbench writes proves the
architecture matches, and equal losses prove the computation does. One step = zero_grad, L2 (or L1) loss of Eqs. 3-6
(+ the importance entropy when on), loss.item(), backward, Adam(W) with the config's settings: as `ae train` takes it.
PyTorch 1.13 has no scaled_dot_product_attention; attention is written out (the same maths).

Usage: autoencoder_step.py --input twin.safetensors [--warmup 2] [--steps 5] [--serve] [--matmul-size 1024]
  input: "w.<key>" weights, "io.video" the batch [B, L, C, H, W]; metadata "config" (AutoencoderConfig JSON), "adam".
Prints one JSON line: {"params", "step_seconds", "cpu_seconds_per_step", "losses", "matmul_gflops" (sampled between the
steps), "torch", "threads"}. With --serve (what `workbench bench` uses) it takes its steps one at a time when told, in
turn with the workbench's (common.serve; --steps is then not used).
"""
import argparse, json, math, os, sys
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Yardstick, emit, serve, load_safetensors, set_threads, time_steps  # noqa: E402


def sincos_1d(dim, positions):
    omega = 1.0 / torch.pow(torch.tensor(10000.0, dtype=torch.float64), torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0))
    angles = positions.to(torch.float64).reshape(-1, 1) * omega.reshape(1, -1)
    return torch.cat([angles.sin(), angles.cos()], 1).to(torch.float32)


class Attention(nn.Module):  # TimeSformerAttention: over the middle axis of [S, T, C']
    def __init__(self, dim, heads, head_dim):
        super().__init__()
        self.heads, self.head_dim = heads, head_dim
        self.qkv = nn.Linear(dim, 3 * heads * head_dim)
        self.proj = nn.Linear(heads * head_dim, dim)

    def forward(self, x):
        s, t = x.shape[0], x.shape[1]
        q, k, v = self.qkv(x).view(s, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        a = ((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))).softmax(-1) @ v
        return self.proj(a.transpose(1, 2).reshape(s, t, self.heads * self.head_dim))


class FeedForward(nn.Module):  # GEGLU
    def __init__(self, dim, mult):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, dim * mult * 2), nn.Linear(dim * mult, dim)

    def forward(self, x):
        a, g = self.fc1(x).chunk(2, -1)
        return self.fc2(a * F.gelu(g))


class Block(nn.Module):  # TimeSformerBlock: divided space-time attention
    def __init__(self, dim, heads, head_dim, mult):
        super().__init__()
        self.time_norm, self.time_attn = nn.LayerNorm(dim), Attention(dim, heads, head_dim)
        self.space_norm, self.space_attn = nn.LayerNorm(dim), Attention(dim, heads, head_dim)
        self.ff_norm, self.ff = nn.LayerNorm(dim), FeedForward(dim, mult)

    def forward(self, x):
        b, l, n, c = x.shape
        t = x.permute(0, 2, 1, 3).reshape(b * n, l, c)
        t = t + self.time_attn(self.time_norm(t))
        s = t.view(b, n, l, c).permute(0, 2, 1, 3).reshape(b * l, n, c)
        s = s + self.space_attn(self.space_norm(s))
        s = s + self.ff(self.ff_norm(s))
        return s.view(b, l, n, c)


class TimeSformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, L, gh, gw = c["Hidden"], c["Frames"], c["Height"] // c["PatchSize"], c["Width"] // c["PatchSize"]
        self.blocks = nn.ModuleList([Block(dim, c["Heads"], c["HeadDim"], c["MlpRatio"]) for _ in range(c["Depth"])])
        self.norm = nn.LayerNorm(dim) if c["FinalNorm"] else None
        self.positions = c["PositionEmbedding"]
        if self.positions == "Learned":
            self.pos_embed_time = nn.Parameter(torch.zeros(1, L, 1, dim))
            self.pos_embed_space = nn.Parameter(torch.zeros(1, 1, gh * gw, dim))
        elif self.positions == "SinCos":
            rows, cols = torch.arange(gh).repeat_interleave(gw), torch.arange(gw).repeat(gh)
            self.register_buffer("sincos_time", sincos_1d(dim, torch.arange(L)).view(1, L, 1, dim), persistent=False)
            space = torch.cat([sincos_1d(dim // 2, rows), sincos_1d(dim // 2, cols)], 1)
            self.register_buffer("sincos_space", space.view(1, 1, gh * gw, dim), persistent=False)

    def forward(self, x):
        if self.positions == "Learned":
            x = x + self.pos_embed_time + self.pos_embed_space
        elif self.positions == "SinCos":
            x = x + self.sincos_time + self.sincos_space
        for block in self.blocks:
            x = block(x)
        return x if self.norm is None else self.norm(x)


class ImportanceHead(nn.Module):  # f_I
    def __init__(self, c):
        super().__init__()
        self.gh, self.gw = c["Height"] // c["PatchSize"], c["Width"] // c["PatchSize"]
        if c["Importance"] == "Frame":
            self.frame_proj = nn.Linear(c["Hidden"], 1)
        else:
            k = c["Channels"] if c["Importance"] == "PixelChannel" else 1
            self.proj = nn.ConvTranspose2d(c["Hidden"], k, c["PatchSize"], stride=c["PatchSize"])

    def forward(self, u):
        b, l, c = u.shape[0], u.shape[1], u.shape[3]
        if hasattr(self, "frame_proj"):
            return self.frame_proj(u.mean([2])).view(b, l, 1, 1, 1)
        logits = self.proj(u.reshape(b * l, self.gh, self.gw, c).permute(0, 3, 1, 2))
        return logits.view(b, l, logits.shape[1], logits.shape[2], logits.shape[3])


class MotionLatentHead(nn.Module):  # f_M (Eq. 4)
    def __init__(self, c):
        super().__init__()
        self.gh, self.gw, self.tanh = c["Height"] // c["PatchSize"], c["Width"] // c["PatchSize"], c["MotionTanh"]
        self.proj = nn.Conv2d(c["Hidden"], c["LatentChannels"], 1)
        self.proj_y = nn.Conv2d(c["Hidden"], c["LatentChannels"], 1) if c["SeparateAxisProjections"] else None

    def forward(self, u):
        b, l, c = u.shape[0], u.shape[1], u.shape[3]
        grid = u.reshape(b, l, self.gh, self.gw, c).permute(0, 4, 1, 2, 3)
        zx = self.proj(grid.mean([4]))
        zy = (self.proj_y or self.proj)(grid.mean([3]))
        return (zx.tanh(), zy.tanh()) if self.tanh else (zx, zy)


class CmdAutoencoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        p, ch, h = c["PatchSize"], c["Channels"], c["Hidden"]
        self.gh, self.gw = c["Height"] // p, c["Width"] // p
        self.patch_embed = nn.Conv2d(ch, h, p, stride=p)
        self.encoder = TimeSformer(c)
        self.importance_head = ImportanceHead(c)
        self.motion_head = MotionLatentHead(c)
        self.content_embed = nn.Conv2d(ch, h, p, stride=p)
        self.motion_embed = nn.Conv2d(c["LatentChannels"], h, 1)
        self.motion_embed_y = nn.Conv2d(c["LatentChannels"], h, 1) if c["SeparateAxisProjections"] else None
        self.decoder = TimeSformer(c)
        self.output_layer = nn.ConvTranspose2d(h, ch, p, stride=p)

    def encode(self, video):
        c = self.c
        b, l = video.shape[0], video.shape[1]
        patches = self.patch_embed(video.reshape(b * l, c["Channels"], c["Height"], c["Width"]))
        u = self.encoder(patches.permute(0, 2, 3, 1).reshape(b, l, self.gh * self.gw, c["Hidden"]))
        if c["WeightedSum"]:
            weights = self.importance_head(u).softmax(1)                      # σ(f_I(u))
            content = (video * weights).sum(1)                                 # Eq. 3
        else:
            content = video.mean([1])
            weights = torch.full((b, l, 1, 1, 1), 1.0 / l)
        zx, zy = self.motion_head(u)                                           # Eq. 4
        return content, weights, zx, zy

    def decode(self, content, zx, zy):
        c = self.c
        b = content.shape[0]
        vt = self.content_embed(content)                                       # Eq. 5
        vx = self.motion_embed(zx)
        vy = (self.motion_embed_y or self.motion_embed)(zy)
        v = vt.unsqueeze(2) + vx.unsqueeze(4) + vy.unsqueeze(3)                # Eq. 6
        tokens = v.permute(0, 2, 3, 4, 1).reshape(b, c["Frames"], self.gh * self.gw, c["Hidden"])
        h = self.decoder(tokens)
        grid = h.reshape(b * c["Frames"], self.gh, self.gw, c["Hidden"]).permute(0, 3, 1, 2)
        frames = self.output_layer(grid).view(b, c["Frames"], c["Channels"], c["Height"], c["Width"])
        return 2 * frames.sigmoid() - 1 if c["Output"] == "ScaledSigmoid" else frames

    def loss(self, video):
        content, weights, zx, zy = self.encode(video)
        recon = self.decode(content, zx, zy)
        loss = F.l1_loss(recon, video) if self.c["Loss"] == "L1" else F.mse_loss(recon, video)
        if self.c["ImportanceEntropy"] > 0:
            loss = loss + self.c["ImportanceEntropy"] * -(weights * weights.clamp_min(1e-12).log()).sum(1).mean()
        return loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--serve", action="store_true", help="time one step per 'step' line on stdin (common.serve)")
    ap.add_argument("--matmul-size", type=int, default=1024, help="n of the n x n fp32 matmul yardstick")
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    set_threads()
    tensors, meta = load_safetensors(a.input)
    config, adam = json.loads(meta["config"]), json.loads(meta["adam"])
    model = CmdAutoencoder(config)
    model.load_state_dict({k[2:]: v for k, v in tensors.items() if k.startswith("w.")}, strict=True)
    model.train()
    video = tensors["io.video"]
    opt_type = torch.optim.AdamW if adam["decoupled"] else torch.optim.Adam
    opt = opt_type(model.parameters(), lr=adam["lr"], betas=(adam["beta1"], adam["beta2"]), eps=adam["eps"],
                   weight_decay=adam["weight_decay"])

    def step():
        opt.zero_grad(set_to_none=True)  # PyTorch 2's default, as the workbench's AdamOptimizer.ZeroGrad
        loss = model.loss(video)
        value = loss.item()
        loss.backward()
        opt.step()
        return value

    yardstick = Yardstick(a.matmul_size)  # fp32 matmuls timed before each timed step: the rate at the moments the steps run
    if a.serve:
        return serve(step, a.warmup, yardstick, params=sum(p.numel() for p in model.parameters()))
    times, losses, cpu = time_steps(step, a.warmup, a.steps, yardstick.sample)
    emit(params=sum(p.numel() for p in model.parameters()), step_seconds=times, cpu_seconds_per_step=cpu, losses=losses,
         matmul_gflops=yardstick.gflops())


if __name__ == "__main__":
    main()
