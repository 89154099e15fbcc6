"""Which files are training configs (SPEC §5).

A file found by searching a folder is checked only when it is a training config: its top level
is a mapping that names at least one section of a training config. A file that does not load
still counts as one when a line at column 0 starts with such a section's key, so a broken config
is reported while `mkdocs.yml`, a hook manifest, a Kubernetes manifest or a VS Code settings file
is passed over.
"""

from __future__ import annotations

import re
from typing import Any

from losscfg.dialects import hydra
from losscfg.dialects.lightning import CLASS_PATH, bare_loss
from losscfg.dialects.site import mappings
from losscfg.load.document import Document

#: The sections of the framework's training configs. `name`, `seed` or `checkpoint` alone do not
#: make a config: evaluation configs and most other YAML files carry them.
SECTIONS = ("loss", "model", "dataset", "amp", "training", "optimizer", "scheduler", "quantization")

_LISTED = ", ".join(SECTIONS[:-1]) + " or " + SECTIONS[-1]
_NAMES = "|".join(SECTIONS)
#: `loss:` at column 0, or quoted (`"loss":`, also right after the `{` of a one-line JSON).
_SECTION_LINE = re.compile(
    rf"^(?:(?:\{{[ \t]*)?(?P<quote>[\"'])(?:{_NAMES})(?P=quote)|(?:{_NAMES}))[ \t]*:(?:[ \t]|$)",
    re.MULTILINE,
)


def not_a_config(document: Document) -> str | None:
    """Why a loaded file is not a training config, or None when it is one."""
    if not document.ok:
        if _SECTION_LINE.search(document.text):
            return None
        return f"not a training config: it does not load as YAML, and no line starts with {_LISTED}"
    return _why_not(document.data)


def text_is_config(text: str) -> bool:
    """Whether a text that cannot be loaded (too large, undecodable) looks like a config."""
    return _SECTION_LINE.search(text) is not None


def _why_not(data: Any) -> str | None:
    if isinstance(data, dict):
        if any(isinstance(key, str) and key in SECTIONS for key in data):
            return None
        if _names_a_torch_loss(data):  # a Hydra or LightningCLI file, such as configs/loss/ce.yaml
            return None
        return f"not a training config: no {_LISTED} at its top level"
    if data is None:
        return "not a training config: it is empty"
    return f"not a training config: its top level is {_kind(data)}, not a mapping of sections"


def _names_a_torch_loss(data: Any) -> bool:
    """Whether a `_target_` or `class_path` anywhere names a class under torch.nn, or a value
    is a bare `torch.nn.…Loss` (SPEC §15)."""
    return any(
        any(hydra.torch_class(mapping.get(key)) is not None for key in (hydra.TARGET, CLASS_PATH))
        or any(bare_loss(value) for value in mapping.values())
        for _, mapping in mappings(data)
    )


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__} value"


def is_config_file(path: str) -> bool:
    """Whether the file at `path` holds a training config now (SPEC §5's test)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(1024 * 1024)
    except OSError:
        return False
    return text_is_config(head.decode("utf-8", errors="replace"))
