#!/usr/bin/env python3
"""x_0 error (eps model, x_0 implied and clipped as the sampler does) on the 64 memorisation frames, same noise for
every model: python3 eval_x0.py <DiT checkout> <pairs> <weights.pt | checkpoint.safetensors> ..."""
import sys, torch
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_twin import read_safetensors, install_timm_shim

repo, pairs, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, repo); install_timm_shim()
import models
from diffusion import create_diffusion
t = read_safetensors(pairs); x, y = t["content"], t["label"]
d = create_diffusion(timestep_respacing="")
g = torch.Generator().manual_seed(7); noise = torch.randn(x.shape, generator=g)
for p in paths:
    m = models.DiT(input_size=64, patch_size=4, in_channels=1, hidden_size=256, depth=6, num_heads=4, num_classes=10, learn_sigma=True)
    sd = torch.load(p) if p.endswith(".pt") else {k[6:]: v for k, v in read_safetensors(p).items() if k.startswith("model.")}
    m.load_state_dict(sd, strict=True); m.eval()
    row = []
    with torch.no_grad():
        for tt in [10, 100, 300, 500, 700, 900]:
            ts = torch.full((x.shape[0],), tt)
            xt = d.q_sample(x, ts, noise)
            eps = m(xt, ts, y)[:, :1]
            x0 = d._predict_xstart_from_eps(xt, ts, eps).clamp(-1, 1)
            row.append("t=%d %.4f" % (tt, ((x0 - x) ** 2).mean().item()))
    print(p, " ".join(row), flush=True)
