#!/usr/bin/env python3
"""Issue 14 diagnostic: the OFFICIAL DiT model + diffusion (facebookresearch/DiT, unchanged) trained on the same 64
content frames with the same recipe as `workbench train content --preset small --patch 4 --pairs mem/pairs.safetensors
--batch 16 --lr 3e-4` (eps, learned sigma, hybrid loss, Adam(W) wd 0). Prints the loss per step as CSV, so the two
loss curves can be compared: if PyTorch learns much faster, the workbench's training has a defect.
Usage: python3 train_twin.py <DiT checkout> <pairs.safetensors> <steps> <out.csv>   (weights to <out.csv>.pt)"""
import json, os, struct, sys, time
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/fixtures/dit"))
from make_fixtures import install_timm_shim


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        dt = {"F32": np.float32, "I64": np.int64}.get(v["dtype"])
        if dt is None:
            continue
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype=dt).reshape(v["shape"]).copy())
    return out


def main(repo, pairs, steps, out_csv):
    sys.path.insert(0, repo)
    install_timm_shim()
    import models
    from diffusion import create_diffusion
    torch.manual_seed(0)
    t = read_safetensors(pairs)
    x, y = t["content"], t["label"]
    print("content", tuple(x.shape), "mean %.3f std %.3f min %.3f max %.3f" % (x.mean(), x.std(), x.min(), x.max()), flush=True)
    model = models.DiT(input_size=64, patch_size=4, in_channels=1, hidden_size=256, depth=6, num_heads=4,
                       num_classes=10, class_dropout_prob=0.1, learn_sigma=True)
    model.train()
    d = create_diffusion(timestep_respacing="")
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0)
    start = time.time()
    with open(out_csv, "w") as f:
        f.write("step,loss,elapsed_s\n")
        for step in range(1, steps + 1):
            idx = torch.randint(0, x.shape[0], (16,))
            tt = torch.randint(0, d.num_timesteps, (16,))
            loss = d.training_losses(model, x[idx], tt, dict(y=y[idx]))["loss"].mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            f.write("%d,%.6f,%.2f\n" % (step, loss.item(), time.time() - start))
            if step % 50 == 0:
                f.flush()
                print(step, "%.4f" % loss.item(), "%.2f s/step" % ((time.time() - start) / step), flush=True)
    torch.save(model.state_dict(), out_csv + ".pt")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
