"""Which torch device a dry-run uses, and clear errors when it cannot have it."""

from __future__ import annotations

import re
import warnings
from typing import Any

INSTALL_HINT = "pip install 'losscfg[torch]'"
_DEVICE = re.compile(r"(cpu|mps|cuda)(?::(\d+))?")


class TorchMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"the dry-run needs torch, which is not installed: {INSTALL_HINT}")


class DeviceError(ValueError):
    """A device that is malformed or not available here (a usage error, exit 2)."""


def require_torch() -> Any:
    """torch itself, or TorchMissing with the install hint."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
            import torch
    except ImportError:
        raise TorchMissing from None
    return torch


def resolve_device(spec: str) -> Any:
    """`cpu`, `cuda`, `cuda:N` or `mps` as a torch.device that exists on this machine."""
    match = _DEVICE.fullmatch(spec.strip().lower())
    if match is None:
        raise DeviceError(f"unknown device {spec!r}: use cpu, cuda, cuda:N or mps")
    kind, index = match.group(1), match.group(2)
    if kind == "cpu" and index not in (None, "0"):
        raise DeviceError(f"unknown device {spec!r}: the CPU is cpu")
    torch = require_torch()
    if kind == "cuda":
        if not torch.cuda.is_available():
            build = "a CPU-only build of torch" if torch.version.cuda is None else "no usable GPU"
            raise DeviceError(
                f"device {spec!r} is not available: CUDA is not available here ({build}, "
                f"torch {torch.__version__})"
            )
        count = torch.cuda.device_count()
        if index is not None and int(index) >= count:
            devices = ", ".join(f"cuda:{i}" for i in range(count))
            raise DeviceError(
                f"device {spec!r} does not exist: this machine has {count} CUDA "
                f"device{'s' if count != 1 else ''} ({devices})"
            )
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise DeviceError(
                f"device {spec!r} is not available: MPS needs Apple silicon and a macOS build "
                "of torch"
            )
    return torch.device(kind if index is None else f"{kind}:{index}")
