"""What every rule reads about one file: its sections, its loss, its class count, the schema's
errors and the dry-run's result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, TypeGuard

from losscfg.catalogue.schema import Catalogue, Loss, LossSchema, default_schema
from losscfg.diagnostics import DryRunResult, Severity
from losscfg.dialects.choice import sites_of
from losscfg.dialects.hydra_values import passed
from losscfg.dialects.names import FAT
from losscfg.dialects.site import LossSite, mappings
from losscfg.fix.remedies import Remedy
from losscfg.load.document import Document, Path

#: Where a class count came from, as the JSON report names it (SPEC §6); in a Hydra or
#: LightningCLI file (§15) also the site's own `num_classes` argument, or the file's
#: `num_classes` keys.
CLI, MODEL, DATASET_KEY, DATASET_NAME, ARGUMENT, FILE_KEYS = (
    "cli",
    "model.num_classes",
    "dataset.num_classes",
    "dataset.name",
    "argument",
    "num_classes",
)
NUM_CLASSES = "num_classes"


class ClassCount(NamedTuple):
    value: int
    source: str  # one of CLI, MODEL, DATASET_KEY, DATASET_NAME
    origin: str  # in words, for messages: "dataset.name: cifar100", "--num-classes 10"

    def __str__(self) -> str:
        return f"{self.value} ({self.origin})"


class Finding(NamedTuple):
    """A problem a rule found at `path`; the checker turns it into a positioned Diagnostic.

    `path` None: the problem has no place in the file. The empty path: the whole file, with
    no position, or the whole document with `at_key`.
    """

    path: Path | None
    message: str
    hint: str | None = None
    severity: Severity | None = None  # when it differs from the rule's default
    at_key: bool = False  # point at the key rather than at its value
    fix: Remedy | None = None  # what repairs it, when one meaning is certain (SPEC §13)


class SchemaError(NamedTuple):
    """One problem the JSON Schema found: the keyword that failed, where, on what value."""

    keyword: str
    path: Path
    value: Any  # as the validator saw it (loss.name lower-cased)
    subschema: Mapping[str, Any]  # the part of the schema whose keyword failed
    message: str  # jsonschema's words


@dataclass
class Context:
    document: Document
    schema: LossSchema = field(default_factory=default_schema)
    given_class_count: ClassCount | None = None  # --num-classes or the num-classes setting
    extra_datasets: Mapping[str, int] = field(default_factory=dict)
    schema_errors: list[SchemaError] = field(default_factory=list)
    dry_run: DryRunResult | None = None  # set once the dry-run ran
    #: What a rule works out once per file and would otherwise redo for each schema error.
    memo: dict[Any, Any] = field(default_factory=dict)
    dialect: str = FAT  # SPEC §15: whose builder reads the file
    tensor_from_list: bool = False  # LightningCLI: the project registers a list-to-tensor type

    @property
    def catalogue(self) -> Catalogue:
        return self.schema.catalogue

    @cached_property
    def class_count(self) -> ClassCount | None:
        """SPEC §3: the command line, then `model.num_classes`, then the dataset, else None."""
        return self.given_class_count or self.model_class_count() or self.dataset_class_count()

    @cached_property
    def data(self) -> dict[Any, Any]:
        return self.document.data if isinstance(self.document.data, dict) else {}

    def section(self, name: str) -> dict[Any, Any] | None:
        """A section when it is a mapping; None when absent or malformed (LC003 says so)."""
        value = self.data.get(name)
        return value if isinstance(value, dict) else None

    @cached_property
    def loss(self) -> dict[Any, Any]:
        return self.section("loss") or {}

    @cached_property
    def loss_name(self) -> str | None:
        """The catalogue name the trainer builds, or None when `loss.name` is not one."""
        if "name" not in self.loss:
            return self.catalogue.default_loss
        return self.catalogue.canonical_name(self.loss["name"])

    @cached_property
    def loss_spec(self) -> Loss | None:
        name = self.loss_name
        return self.catalogue.losses.get(name) if name else None

    @cached_property
    def sites(self) -> tuple[LossSite, ...]:
        """Where the document configures a loss (SPEC §15), as its dialect's front-end finds."""
        return sites_of(self.document, self.schema, self.dialect, self.tensor_from_list)

    def class_count_of(self, site: LossSite) -> ClassCount | None:
        """SPEC §15: the class count of a site in a Hydra or LightningCLI file: the site's own
        `num_classes` argument (LinearCrossEntropyLoss builds its classes from it), else the
        command line or the setting, else the file's `num_classes` keys when all of them are
        the same integer."""
        if site.dialect == FAT:
            return self.class_count
        own = site.value(NUM_CLASSES) if NUM_CLASSES in site.arguments else None
        if _is_count(own):
            return ClassCount(own, ARGUMENT, f"its num_classes: {own}")
        if self.given_class_count is not None:
            return self.given_class_count
        return self.file_class_count

    @cached_property
    def file_class_count(self) -> ClassCount | None:
        """The value of the document's `num_classes` keys, when there are such keys and every
        one (interpolations resolved within the file) is the same integer."""
        counts: dict[int, Path] = {}
        for path, mapping in mappings(self.document.data):
            if NUM_CLASSES not in mapping:
                continue
            value = passed(self.document, (*path, NUM_CLASSES), mapping[NUM_CLASSES])
            if not _is_count(value):
                return None
            counts.setdefault(value, (*path, NUM_CLASSES))
        if len(counts) != 1:
            return None
        [(count, path)] = counts.items()
        span = self.document.span(path)
        line = f" (line {span.line})" if span is not None else ""
        return ClassCount(count, FILE_KEYS, f"{'.'.join(map(str, path))}: {count}{line}")

    def parameter(self, name: str) -> Any:
        """A loss parameter as the trainer passes it to torch when that is what it spells
        (`float("0.1")` is 0.1), else as written; None when the configured loss does not take
        it."""
        return self.sites[0].value(name) if self.sites else None

    @property
    def amp_enabled(self) -> bool:
        """Whether the trainer turns AMP on (on CUDA): it tests `amp.enabled` for truthiness."""
        return bool((self.section("amp") or {}).get("enabled"))

    @property
    def dataset_name(self) -> str | None:
        """`dataset.name` as the trainer looks it up: lower-cased."""
        name = (self.section("dataset") or {}).get("name")
        return name.lower() if isinstance(name, str) else None

    @cached_property
    def known_datasets(self) -> Mapping[str, int]:
        """Class counts by dataset name: the built-in table and the `datasets` setting."""
        return {
            **self.catalogue.dataset_classes,
            **{name.lower(): count for name, count in self.extra_datasets.items()},
        }

    def dataset_class_count(self) -> ClassCount | None:
        """SPEC §3: the count of a known `dataset.name`; else `dataset.num_classes`, which the
        trainer never reads but a custom dataset's config may document."""
        return self.named_dataset_class_count() or self.declared_dataset_class_count()

    def named_dataset_class_count(self) -> ClassCount | None:
        name = self.dataset_name
        count = self.known_datasets.get(name) if name is not None else None
        if count is None:
            return None
        written = (self.section("dataset") or {}).get("name")
        return ClassCount(count, DATASET_NAME, f"dataset.name: {written}")

    def declared_dataset_class_count(self) -> ClassCount | None:
        """`dataset.num_classes`, only when `dataset.name` is not a known dataset."""
        if self.named_dataset_class_count() is not None:
            return None
        declared = (self.section("dataset") or {}).get("num_classes")
        if _is_count(declared):
            return ClassCount(declared, DATASET_KEY, f"dataset.num_classes: {declared}")
        return None

    def model_class_count(self) -> ClassCount | None:
        declared = (self.section("model") or {}).get("num_classes")
        if _is_count(declared):
            return ClassCount(declared, MODEL, f"model.num_classes: {declared}")
        return None


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
