"""Rules about the loss against what the trainer feeds it: logits (N, C), class labels (N,)."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.catalogue.schema import CLASS_INDICES, LOG_PROBABILITIES
from losscfg.diagnostics import Severity
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule


@rule("LC210", "loss-task-mismatch", Severity.ERROR, run_instead=True)
def loss_task_mismatch(ctx: Context) -> Iterator[Finding]:
    """A regression or multi-label loss on a single-label classification dataset.

    ## What it does
    Reports a loss whose target is not class indices (`x-target` in the schema: `mse`, `l1`,
    `smooth_l1`, `bce`, `bce_with_logits`, `kl_div`) when `dataset.name` is one of the built-in
    single-label classification datasets (cifar10, cifar100, mnist, fashion_mnist, imagenet).
    Datasets the built-in table does not know (custom or multi-label ones) never trigger it.

    ## Why is this bad?
    The trainer feeds every loss raw logits of shape (N, C) and int64 class labels of shape
    (N,). These losses need a target of the input's shape, and all six fail on the first batch
    (measured with torch 2.13): mse, l1 and smooth_l1 with `The size of tensor a (10) must
    match the size of tensor b (8) at non-singleton dimension 1`, bce with `Using a target size
    (torch.Size([8])) that is different to the input size`, bce_with_logits with `Target size
    (torch.Size([8])) must be the same as input size (torch.Size([8, 10]))`, kl_div with
    `kl_div: Integral inputs not supported`. When the batch size equals the class count, the
    regression losses broadcast silently and train on nonsense instead.

    With `losscfg dry-run` (or `check --dry-run`), this rule gives way to the run itself: the
    dry-run feeds the trainer's labels to the loss, and LC501 reports torch's own error; with
    `--targets natural` (a trainer of your own that feeds such targets) the run passes.

    ## Example
    ```yaml
    dataset:
      name: cifar10
    loss:
      name: bce_with_logits
    ```

    ## Fix
    Use a classification loss, `cross_entropy` (or `sqr_hinge` for quantised networks):
    ```yaml
    loss:
      name: cross_entropy
    ```
    """
    loss, name, dataset = ctx.loss_spec, ctx.loss_name, ctx.dataset_name
    if loss is None or loss.target == CLASS_INDICES or dataset is None:
        return
    if dataset.lower() in ctx.catalogue.dataset_classes:
        yield Finding(
            ("loss", "name"),
            f"{name} needs targets shaped like the logits, but {dataset} is single-label "
            "classification: the trainer feeds logits (N, C) and class labels (N,), which fails "
            "on the first batch or broadcasts silently",
            hint="use cross_entropy (or sqr_hinge for quantised networks)",
        )


@rule("LC211", "nll-needs-log-probs", Severity.INFO)
def nll_needs_log_probs(ctx: Context) -> Iterator[Finding]:
    """`nll` expects log-probabilities; the trainer's models end in logits.

    ## What it does
    Notes every config whose loss takes log-probabilities as its input (`x-input` in the
    schema), as `nll` does.

    ## Why is this bad?
    `NLLLoss` takes log-probabilities (a `log_softmax` output) and never checks it: on raw
    logits it is unbounded below, the loss goes negative and the model learns to inflate one
    logit. The trainer's models end in raw logits.

    ## Example
    ```yaml
    loss:
      name: nll
    ```

    ## Fix
    Use `cross_entropy`, which is `log_softmax` followed by `nll`, or make sure the model ends
    in `log_softmax`.
    """
    loss = ctx.loss_spec
    if loss is not None and loss.input == LOG_PROBABILITIES and loss.target == CLASS_INDICES:
        yield Finding(
            ("loss", "name"),
            f"{loss.name} expects log-probabilities, but the trainer's models end in raw logits: "
            "on logits the loss is unbounded",
            hint="use cross_entropy (log_softmax and nll in one), or end the model in log_softmax",
        )
