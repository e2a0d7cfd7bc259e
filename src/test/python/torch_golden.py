#!/usr/bin/python3
"""Golden trajectories of torch.optim for geodesic.optim.TorchGoldenTrajectoryTest.

Regenerate (needs PyTorch 1.13, e.g. Debian's python3-torch for /usr/bin/python3), from the repository root:

    /usr/bin/python3 src/test/python/torch_golden.py

It rewrites src/test/resources/geodesic/optim/golden/{problem,sgd,adam,rmsprop,adagrad}.txt; commit them. The
Java test only reads those files, so the build needs no PyTorch.

The problem (problem.txt): three parameters of 1, 7 and 37 floats. Before step s (1-based) every gradient is set
to  grad = curvature * (value - target) + noise[s]  element-wise in float32 (a product, then a difference, then a
sum, each rounded to float32, which Java's float arithmetic reproduces bit for bit), so that Java and torch
compute the same gradient from the same parameter values and differences measure the optimizers only. The
quadratic pulls parameters toward targets away from zero; the noise keeps gradients from vanishing.

Trajectory files: one block per setting, "config <name> <optimizer> key=value ..." in torch's argument names
(no key: torch's default); an optional "set_lr <step> <lr>" assigns param_groups' lr just before that step; then
"value <step> <parameter> <floats>" after the listed steps. Floats are written in their shortest decimal form
that reads back to the same float32.
"""

import os

import numpy as np
import torch

STEPS = 50
CHECKPOINTS = [1, 2, 3, 5, 10, 20, 30, 40, 50]
SIZES = {"w1": 1, "w7": 7, "w37": 37}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "geodesic", "optim", "golden")

SETTINGS = {
    "sgd": [
        ("sgd_plain", dict(lr=0.1), None),
        ("sgd_weight_decay", dict(lr=0.05, weight_decay=0.1), None),
        ("sgd_momentum", dict(lr=0.05, momentum=0.9), (26, 0.02)),
        ("sgd_momentum_dampening", dict(lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.01), None),
        ("sgd_nesterov", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), None),
    ],
    "adam": [
        ("adam_defaults", dict(), None),
        ("adam_lr", dict(lr=0.05), (26, 0.01)),
        ("adam_betas_eps_weight_decay", dict(lr=0.02, betas=(0.8, 0.99), eps=0.05, weight_decay=0.1), None),
        ("amsgrad", dict(lr=0.05, amsgrad=True), None),
        ("amsgrad_betas_weight_decay", dict(lr=0.02, betas=(0.5, 0.9), weight_decay=0.05, amsgrad=True), None),
    ],
    "rmsprop": [
        ("rmsprop_defaults", dict(), None),
        ("rmsprop_alpha_eps_weight_decay", dict(lr=0.005, alpha=0.9, eps=0.05, weight_decay=0.1), (26, 0.002)),
        ("rmsprop_momentum", dict(lr=0.002, momentum=0.9), None),
        ("rmsprop_centered", dict(lr=0.002, centered=True), None),
        ("rmsprop_centered_momentum", dict(lr=0.001, alpha=0.95, momentum=0.5, centered=True, weight_decay=0.01),
         None),
    ],
    "adagrad": [
        ("adagrad_defaults", dict(), None),
        ("adagrad_lr", dict(lr=0.1), None),
        ("adagrad_lr_decay", dict(lr=0.1, lr_decay=0.05), (26, 0.2)),
        ("adagrad_accumulator_eps_weight_decay",
         dict(lr=0.1, initial_accumulator_value=0.5, eps=0.1, weight_decay=0.1), None),
    ],
}

CONSTRUCTORS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}


def floats(values):
    return " ".join(str(np.float32(v)) for v in np.asarray(values, dtype=np.float32).ravel())


def make_problem():
    rng = np.random.default_rng(20261128)
    problem = {}
    for name, n in SIZES.items():
        sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
        problem[name] = dict(
            init=rng.uniform(-1.0, 1.0, n).astype(np.float32),
            curvature=rng.uniform(0.2, 2.0, n).astype(np.float32),
            target=(sign * rng.uniform(0.5, 1.5, n)).astype(np.float32),
            noise=(0.1 * rng.standard_normal((STEPS, n))).astype(np.float32),
        )
    return problem


def write_problem(problem, header):
    lines = [header, f"steps {STEPS}", "checkpoints " + " ".join(map(str, CHECKPOINTS))]
    for name, p in problem.items():
        lines.append(f"parameter {name} {SIZES[name]}")
        for key in ("init", "curvature", "target"):
            lines.append(f"{key} {floats(p[key])}")
        for s in range(STEPS):
            lines.append(f"noise {s + 1} {floats(p['noise'][s])}")
    return lines


def hyper_text(kwargs):
    parts = []
    for key, value in kwargs.items():
        if isinstance(value, bool):
            parts.append(f"{key}={str(value).lower()}")
        elif isinstance(value, tuple):
            parts.append(f"{key}=" + ",".join(repr(float(v)) for v in value))
        else:
            parts.append(f"{key}={float(value)!r}")
    return " ".join(parts)


def trajectory(problem, optimizer, kwargs, lr_change):
    params = {name: torch.tensor(p["init"], dtype=torch.float32, requires_grad=True) for name, p in problem.items()}
    consts = {name: {k: torch.from_numpy(p[k]) for k in ("curvature", "target", "noise")}
              for name, p in problem.items()}
    opt = CONSTRUCTORS[optimizer](list(params.values()), **kwargs)
    lines = []
    for s in range(1, STEPS + 1):
        if lr_change is not None and s == lr_change[0]:
            for group in opt.param_groups:
                group["lr"] = lr_change[1]
        with torch.no_grad():
            for name, p in params.items():
                c = consts[name]
                p.grad = c["curvature"] * (p - c["target"]) + c["noise"][s - 1]
        opt.step()
        if s in CHECKPOINTS:
            for name, p in params.items():
                lines.append(f"value {s} {name} {floats(p.detach().numpy())}")
    return lines


def main():
    torch.set_num_threads(1)
    header = (f"# Generated by src/test/python/torch_golden.py with torch {torch.__version__}; "
              "regenerate with that script, do not edit.")
    problem = make_problem()
    os.makedirs(OUT, exist_ok=True)
    files = {"problem": write_problem(problem, header)}
    for optimizer, settings in SETTINGS.items():
        lines = [header]
        for name, kwargs, lr_change in settings:
            lines.append(f"config {name} {optimizer} {hyper_text(kwargs)}".rstrip())
            if lr_change is not None:
                lines.append(f"set_lr {lr_change[0]} {lr_change[1]!r}")
            lines.extend(trajectory(problem, optimizer, kwargs, lr_change))
        files[optimizer] = lines
    for name, lines in files.items():
        with open(os.path.join(OUT, name + ".txt"), "w", encoding="ascii") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
