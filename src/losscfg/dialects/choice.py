"""Which dialect a file is written in (SPEC §15): `--dialect` or the `dialect` setting, else
(`auto`) a file with a `_target_` key is a Hydra file, one with a `class_path` key a
LightningCLI file, any other the framework's; and the loss sites its front-end finds."""

from __future__ import annotations

from typing import Any

from losscfg.catalogue.schema import TORCH_NN, LossSchema, default_schema
from losscfg.dialects import fat, hydra, lightning
from losscfg.dialects.lightning import CLASS_PATH
from losscfg.dialects.names import AUTO, FAT, HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite, mappings
from losscfg.load.document import Document


def dialect_of(data: Any, chosen: str = AUTO, *, text: str | None = None) -> str:
    """The file's dialect: the one chosen, or the one its keys show; also a LightningCLI file,
    one whose value is a bare `torch.nn.…Loss` string (jsonargparse's class with no
    arguments, in a file whose module class the CLI fixes in code). With the document's
    `text`, a file that spells none of them is the framework's without a walk of its data (a
    key written with escapes, `"\x5ftarget_"`, would be missed: no real file does that)."""
    if chosen != AUTO:
        return chosen
    if text is not None and not any(word in text for word in (hydra.TARGET, CLASS_PATH, TORCH_NN)):
        return FAT
    found = bare = False
    for _, mapping in mappings(data):
        if hydra.TARGET in mapping:
            return HYDRA
        found = found or CLASS_PATH in mapping
        bare = bare or any(
            isinstance(value, str) and value.startswith(TORCH_NN) for value in mapping.values()
        )
    if found:
        return LIGHTNING
    return LIGHTNING if bare and _bare_loss_only(data) else FAT


def _bare_loss_only(data: Any) -> bool:
    """A LightningCLI file whose only mention of a loss is a bare `torch.nn.…Loss` string (a
    class with no arguments): its top-level keys are LightningCLI's own (`model`, `trainer`,
    ...), as its parser accepts no others; any other file is the framework's."""
    if not isinstance(data, dict) or not data or not set(data) <= lightning.TOP_LEVEL:
        return False
    others = default_schema().not_losses()
    return any(
        lightning.bare_loss(value, others)
        for _, mapping in mappings(data)
        for value in mapping.values()
    )


def sites_of(
    document: Document, schema: LossSchema, dialect: str, tensor_from_list: bool = False
) -> tuple[LossSite, ...]:
    """The loss sites of a document in its dialect; a file with both `_target_` and
    `class_path` keys has sites of both kinds (SPEC §15), in document order."""
    if dialect == FAT:
        return fat.find_sites(document.data, schema.catalogue)
    classes = schema.classes()
    found = (
        *hydra.find_sites(document, classes),
        *lightning.find_sites(document, classes, tensor_from_list, bare=dialect == LIGHTNING),
    )
    return tuple(sorted(found, key=lambda site: _order(document, site)))


def _order(document: Document, site: LossSite) -> tuple[int, int]:
    span = document.span(site.path)
    return (span.line, span.column) if span is not None else (0, 0)
