"""Rules about reading the file: it must exist, be YAML, and hold one mapping of sections."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from losscfg.catalogue.schema import SECTIONS
from losscfg.diagnostics import Diagnostic, Severity
from losscfg.lint.context import Context, Finding, SchemaError
from losscfg.lint.registry import declare, explains
from losscfg.load.problems import LoadProblem, Problem
from losscfg.load.values import kind, show

IO_ERROR = declare(
    "LC000",
    "io-error",
    Severity.ERROR,
    """A path cannot be read.

    ## What it does
    Reports a path on the command line, or a file found in a directory, that cannot be read: it
    does not exist, is a directory where a file was expected, is not readable by you, or is a
    symbolic link that points to itself.

    ## Why is this bad?
    A config that cannot be read cannot be checked; a CI gate that skipped it silently would pass
    a broken tree. The other paths are still checked, and the run exits with code 2.

    ## Example
    ```console
    $ losscfg check configs/missing.yaml
    configs/missing.yaml: error LC000 cannot read the file: No such file or directory
    ```

    ## Fix
    Correct the path, or give yourself read permission on the file.
    """,
    silenceable=False,
)

YAML_SYNTAX = declare(
    "LC001",
    "yaml-syntax",
    Severity.ERROR,
    """The file is not valid YAML, or not something the trainer can load.

    ## What it does
    Reports where the YAML parser gave up (with its own words), a file that is not UTF-8, a tag
    that safe loading refuses (`!!python/object...`, or any tag the trainer's `yaml.safe_load` has
    no constructor for), an alias that is not defined, and a document too large to check safely:
    more than 100,000 values once aliases are expanded (an "alias bomb"). It also reports a tab
    between tokens (`name: nll<TAB># note`, tab-indented JSON): libyaml, and so most editors and
    linters, read it, but `yaml.safe_load` uses PyYAML's Python scanner, which raises "found
    character '\\t' that cannot start any token".

    ## Why is this bad?
    The trainer loads the config with `yaml.safe_load`; it stops on the same problem before
    training starts, or, for a huge alias expansion, can exhaust memory. Nothing in such a file
    can be trusted, so no other rule runs on it. This rule cannot be silenced.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      weight: [1.0, 2.0     # the flow list is never closed
    ```

    ## Fix
    Correct the YAML at the reported line, save the file as UTF-8, remove unsafe tags, and
    replace tabs outside quotes, comments and block scalars with spaces.
    """,
    silenceable=False,
)

DUPLICATE_KEY = declare(
    "LC002",
    "duplicate-key",
    Severity.ERROR,
    """A key appears twice in one mapping.

    ## What it does
    Reports the second occurrence of a key in the same mapping, at any depth of the document
    (not only in `loss`, `model`, `dataset` and `amp`), and names the line of the first. Keys
    brought in by a merge (`<<: *base`) are not duplicates: written keys override them, as YAML
    intends.

    ## Why is this bad?
    PyYAML silently keeps the last value, so one of the two settings is ignored without a word.
    Four of the framework's own configs repeat `probability:` under
    `activation_fault_injection`: the first probability is never used.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1
      label_smoothing: 0.2   # LC002: the 0.1 above is ignored
    ```

    ## Fix
    Keep one of the two keys.

    ## In a Hydra file
    OmegaConf refuses the whole file when it is composed: `ConstructorError: while
    constructing a mapping ... found duplicate key label_smoothing`.
    """,
)

NOT_A_MAPPING = declare(
    "LC003",
    "not-a-mapping",
    Severity.ERROR,
    """The file is empty, or the document or a `loss`, `model`, `dataset` or `amp` section is
    not a mapping.

    ## What it does
    Reports a document that is a scalar or a list instead of a mapping of sections, an empty
    or comment-only file, and a `loss`, `model`, `dataset` or `amp` key whose value is not a
    mapping, including `loss:` with no value at all (YAML reads it as null). For `amp: true`
    or `loss: cross_entropy` the hint gives the exact rewrite.

    ## Why is this bad?
    The trainer reads `config["loss"].get("name")` and `config.get("amp", {}).get("enabled")`:
    a list, a string, a boolean or null there crashes it before training starts. An empty file
    loads as None (`yaml.safe_load`), and the trainer's first lookup in it fails.

    ## Example
    ```yaml
    loss: cross_entropy
    ```

    ## Fix
    Write the section as a mapping of keys, or remove it to get the defaults:
    ```yaml
    loss:
      name: cross_entropy
    ```
    """,
)

MULTIPLE_DOCUMENTS = declare(
    "LC004",
    "multiple-documents",
    Severity.ERROR,
    """The file holds more than one YAML document.

    ## What it does
    Reports the start of the second document (after a `---` line). The first document is still
    checked.

    ## Why is this bad?
    `yaml.safe_load` refuses a stream of several documents ("expected a single document in the
    stream"), so the trainer cannot load the config.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
    ---
    loss:
      name: nll
    ```

    ## Fix
    Keep one document per file; split the others into their own files.
    """,
)


_RULE_OF = {
    Problem.UNREADABLE: IO_ERROR,
    Problem.NOT_YAML: YAML_SYNTAX,
    Problem.DUPLICATE_KEY: DUPLICATE_KEY,
    Problem.MULTIPLE_DOCUMENTS: MULTIPLE_DOCUMENTS,
}


def load_problem(problem: LoadProblem) -> Diagnostic:
    """The diagnostic of a problem met while reading or loading a file."""
    return _RULE_OF[problem.kind].diagnostic(
        problem.message, span=problem.span, hint=problem.hint, pointer=problem.pointer
    )


@explains(NOT_A_MAPPING, "type")
def _not_a_mapping(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    path, value = error.path, error.value
    if not path and value is None and _nothing_written(ctx):
        yield Finding(
            (),
            "the file is empty (or holds only comments): yaml.safe_load returns None, and the "
            "trainer fails on its first lookup in it",
            "write the config's sections (loss:, model:, dataset:, ...), or leave the file out "
            "of the paths to check",
        )
    elif not path:
        yield Finding(
            (),
            f"the document is {kind(value)} ({show(value)}), not a mapping of sections",
            "a training config is a mapping: loss:, model:, dataset:, ...",
            at_key=True,
        )
    elif len(path) == 1 and path[0] in SECTIONS:
        section = path[0]
        shown = "has no value (null)" if value is None else f"is {kind(value)} ({show(value)})"
        yield Finding(
            path,
            f"{section} {shown}; expected a mapping of keys",
            _as_mapping_hint(section, value, error.subschema),
            at_key=True,
        )


def _as_mapping_hint(section: str, value: Any, subschema: Mapping[str, Any]) -> str:
    """The exact rewrite of `amp: true` or `loss: cross_entropy` as a mapping."""
    main = subschema.get("x-main-key")
    if main is None:
        return f"write {section} as a mapping of indented keys, or remove it"
    if value is None or isinstance(value, (dict, list)):
        value = subschema.get("properties", {}).get(main, {}).get("default", "...")
    shown = value if isinstance(value, str) else show(value)
    return (
        f"write {section} as a mapping ({section}:, then an indented {main}: {shown[:40]}), "
        "or remove it for the defaults"
    )


def _nothing_written(ctx: Context) -> bool:
    """An empty or comment-only file, or a bare `---`: no value is written at all."""
    root = ctx.document.root
    return root is None or (root.plain and root.position[:2] == root.position[2:])
