"""PyTorch eager baseline for the cuda benchmark: the same Dream-7B-shaped model (random bf16 weights made
on the device), the same dual-cache step (a block of B positions against cached keys/values of a T-position
canvas, greedy confidence and argmax on the block), timed with CUDA events, median of N.

Usage: python3 torch_eager_bench.py [--layers 28] [--canvas 512] [--block 32] [--iters 30] [--out f.json]
"""
import argparse
import json
import math

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--layers", type=int, default=28)
p.add_argument("--canvas", type=int, default=512)
p.add_argument("--block", type=int, default=32)
p.add_argument("--iters", type=int, default=30)
p.add_argument("--out")
a = p.parse_args()

H, NH, NKV, HD, FF, V = 3584, 28, 4, 128, 18944, 152064
dev = torch.device("cuda")
torch.manual_seed(0)
bf = torch.bfloat16


def w(*shape):
    return (torch.rand(*shape, device=dev, dtype=torch.float32) * 0.04 - 0.02).to(bf)


layers = []
for _ in range(a.layers):
    layers.append(dict(
        ln1=torch.ones(H, device=dev, dtype=bf), ln2=torch.ones(H, device=dev, dtype=bf),
        q=w(NH * HD, H), qb=w(NH * HD), k=w(NKV * HD, H), kb=w(NKV * HD), v=w(NKV * HD, H), vb=w(NKV * HD),
        o=w(H, NH * HD), g=w(FF, H), u=w(FF, H), d=w(H, FF)))
emb = w(V, H)
head = w(V, H)
norm = torch.ones(H, device=dev, dtype=bf)
T, B = a.canvas, a.block
ws = T // 2
# cached keys/values of the whole canvas, per layer: [1, NKV, T, HD]
cache = [(w(1, NKV, T, HD), w(1, NKV, T, HD)) for _ in range(a.layers)]
inv = 1.0 / (1e6 ** (torch.arange(0, HD, 2, device=dev, dtype=torch.float32) / HD))
pos = torch.arange(ws, ws + B, device=dev, dtype=torch.float32)
ang = pos[:, None] * inv[None, :]
cos = torch.cat([ang.cos(), ang.cos()], -1).to(bf)
sin = torch.cat([ang.sin(), ang.sin()], -1).to(bf)
tokens = torch.randint(0, 150000, (1, B), device=dev)


def rms(x, wt):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-6)).to(bf) * wt


def rot(x):
    x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
    return torch.cat([-x2, x1], -1)


@torch.no_grad()
def step():
    x = emb[tokens]  # [1, B, H]
    for L, (ck, cv) in zip(layers, cache):
        h = rms(x, L["ln1"])
        q = F.linear(h, L["q"], L["qb"]).view(1, B, NH, HD).transpose(1, 2)
        k = F.linear(h, L["k"], L["kb"]).view(1, B, NKV, HD).transpose(1, 2)
        v = F.linear(h, L["v"], L["vb"]).view(1, B, NKV, HD).transpose(1, 2)
        q = q * cos + rot(q) * sin
        k = k * cos + rot(k) * sin
        kk = torch.cat([ck[:, :, :ws], k, ck[:, :, ws + B:]], 2)
        vv = torch.cat([cv[:, :, :ws], v, cv[:, :, ws + B:]], 2)
        kk = kk.repeat_interleave(NH // NKV, 1)
        vv = vv.repeat_interleave(NH // NKV, 1)
        o = F.scaled_dot_product_attention(q, kk, vv)
        x = x + F.linear(o.transpose(1, 2).reshape(1, B, NH * HD), L["o"])
        h = rms(x, L["ln2"])
        x = x + F.linear(F.silu(F.linear(h, L["g"])) * F.linear(h, L["u"]), L["d"])
    logits = F.linear(rms(x, norm), head).float()
    prob = logits.softmax(-1)
    conf, arg = prob.max(-1)
    return conf, arg


for _ in range(3):
    step()
torch.cuda.synchronize()
times = []
for _ in range(a.iters):
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    step()
    e.record()
    e.synchronize()
    times.append(s.elapsed_time(e))
times.sort()
med = times[len(times) // 2]
res = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, layers=a.layers, canvas=T, block=B,
           stepMsMedian=med, stepMsMin=times[0], forwardsPerSecond=1000 / med)
print(json.dumps(res, indent=2))
if a.out:
    with open(a.out, "w") as f:
        json.dump(res, f, indent=2)
