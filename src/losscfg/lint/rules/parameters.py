"""Rules about parameter values that are valid but defeat their purpose."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.diagnostics import Severity
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule
from losscfg.lint.rules.weights import numbers


@rule("LC208", "full-label-smoothing", Severity.WARNING, dialects=(FAT, HYDRA, LIGHTNING))
def full_label_smoothing(ctx: Context) -> Iterator[Finding]:
    """`label_smoothing: 1.0` makes every target uniform: nothing is learned.

    ## What it does
    Reports cross_entropy's `label_smoothing` set to its maximum, 1.

    ## Why is this bad?
    Label smoothing mixes each one-hot target with the uniform distribution; at 1.0 the target
    is the uniform distribution for every sample, whatever its label. The loss is minimised by
    predicting nothing, and accuracy stays at chance. Usual values are 0.05 to 0.2.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 1.0
    ```

    ## Fix
    Use a small share:
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1
    ```
    """
    for site in ctx.sites:
        value = site.value("label_smoothing")
        if numbers([value]) is not None and value == 1:
            yield Finding(
                site.at("label_smoothing"),
                f"label_smoothing {value} makes every target uniform: the model learns nothing",
                hint="use a small share such as 0.1",
            )


@rule("LC209", "beta-zero", Severity.INFO)
def beta_zero(ctx: Context) -> Iterator[Finding]:
    """smooth_l1 with `beta: 0` is exactly `l1`.

    ## What it does
    Notes a smooth_l1 loss whose `beta`, where the loss turns from quadratic to linear, is 0
    (a parameter the schema marks `x-zero-is`).

    ## Why is this bad?
    torch dispatches `smooth_l1_loss` with `beta == 0` to `l1_loss`: the config says one loss
    and trains another, which surprises whoever reads it next.

    ## Example
    ```yaml
    loss:
      name: smooth_l1
      beta: 0
    ```

    ## Fix
    Say what trains:
    ```yaml
    loss:
      name: l1
    ```
    """
    for site in ctx.sites:
        spec = site.spec
        if spec is None:
            continue
        for name, parameter in spec.parameters.items():
            value = site.value(name)
            twin = parameter.zero_is
            if twin is not None and numbers([value]) is not None and value == 0:
                yield Finding(
                    site.at(name),
                    f"{name} 0 makes {spec.name} exactly {twin} (torch calls {twin}_loss)",
                    hint=f"write name: {twin} and drop {name}",
                )
