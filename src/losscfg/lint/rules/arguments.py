"""The arguments of a loss named by its torch.nn class (SPEC §15), as the class's constructor
and its first batch take them: checks that LC102 and LC105 run on Hydra's sites (on the
framework's files the same rules word the schema's errors, in `catalogue.py`)."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.dialects.hydra import OWN_KEYS
from losscfg.dialects.site import LossSite
from losscfg.fix.remedies import RenameKey, SetValue, unsafe
from losscfg.lint.context import Context, Finding
from losscfg.load.values import closest, quoted, show, sole_close


def unknown_arguments(ctx: Context) -> Iterator[Finding]:
    """Keys of a site that its class's constructor does not take."""
    for site in ctx.sites:
        assert site.spec is not None
        taken = list(site.spec.parameters)
        for key in site.written:
            if not isinstance(key, str) or key in OWN_KEYS or key in taken:
                continue
            name = _class_name(site)
            suggestion = closest(key, taken)
            sole = sole_close(key, taken)
            fix = None
            if sole is not None and sole not in site.written:
                fix = unsafe(f"rename {key} to {sole}", RenameKey(site.at(key), sole))
            yield Finding(
                site.at(key),
                f"unknown argument {quoted(key)} for {site.torch_class}: instantiate fails with "
                f"\"TypeError: {name}.__init__() got an unexpected keyword argument '{key}'\"",
                f"did you mean {suggestion!r}?"
                if suggestion
                else f"remove {key!r}; {name} takes: {', '.join(taken)}",
                at_key=True,
                fix=fix,
            )


def invalid_choices(ctx: Context) -> Iterator[Finding]:
    """Arguments of a site outside their fixed choices (`reduction`, MultiMarginLoss's `p`)."""
    for site in ctx.sites:
        assert site.spec is not None
        for argument in sorted(site.arguments):
            choices = (
                site.spec.parameters[argument].schema.get("enum")
                if argument in site.spec.parameters
                else None
            )
            value = site.written[argument]
            if choices is None or _matches(value, choices) or _interpolated(value):
                continue
            words = [str(choice) for choice in choices]
            sole = sole_close(value, words) if isinstance(value, str) else None
            suggestion = closest(value, words) if isinstance(value, str) else None
            yield Finding(
                site.at(argument),
                f"{argument} is {show(value)}; expected one of: {', '.join(words)}: "
                f"{_class_name(site)} refuses it when it is built or first runs",
                f"did you mean {suggestion!r}?"
                if suggestion
                else f"write one of: {', '.join(words)}",
                fix=unsafe(
                    f"write {sole}", SetValue(site.at(argument), sole, sole, keep_quotes=True)
                )
                if sole is not None
                else None,
            )


def _matches(value: object, choices: list[object]) -> bool:
    return any(value == choice and type(value) is type(choice) for choice in choices)


def _interpolated(value: object) -> bool:
    """`${…}` or `???`: resolved or given when the job starts (LC113 is to come)."""
    return isinstance(value, str) and (value.startswith("${") or value == "???")


def _class_name(site: LossSite) -> str:
    return (site.torch_class or "").rsplit(".", 1)[-1]
