"""Rules about losscfg's own suppression comments (found by `losscfg.lint.suppression`)."""

from __future__ import annotations

from losscfg.diagnostics import Diagnostic, Severity
from losscfg.lint.registry import declare
from losscfg.lint.suppression import Misuse, SuppressionProblem

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


def bad_suppression(problem: SuppressionProblem) -> Diagnostic:
    """The diagnostic of a selector that names no rule, silences nothing, or cannot silence."""
    if problem.misuse is Misuse.UNKNOWN:
        return BAD_SUPPRESSION.diagnostic(
            f"unknown rule {problem.selector!r} in a suppression comment",
            span=problem.span,
            hint="name a code (LC205) or a rule name (ignore-index-is-class); "
            "`losscfg rules` lists them",
        )
    if problem.misuse is Misuse.UNUSED:
        what = "disable-file" if problem.file_wide else "disable"
        return BAD_SUPPRESSION.diagnostic(
            f"{what}={problem.selector} silences nothing"
            + ("" if problem.file_wide else " on this line"),
            span=problem.span,
            hint="remove it from the comment",
            severity=Severity.INFO,
        )
    return BAD_SUPPRESSION.diagnostic(
        f"{problem.selector} cannot be silenced: the file cannot be checked",
        span=problem.span,
        hint="correct the problem instead",
        severity=Severity.INFO,
    )
