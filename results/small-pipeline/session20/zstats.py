# z statistics of held-out encodings (`workbench ae encode --split test --clips 256 --data-seed 50000`): per-element spread, effective dimension, frame-to-frame correlation; content drift
import sys, json, struct, numpy as np

def load(p):
    with open(p,'rb') as f:
        n=struct.unpack('<Q',f.read(8))[0]; h=json.loads(f.read(n)); data=f.read()
    out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        a,b=v['data_offsets']; dt={'F32':np.float32,'F16':np.float16,'I64':np.int64}[v['dtype']]
        out[k]=np.frombuffer(data[a:b],dtype=dt).reshape(v['shape'])
    return out

for p in sys.argv[1:]:
    z = load(p)['z'].astype(np.float64); n = z.shape[0]
    sd = z.std(0)
    flat = z.reshape(n, -1); flat = flat - flat.mean(0)
    s = np.linalg.svd(flat, compute_uv=False) ** 2; s = s / s.sum(); c = np.cumsum(s)
    a = z[:, :, 1:, :] - z.mean(0)[:, 1:, :]; b = z[:, :, :-1, :] - z.mean(0)[:, :-1, :]
    print(p, 'z std %.3f' % z.std(), 'element std q10/50/90 %s' % np.round(np.quantile(sd, [.1, .5, .9]), 3),
          'elements std>0.5: %d/%d' % ((sd > 0.5).sum(), sd.size),
          'PCA comps 90/99%%: %s' % [int(np.searchsorted(c, q)) + 1 for q in (0.9, 0.99)],
          'lag-1 frame corr %.3f' % ((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())))
if len(sys.argv) == 3:
    a = load(sys.argv[1])['content'].astype(np.float64); b = load(sys.argv[2])['content'].astype(np.float64)
    print('content frames: mean |diff| %.5f, max |diff| %.4f' % (np.abs(a - b).mean(), np.abs(a - b).max()))
