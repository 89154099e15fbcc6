"""The framework's dialect (giovannipollo/fat, SPEC §1): at most one site, the `loss` section,
its class from `loss.name` (the factory lower-cases it; no name builds the default loss), its
arguments every other key, passed through the factory's `float()`/`int()`/`bool()`/
`torch.tensor()` (the schema's `x-converts`)."""

from __future__ import annotations

from typing import Any

from losscfg.catalogue.schema import Catalogue, Loss, conversion
from losscfg.dialects.conversions import convert
from losscfg.dialects.names import FAT
from losscfg.dialects.site import LossSite

DIALECT = FAT
SECTION = "loss"


def find_sites(data: Any, catalogue: Catalogue) -> tuple[LossSite, ...]:
    """The document's loss site, when the trainer builds a loss from it: the top level is a
    mapping and `loss`, when present, is one (absent, the factory builds its default loss)."""
    if not isinstance(data, dict):
        return ()
    section = data.get(SECTION, {})
    if not isinstance(section, dict):
        return ()
    name = (
        catalogue.canonical_name(section["name"]) if "name" in section else catalogue.default_loss
    )
    spec = catalogue.losses.get(name) if name is not None else None
    arguments = frozenset(key for key in section if isinstance(key, str) and key != "name")
    return (LossSite((SECTION,), DIALECT, spec, section, arguments, passed_on, name),)


def passed_on(spec: Loss, argument: str, written: Any) -> Any:
    """What the factory passes to torch when that is what the value spells (`float("0.1")`
    is 0.1), else the value as written (`bool("false")` is True: the rules say so)."""
    converted = convert(written, conversion(spec.parameters[argument].schema))
    return converted.value if converted is not None and converted.as_spelled else written
