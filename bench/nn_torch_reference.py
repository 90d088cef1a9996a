"""PyTorch CPU eager reference for `npm run bench -- nn` (not a project dependency).

Same architecture, batch and optimizer as bench/nn.ts: minGPT-style causal transformer d=128, 4 layers,
4 heads, 16 tokens, input 32 -> head 8, MSE loss, AdamW + clip_grad_norm_(1.0), float32.
Run with Debian's python3-torch:  /usr/bin/python3 bench/nn_torch_reference.py [--batch 256] [--threads 2]
"""
import argparse
import math
import time

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.proj = nn.Linear(4 * d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        h = self.ln1(x)
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o(y)
        return x + self.proj(nn.functional.gelu(self.fc(self.ln2(x))))


class Denoiser(nn.Module):
    def __init__(self, d=128, layers=4, heads=4, tokens=16, inp=32, out=8):
        super().__init__()
        self.embed = nn.Linear(inp, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, out)
        self.register_buffer("mask", torch.full((tokens, tokens), -1e9).triu(1))

    def forward(self, x):
        h = self.embed(x)
        for blk in self.blocks:
            h = blk(h, self.mask)
        return self.head(self.ln_f(h))


def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Denoiser()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    x = torch.randn(args.batch, 16, 32)
    target = torch.randn(args.batch, 16, 8)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = ((model(x) - target) ** 2).mean()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(2):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    ms = median(times)
    params = sum(p.numel() for p in model.parameters())
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {params} params")
    print(f"train  batch {args.batch}: {ms:.1f} ms/step (median of {args.steps}), {1000 / ms:.2f} steps/s, {1000 * args.batch / ms:.0f} samples/s")
    model.eval()
    with torch.no_grad():
        for b in (1, 8, 32):
            xb = torch.randn(b, 16, 32)
            for _ in range(5):
                model(xb)
            lat = []
            for _ in range(50):
                t0 = time.perf_counter()
                model(xb)
                lat.append((time.perf_counter() - t0) * 1000)
            print(f"forward batch {b}: {median(lat):.2f} ms (median of 50)")


if __name__ == "__main__":
    main()
