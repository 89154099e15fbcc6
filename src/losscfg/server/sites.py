"""Hover on the loss sites of Hydra and LightningCLI files (SPEC §15), and where a site is for
completion: a mapping whose `_target_` or `class_path` names a torch.nn loss class, at any
depth; a LightningCLI site's arguments are those of its `init_args` and `dict_kwargs`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from losscfg.catalogue.hydra_export import OWN_KEY_DESCRIPTIONS
from losscfg.catalogue.schema import default_schema
from losscfg.diagnostics import FileReport
from losscfg.dialects.choice import dialect_of, sites_of
from losscfg.dialects.hydra import TARGET
from losscfg.dialects.names import HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite
from losscfg.load.document import Document
from losscfg.server.pages import class_page, parameter_page
from losscfg.server.places import Path_, Place, place_at

TORCH_DIALECTS = frozenset({HYDRA, LIGHTNING})


def names_torch_classes(document: Document, report: FileReport | None) -> bool:
    """Whether the document is a Hydra or LightningCLI file: as its report's sites say, else
    as its keys do."""
    dialects = {record.dialect for record in report.losses} if report is not None else set()
    if dialects:
        return bool(dialects & TORCH_DIALECTS)
    return document.ok and dialect_of(document.data, text=document.text) in TORCH_DIALECTS


def sites(document: Document) -> tuple[LossSite, ...]:
    return sites_of(document, default_schema(), HYDRA) if document.ok else ()


def site_with_key(document: Document, line: int, column: int) -> LossSite | None:
    """The site one of whose argument mappings has a key starting at the position."""
    place = place_at(document, line, column)
    if place is None or not place.on_key:
        return None
    return _site_at(sites(document), place.path[:-1])


def hover_pages(place: Place, found: Sequence[LossSite]) -> Iterator[str]:
    """On an argument of a site: the argument and its class; on `_target_` or a key the class
    does not take: the class; on Hydra's own keys: what Hydra does with them."""
    site = _site_at(found, place.path[:-1]) if place.path else None
    key = place.path[-1] if place.path else None
    if site is None:  # the class's own key (`class_path`), or Hydra's, in the site's mapping
        site = next((s for s in found if place.path and s.path == place.path[:-1]), None)
    if site is None or site.spec is None:
        return
    if key in site.spec.parameters:
        yield parameter_page(key, site.spec.parameters[key], site.spec.name)
    elif key in OWN_KEY_DESCRIPTIONS and key != TARGET:
        yield f"**{key}** (Hydra): {OWN_KEY_DESCRIPTIONS[key]}"
        return
    yield class_page(site.spec)


def _site_at(found: Sequence[LossSite], path: Path_) -> LossSite | None:
    """The site whose arguments are written in the mapping at `path`."""
    return next((site for site in found if path in site.argument_mappings), None)
