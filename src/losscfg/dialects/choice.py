"""Which dialect a file is written in (SPEC §15): `--dialect` or the `dialect` setting, else
(`auto`) a file with a `_target_` key is a Hydra file, one with a `class_path` key a
LightningCLI file, any other the framework's; and the loss sites its front-end finds."""

from __future__ import annotations

from typing import Any

from losscfg.catalogue.schema import LossSchema
from losscfg.dialects import fat, hydra
from losscfg.dialects.names import AUTO, FAT, HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite, mappings
from losscfg.load.document import Document

CLASS_PATH = "class_path"


def dialect_of(data: Any, chosen: str = AUTO, *, text: str | None = None) -> str:
    """The file's dialect: the one chosen, or the one its keys show. With the document's
    `text`, a file that spells neither key is the framework's without a walk of its data (a
    key written with escapes, `"\x5ftarget_"`, would be missed: no real file does that)."""
    if chosen != AUTO:
        return chosen
    if text is not None and hydra.TARGET not in text and CLASS_PATH not in text:
        return FAT
    lightning = False
    for _, mapping in mappings(data):
        if hydra.TARGET in mapping:
            return HYDRA
        lightning = lightning or CLASS_PATH in mapping
    return LIGHTNING if lightning else FAT


def sites_of(document: Document, schema: LossSchema, dialect: str) -> tuple[LossSite, ...]:
    """The loss sites of a document in its dialect (LightningCLI's front-end is still to
    come: such a file has none yet)."""
    if dialect == FAT:
        return fat.find_sites(document.data, schema.catalogue)
    if dialect == HYDRA:
        return hydra.find_sites(document, schema.classes())
    return ()
