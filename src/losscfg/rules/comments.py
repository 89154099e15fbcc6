"""Rules about losscfg's own suppression comments (found by `losscfg.suppression`)."""

from __future__ import annotations

from losscfg.diagnostics import Severity
from losscfg.registry import declare

BAD_SUPPRESSION = declare(
    "LC005",
    "bad-suppression",
    Severity.WARNING,
    """A suppression comment names an unknown rule (warning) or silences nothing (info).

    ## What it does
    Checks every `# losscfg: disable=...` and `# losscfg: disable-file=...` comment: a code or
    name that is no rule is a warning; one that silenced no diagnostic of an enabled rule is an
    info (shown with `-v`); LC000 and LC001 cannot be silenced.

    ## Why is this bad?
    A misspelt code silences nothing while looking as if it did, and a suppression that
    outlived its problem would hide the next real one on that line.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      ignore_index: 0  # losscfg: disable=LC250
    ```

    ## Fix
    Correct the code (here `LC205`), or remove the comment once it silences nothing.
    """,
)
