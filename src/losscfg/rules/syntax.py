"""Rules about reading the file: it must exist, be YAML, and hold one mapping of sections."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.context import Context, Finding, SchemaError
from losscfg.diagnostics import Diagnostic, Severity
from losscfg.problems import LoadProblem, Problem
from losscfg.registry import declare, explains
from losscfg.schema import SECTIONS
from losscfg.values import kind, show

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
    Reports the second occurrence of a key in the same mapping of the document, `loss`, `model`,
    `dataset` or `amp`, and names the line of the first. Keys brought in by a merge (`<<: *base`)
    are not duplicates: written keys override them, as YAML intends.

    ## Why is this bad?
    PyYAML silently keeps the last value, so one of the two settings is ignored without a word.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1
      label_smoothing: 0.2   # LC002: the 0.1 above is ignored
    ```

    ## Fix
    Keep one of the two keys.
    """,
)

NOT_A_MAPPING = declare(
    "LC003",
    "not-a-mapping",
    Severity.ERROR,
    """The document, or its `loss`, `model`, `dataset` or `amp` section, is not a mapping.

    ## What it does
    Reports a document that is a scalar or a list instead of a mapping of sections, and a
    `loss`, `model`, `dataset` or `amp` key whose value is not a mapping, including `loss:` with
    no value at all (YAML reads it as null).

    ## Why is this bad?
    The trainer reads `config["loss"].get("name")`: a list, a string or null there crashes it
    before training starts.

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


def load_problem(problem: LoadProblem) -> Diagnostic | None:
    """The diagnostic of a problem met while reading or loading a file (None: not reported)."""
    if problem.kind is Problem.DUPLICATE_KEY and not _in_sections(problem.pointer):
        return None  # the rest of a config is not losscfg's business (SPEC §1)
    return _RULE_OF[problem.kind].diagnostic(
        problem.message, span=problem.span, hint=problem.hint, pointer=problem.pointer
    )


def _in_sections(pointer: str | None) -> bool:
    """In the document's own mapping, or in one of the four sections."""
    return pointer is None or pointer.split("/")[1] in SECTIONS


@explains(NOT_A_MAPPING, "type")
def _not_a_mapping(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    path, value = error.path, error.value
    if not path:
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
            "write loss as a mapping (loss:, then an indented name: cross_entropy), "
            "or remove it for the defaults"
            if section == "loss"
            else f"write {section} as a mapping of indented keys, or remove it",
            at_key=True,
        )
