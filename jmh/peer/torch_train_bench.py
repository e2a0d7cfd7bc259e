#!/usr/bin/env python3
"""PyTorch peer of `bin/geodesic bench train`: steady-state training images/s of the same models.

Same reference CNN (conv 5x5 32 pad 2, ReLU, maxpool 2, conv 5x5 64 pad 2, ReLU, maxpool 2, dense 3136-256,
ReLU, dense 256-10) and MLP (784-256-256-10), batch 128, random 1x28x28 inputs, plain SGD, cross-entropy.
Prints one line per run: `peer=pytorch model=cnn threads=1 batch=128 steps=200 images_per_s=...`.

Usage: /usr/bin/python3 jmh/peer/torch_train_bench.py --model cnn --threads 1 [--steps 200] [--warmup 40]
Needs Debian's python3-torch (apt-get install -y python3-torch).
"""
import argparse
import time

import torch
import torch.nn as nn


def model(name):
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 256), nn.ReLU(), nn.Linear(256, 10))
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--warmup", type=int, default=0)
    a = p.parse_args()
    steps = a.steps or (200 if a.model == "cnn" else 1000)
    warmup = a.warmup or max(20, steps // 5)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = model(a.model)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(a.batch, 1, 28, 28)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - t0
    print(f"peer=pytorch-{torch.__version__} model={a.model} threads={a.threads} batch={a.batch} steps={steps} "
          f"images_per_s={steps * a.batch / seconds:.0f} ms_per_step={seconds * 1e3 / steps:.2f}")


if __name__ == "__main__":
    main()
