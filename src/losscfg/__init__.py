"""losscfg: validate and lint the loss section of YAML training configs.

The public API (SPEC §9): `check_text`, `check_file`, `Diagnostic`, `build_loss`. Importing
this package is cheap: it imports neither torch, nor rich, nor jsonschema until they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from losscfg.diagnostics import Diagnostic, Severity

__version__ = "0.1.0"
__all__ = ["Diagnostic", "Severity", "__version__", "build_loss", "check_file", "check_text"]

if TYPE_CHECKING:
    from losscfg.dryrun.build import build_loss
    from losscfg.lint.check import check_file, check_text

_LAZY = {
    "check_text": "losscfg.lint.check",
    "check_file": "losscfg.lint.check",
    "build_loss": "losscfg.dryrun.build",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'losscfg' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
