"""Rules of the dry-run (`losscfg dry-run`, `losscfg check --dry-run`), found by losscfg.dryrun."""

from __future__ import annotations

from losscfg.diagnostics import Severity
from losscfg.registry import declare

DRY_RUN_FAILED = declare(
    "LC501",
    "dry-run-failed",
    Severity.ERROR,
    """Building or running the loss with torch raised an error (dry-run only).

    ## What it does
    With `losscfg dry-run` or `losscfg check --dry-run`, losscfg builds the configured loss as
    the trainer does, feeds it a small random batch on the chosen device (with AMP when the
    config enables it) and runs forward and backward. If torch raises, this reports torch's own
    message.

    ## Why is this bad?
    The same error would stop the training job on its first batch, after it waited in the queue
    for a GPU.

    ## Example
    ```console
    $ losscfg dry-run --device cuda --amp on --ignore LC301 bce.yaml
    bce.yaml: error LC501 forward failed: RuntimeError: torch.nn.functional.binary_cross_entropy
    and torch.nn.BCELoss are unsafe to autocast. ...
    ```

    ## Fix
    Read torch's message; most causes have a static rule too (LC201, LC207, LC301, ...) that
    says what to change.
    """,
)

DRY_RUN_NON_FINITE = declare(
    "LC502",
    "dry-run-non-finite",
    Severity.ERROR,
    """The loss or a gradient is NaN or infinite in the dry-run.

    ## What it does
    With `losscfg dry-run`, checks that the loss value and every gradient of the random batch
    are finite.

    ## Why is this bad?
    A NaN loss poisons the weights on the first optimizer step; training continues and produces
    garbage. Typical causes: all class weights zero (LC206), a batch whose targets are all
    `ignore_index`, an infinite parameter.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      weight: [0.0, 0.0, 0.0]   # with --ignore LC206
    ```

    ## Fix
    Correct the parameter that makes the loss non-finite; the message says which value was
    NaN or infinite.
    """,
)
