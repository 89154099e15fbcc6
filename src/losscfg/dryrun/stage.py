"""The dry-run as a stage of the pipeline: a function from a checked config to its run.

Targets as the trainer feeds them (SPEC §8): on a built-in single-label dataset the trainer
gives every loss raw logits and int64 class labels, and so does the dry-run; on any other
dataset it feeds the targets natural to the loss. `DryRunOptions.targets` overrides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from losscfg.diagnostics import DryRunFailure, DryRunOptions, DryRunResult
from losscfg.dialects.names import HYDRA, LIGHTNING
from losscfg.dryrun.devices import require_torch, resolve_device
from losscfg.lint.context import Context

if TYPE_CHECKING:
    from losscfg.dryrun.run import RunSettings
from losscfg.workspace.pipeline import DryRunStage

#: The most values the logits (batch x classes) may hold: 10M float32 is 40 MB, and the dry-run
#: makes a few tensors of that size. A class count beyond it is a mistake, or no dry-run's job.
MAX_VALUES = 10_000_000


def stage(options: DryRunOptions) -> DryRunStage:
    """The dry-run on `options.device`; raises DeviceError or TorchMissing (usage errors)."""
    device = resolve_device(options.device)
    torch = require_torch()
    from losscfg.dryrun.run import DEFAULT_CLASSES, LABELS, NATURAL, RunSettings, dry_run

    settings = RunSettings(
        device=device,
        batch_size=options.batch_size,
        steps=options.steps,
        amp=options.amp,
        seed=options.seed,
    )

    def run(context: Context) -> DryRunResult:
        if context.dialect in (HYDRA, LIGHTNING):
            return _sites(context, settings)
        loss = context.loss_spec
        assert loss is not None, "a config with no error has a known loss"
        classes = _class_count(context) or DEFAULT_CLASSES
        if classes * settings.batch_size > MAX_VALUES:
            return DryRunResult(
                loss.name,
                str(device),
                classes,
                failure=DryRunFailure(
                    False,
                    f"not run: the logits of {settings.batch_size} x {classes:,} classes would "
                    f"hold {settings.batch_size * classes:,} values, over the dry-run's limit of "
                    f"{MAX_VALUES:,}",
                    refused=True,
                ),
            )
        targets = options.targets
        if targets not in (LABELS, NATURAL):
            builtin = context.dataset_name in context.catalogue.dataset_classes
            targets = LABELS if builtin else NATURAL
        return dry_run(
            context.loss,
            settings,
            loss=loss,
            catalogue=context.catalogue,
            num_classes=classes,
            amp_enabled=context.amp_enabled,
            targets=targets,
        )

    return DryRunStage(options, run, torch.__version__)


def _sites(context: Context, settings: RunSettings) -> DryRunResult:
    from losscfg.dryrun.builders import missing
    from losscfg.dryrun.sites import run_sites

    for dialect in sorted({site.dialect for site in context.sites}):
        lacking = missing(dialect)
        if lacking is not None:
            why, extra = lacking
            failure = DryRunFailure(False, f"not run: {why}: {extra}", refused=True, install=extra)
            return DryRunResult("", str(settings.device), 0, failure=failure)
    return run_sites(context, settings)


def _class_count(context: Context) -> int | None:
    """The class count, else the one that `weight` (or a `pos_weight` of several entries)
    implies: an unknown dataset's own count is what the trainer uses, and those lists were
    written for it (LC203 says their length went unchecked)."""
    if context.class_count is not None:
        return context.class_count.value
    for name in ("weight", "pos_weight"):
        value = context.parameter(name)
        if isinstance(value, list) and len(value) > 1:
            return len(value)
    return None
