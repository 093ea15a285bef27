#!/usr/bin/env python3
"""One free-form-flow training step in PyTorch, for `orchestrator bench step`.

The same model and loss as the orchestrator's standalone step (Training/Optimization/FlowTrainer.cs): the FFF
reference SBI network (encoder and decoder), the FFF loss with one Hutchinson vector, the decoder's Jacobian-vector
product by double backward (TorchSharp has no forward-mode AD, so ours uses two reverse passes; this does the same),
Adam with L2 weight decay inside Adam and the one-cycle schedule (learning rate and beta1), a shuffled batch gathered
from the training set each step. Prints one JSON line: wall and process-CPU seconds per step, torch version, BLAS, threads.
"""
import argparse
import json
import math
import time

import torch
from torch import nn

WIDTH = 256


class ReferenceSbiNet(nn.Module):
    """[x, c] -> 256 -> 256 -> D (SiLU), two residual blocks on [h, c], then a linear map to D."""

    def __init__(self, dim, condition_dim):
        super().__init__()
        joint = dim + condition_dim
        self.head = nn.Sequential(nn.Linear(joint, WIDTH), nn.SiLU(), nn.Linear(WIDTH, WIDTH), nn.SiLU(), nn.Linear(WIDTH, dim))
        self.blocks = nn.ModuleList([self.block(joint), self.block(joint)])
        self.out = nn.Linear(joint, dim)

    @staticmethod
    def block(joint):
        return nn.Sequential(nn.Linear(joint, WIDTH), nn.SiLU(), nn.Linear(WIDTH, WIDTH), nn.SiLU(), nn.Linear(WIDTH, joint))

    def forward(self, x, c):
        h = torch.cat([self.head(torch.cat([x, c], 1)), c], 1)
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)


def hutchinson_vectors(batch, dim, generator):
    v = torch.randn(batch, dim, 1, generator=generator)
    return v / v.norm(dim=1, keepdim=True) * math.sqrt(dim)


def surrogate(x, z, x_hat, vectors):
    v = vectors[:, :, 0]
    v_jf = torch.autograd.grad(z, x, v, create_graph=True, retain_graph=True)[0]
    u = torch.zeros_like(x_hat, requires_grad=True)
    w = torch.autograd.grad(x_hat, z, u, create_graph=True, retain_graph=True)[0]
    jg_v = torch.autograd.grad(w, u, v, retain_graph=True)[0].detach()
    return (v_jf * jg_v).sum(1)


def fff_loss(encoder, decoder, theta, c, beta, generator):
    x = theta.detach().requires_grad_(True)
    vectors = hutchinson_vectors(x.shape[0], x.shape[1], generator)
    z = encoder(x, c)
    x_hat = decoder(z, c)
    log_prob = -0.5 * (z * z).sum(1) - 0.5 * z.shape[1] * math.log(2 * math.pi)
    nll = -log_prob - surrogate(x, z, x_hat, vectors)
    reconstruction = ((x - x_hat) ** 2).sum(1)
    return (beta * reconstruction + nll).mean()


def blas_library():
    try:
        with open("/proc/self/maps") as maps:
            names = {line.split()[-1] for line in maps if "blas" in line.lower() or "lapack" in line.lower()}
        return ", ".join(sorted(n for n in names if n.startswith("/"))) or "none loaded"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--dim", type=int, default=2)
    parser.add_argument("--condition-dim", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--profile", action="store_true", help="also report the CPU time of each phase of the step (phases_ms)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    device = torch.device(args.device)
    encoder = ReferenceSbiNet(args.dim, args.condition_dim).to(device)
    decoder = ReferenceSbiNet(args.dim, args.condition_dim).to(device)
    parameters = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(parameters, lr=5e-4, weight_decay=1e-4)
    total = args.warmup + args.steps
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=5e-4, total_steps=total, pct_start=0.3,
                                                   div_factor=25, final_div_factor=1e4, base_momentum=0.85, max_momentum=0.95)
    generator = torch.Generator().manual_seed(2)
    n = args.batch * total
    theta = torch.randn(n, args.dim, generator=generator).to(device)
    c = torch.randn(n, args.condition_dim, generator=generator).to(device)
    order = torch.randperm(n, generator=generator).to(device)
    start = None
    phases = {"gather": 0.0, "loss": 0.0, "loss_value": 0.0, "backward": 0.0, "update": 0.0}
    last = [time.process_time()]

    def mark(phase):
        # Phase CPU times (the same phases as `bench step --profile`), only in profile runs and after the warm-up.
        if args.profile:
            now = time.process_time()
            if start is not None:
                phases[phase] += now - last[0]
            last[0] = now

    for step in range(total):
        if step == args.warmup:
            if device.type == "cuda":
                torch.cuda.synchronize()
            start, start_cpu = time.perf_counter(), time.process_time()
            last[0] = time.process_time()
        index = order[step * args.batch:(step + 1) * args.batch]
        batch_theta, batch_c = theta[index], c[index]
        mark("gather")
        optimizer.zero_grad()
        loss = fff_loss(encoder, decoder, batch_theta, batch_c, 25.0, generator)
        mark("loss")
        value = loss.item()
        mark("loss_value")
        if math.isfinite(value):
            loss.backward()
            mark("backward")
            optimizer.step()
        schedule.step()
        mark("update")
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / args.steps
    cpu_seconds = (time.process_time() - start_cpu) / args.steps
    print(json.dumps({"step_seconds": seconds, "step_cpu_seconds": cpu_seconds, "torch": torch.__version__, "blas": blas_library(),
                      "threads": torch.get_num_threads(), "batch": args.batch, "device": args.device,
                      "phases_ms": {k: v / args.steps * 1e3 for k, v in phases.items()} if args.profile else None}))


if __name__ == "__main__":
    main()
