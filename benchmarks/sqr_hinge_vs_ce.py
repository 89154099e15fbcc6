"""Forward + backward time of sqr_hinge (losscfg's SqrHingeLoss) against cross_entropy.

    python benchmarks/sqr_hinge_vs_ce.py --device cuda [--batch 4096] [--classes 1000]

Logits come from an nn.Linear inside autocast when AMP is on (float16 on CUDA, bfloat16 on
the CPU), as in training. Prints the median of --repeats timed runs after --warmup runs, and
the peak memory on CUDA.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from losscfg.dryrun.sqr_hinge import SqrHingeLoss


def measure(loss_fn, device, batch, classes, amp, repeats, warmup):  # type: ignore[no-untyped-def]
    torch.manual_seed(0)
    model = torch.nn.Linear(512, classes).to(device)
    features = torch.randn(batch, 512, device=device)
    labels = torch.randint(0, classes, (batch,), device=device)
    dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    times = []
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    for run in range(warmup + repeats):
        model.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        with torch.autocast(device.type, dtype=dtype, enabled=amp):
            loss = loss_fn(model(features), labels)
        loss.backward()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        if run >= warmup:
            times.append(time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    return statistics.median(times) * 1000, peak, loss.dtype


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    device = torch.device(args.device)
    print(
        f"torch {torch.__version__} on {device}"
        + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "")
        + f": N={args.batch}, C={args.classes}, median of {args.repeats} (fwd+bwd incl. Linear)"
    )
    print(f"{'loss':<14}{'amp':<6}{'ms':>10}{'peak MiB':>12}  loss dtype")
    results = {}
    for amp in (False, True):
        for name, fn in (
            ("cross_entropy", torch.nn.CrossEntropyLoss()),
            ("sqr_hinge", SqrHingeLoss()),
        ):
            ms, peak, dtype = measure(
                fn, device, args.batch, args.classes, amp, args.repeats, args.warmup
            )
            results[(name, amp)] = ms
            shown = f"{peak / 2**20:.1f}" if peak is not None else "-"
            print(f"{name:<14}{'on' if amp else 'off':<6}{ms:>10.3f}{shown:>12}  {dtype}")
    for amp in (False, True):
        ratio = results[("sqr_hinge", amp)] / results[("cross_entropy", amp)]
        print(f"sqr_hinge / cross_entropy, amp {'on' if amp else 'off'}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
