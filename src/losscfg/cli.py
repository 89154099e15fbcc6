"""The `losscfg` command: options and output only; the work is done elsewhere.

Start-up time matters (SPEC §12): only typer and the light modules are imported here; the
checker (jsonschema), rich and torch are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from losscfg import __version__
from losscfg.report.terminal import use_color, write_lines
from losscfg.workspace.settings import MAX_CLASSES

if TYPE_CHECKING:
    from losscfg.diagnostics import DryRunOptions, FixMode, Outcome, Policy
    from losscfg.report.text import FixDisplay
    from losscfg.workspace.paths import Collected
    from losscfg.workspace.pipeline import DryRunStage
    from losscfg.workspace.project import Project

app = typer.Typer(
    name="losscfg",
    help="Validate and lint the loss section of YAML training configs.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class DryRunFormat(StrEnum):
    text = "text"
    json = "json"


class Dialect(StrEnum):
    """SPEC §15 (losscfg.dialects.choice.DIALECTS, which a test holds this to)."""

    auto = "auto"
    fat = "fat"
    hydra = "hydra"
    lightning = "lightning"


DialectOption = Annotated[
    Optional[Dialect],  # noqa: UP045
    typer.Option(
        "--dialect",
        help="How the files configure their loss: the framework's loss.name (fat), Hydra's "
        "_target_ (hydra), LightningCLI's class_path (lightning); auto (the default, or the "
        "dialect setting): by the keys of each file.",
    ),
]


class Targets(StrEnum):
    auto = "auto"
    labels = "labels"
    natural = "natural"


TargetsOption = Annotated[
    Targets,
    typer.Option(
        "--targets",
        case_sensitive=False,
        help="What the dry-run feeds the loss: labels (the trainer's raw logits and int64 "
        "class labels), natural (the loss's own input and targets), or auto: labels on a "
        "built-in dataset, else natural.",
    ),
]


class Amp(StrEnum):
    auto = "auto"
    on = "on"
    off = "off"


def usage_error(message: str) -> NoReturn:
    """A mistake in how losscfg was called: one line on stderr, exit code 2."""
    usage_error_line(message)
    raise typer.Exit(2)


def usage_error_line(message: str) -> None:
    from losscfg.load.escaping import printable

    typer.echo(f"losscfg: error: {printable(message)}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"losscfg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Validate and lint the loss section of YAML training configs (see `losscfg rules`)."""


PathsArgument = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional here
    typer.Argument(
        help="Config files, directories (searched for *.yaml, *.yml, *.json) or - for stdin.",
        show_default=False,
    ),
]
CheckPathsArgument = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Argument(
        help="Config files, directories (searched for training configs in *.yaml, *.yml, "
        "*.json) or - for stdin [default: .].",
        show_default=False,
    ),
]
SelectOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--select", help="Rules to run: codes, prefixes (LC2) or names, comma-separated."),
]
IgnoreOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--ignore", help="Rules to skip: codes, prefixes or names, comma-separated."),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR works too).")]
ExcludeOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--exclude",
        help="Skip what these gitignore-style patterns match in a search (relative to the "
        "working directory; added to the exclude settings), comma-separated.",
    ),
]
ForceExcludeOption = Annotated[
    bool,
    typer.Option(
        "--force-exclude",
        help="Filter files named on the command line as a search filters what it finds: "
        "only training configs, and nothing excluded (the pre-commit hooks use it).",
    ),
]
ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--config", help="Settings file (default: the nearest pyproject.toml)."),
]
NumClassesOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--num-classes",
        min=1,
        max=MAX_CLASSES,
        help="Class count of every config (wins over model and dataset).",
    ),
]


@app.command()
def check(
    paths: CheckPathsArgument = None,
    num_classes: NumClassesOption = None,
    output_format: Annotated[
        Optional[Format],  # noqa: UP045
        typer.Option(
            "--format",
            case_sensitive=False,
            help="Report format [default: text; github when GITHUB_ACTIONS=true].",
            show_default=False,
        ),
    ] = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    strict: Annotated[
        Optional[bool],  # noqa: UP045
        typer.Option(
            "--strict/--no-strict",
            help="Warnings fail too [default: the strict setting, else off].",
            show_default=False,
        ),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when diagnostics fail the run.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Show infos too, and list what a search skipped."),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Only the summary: its line (text, github) or object (json); not with sarif.",
        ),
    ] = False,
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write the report to this file instead of stdout (- is stdout)."
        ),
    ] = None,
    no_color: NoColorOption = False,
    config: ConfigOption = None,
    exclude: ExcludeOption = None,
    force_exclude: ForceExcludeOption = False,
    dialect: DialectOption = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply the safe fixes in place (see `losscfg rules`).")
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes", help="Offer and apply the unsafe fixes too (they change training)."
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Print the fixes as a unified diff and write nothing (exit 1 if any)."
        ),
    ] = False,
    show_fixes: Annotated[
        bool, typer.Option("--show-fixes", help="List what --fix fixed.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Also run the loss with torch (files without errors).")
    ] = False,
    device: Annotated[str, typer.Option("--device", help="Device of --dry-run.")] = "cpu",
    targets: TargetsOption = Targets.auto,
) -> None:
    """Check configs: schema, class counts, AMP and the traps of PyYAML and torch."""
    paths = paths or ["."]
    fmt = output_format or (
        Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text
    )
    if quiet and fmt is Format.sarif:
        usage_error("--quiet cannot shorten a SARIF log; leave out -q, or use --format json -q")
    mode = _fix_mode(
        fix=fix,
        diff=diff,
        unsafe=unsafe_fixes,
        paths=paths,
        output=output,
        fmt=output_format.value if output_format else None,
    )
    project = _project(
        config,
        select=select,
        ignore=ignore,
        num_classes=num_classes,
        strict=strict,
        exclude=exclude,
        force_exclude=force_exclude,
        fix=mode,
        dialect=dialect.value if dialect is not None else None,
    )
    _libyaml_notice()
    collected = _refuse_unsafe_output(output, paths, project)
    stage = (
        _dry_run_stage(_dry_run_options(device=device, targets=targets.value)) if dry_run else None
    )

    from losscfg.diagnostics import Policy

    fixing_stdin = mode is not None and mode.write and "-" in paths
    given = _read_stdin() if fixing_stdin else None
    outcome = _check_paths(paths, project, stage, stdin=given, collected=collected)
    if not outcome.reports:
        _no_config_warning(outcome)
    if mode is not None and not mode.write:
        raise typer.Exit(_show_diff(outcome, Policy(exit_zero=exit_zero)))
    if given is not None:  # the (fixed) text owns standard output; the report goes aside
        fixed = _fixed_stdin(outcome)
        sys.stdout.buffer.write(fixed.encode("utf-8") if fixed is not None else given)
        sys.stdout.flush()
    with _open_output(output, stderr=given is not None) as stream:
        _write_report(
            fmt,
            outcome,
            stream,
            verbose=verbose,
            quiet=quiet,
            no_color=no_color,
            fixes=_fix_display(mode, unsafe_fixes, show_fixes),
        )
        if stage is not None and fmt is Format.text and not quiet:
            from losscfg.report.runs import render_table
            from losscfg.report.terminal import width

            stream.write("\n")
            lines = render_table(outcome, with_failures=False, width=width(stream))
            write_lines(lines, stream, color=use_color(stream, no_color))
    raise typer.Exit(_finish(outcome, Policy(exit_zero=exit_zero)))


def _fix_mode(
    *,
    fix: bool,
    diff: bool,
    unsafe: bool,
    paths: list[str],
    output: str | None = None,
    fmt: str | None = None,
) -> FixMode | None:
    from losscfg.diagnostics import FixMode

    if not (fix or diff):
        return None
    if diff and "-" in paths:
        usage_error("--diff shows the changes to files; with standard input use --fix")
    if diff and (output is not None or fmt not in (None, "text")):
        usage_error("--diff prints a unified diff: it takes no --output or --format")
    return FixMode(unsafe=unsafe, write=not diff)


def _fix_display(mode: FixMode | None, unsafe: bool, show_fixes: bool) -> FixDisplay:
    from losscfg.report.text import FixDisplay

    return FixDisplay(fixing=mode is not None, unsafe=unsafe, show_fixes=show_fixes)


def _fixed_stdin(outcome: Outcome) -> str | None:
    for report in outcome.reports:
        if report.fixes is not None and report.fixes.text is not None:
            return report.fixes.text
    return None


def _show_diff(outcome: Outcome, policy: Policy) -> int:
    """`--diff`, as ruff's: the changes as a unified diff on stdout, nothing written, only the
    fixes (what cannot be read is said on stderr). Exit 1 when a fix would change a file, 2
    when a path cannot be read, 3 for a bug, else 0."""
    from losscfg.report.text import diagnostics

    fixed = 0
    for report in outcome.reports:
        if report.fixes is not None and report.fixes.diff:
            sys.stdout.write(report.fixes.diff)
            fixed += len(report.fixes.fixed)
        if report.unreadable:
            write_lines(diagnostics(report), sys.stderr, color=use_color(sys.stderr, False))
    sys.stdout.flush()
    typer.echo(f"losscfg: would fix {fixed} {'problem' if fixed == 1 else 'problems'}", err=True)
    code = _finish(outcome, policy)  # 3 or 2 when they apply: the diagnostics count not here
    if code >= 2:
        return code
    return 1 if fixed and not policy.exit_zero else 0


def _read_stdin() -> bytes:
    from losscfg.load.reading import read_stdin

    return read_stdin()


def _check_paths(
    paths: list[str],
    project: Project,
    stage: DryRunStage | None,
    *,
    stdin: bytes | None = None,
    collected: Collected | None = None,
) -> Outcome:
    from losscfg.load.reading import read_stdin
    from losscfg.workspace.pipeline import check_paths
    from losscfg.workspace.settings import SettingsError

    try:
        return check_paths(
            paths,
            project,
            dry_run=stage,
            stdin=read_stdin if stdin is None else lambda: stdin,
            collected=collected,
        )
    except SettingsError as problem:  # a nested pyproject.toml that cannot be used
        usage_error(str(problem))


def _no_config_warning(outcome: Outcome) -> None:
    """As ruff does when it finds no Python file: a warning, and exit 0."""
    skipped = len(outcome.skipped)
    paths = "path" if skipped == 1 else "paths"
    detail = f" ({skipped} {paths} skipped: not configs, excluded or ignored)" if skipped else ""
    typer.echo(f"losscfg: warning: no training config found to check{detail}", err=True)


def _libyaml_notice() -> None:
    from losscfg.load.document import LIBYAML

    if not LIBYAML:
        typer.echo(
            "losscfg: notice: PyYAML was built without libyaml here; using its pure-Python "
            "parser, several times slower (reinstall PyYAML with libyaml for speed)",
            err=True,
        )


def _finish(outcome: Outcome, policy: Policy | None) -> int:
    """The exit code; a line on stderr for each file that met a bug in losscfg."""
    from losscfg.diagnostics import Policy
    from losscfg.report.bugs import per_file

    for line in per_file(outcome.reports, version=__version__):
        typer.echo(line, err=True)
    return outcome.exit_code(policy or Policy())


def _write_report(
    fmt: Format,
    outcome: Outcome,
    stream: IO[str],
    *,
    verbose: bool,
    quiet: bool,
    no_color: bool,
    fixes: FixDisplay | None = None,
) -> None:
    reports = outcome.reports
    if fmt is Format.json:
        from losscfg.report import json as json_report

        stream.write(json_report.render(reports, skipped=outcome.skipped, quiet=quiet))
    elif fmt is Format.sarif:
        from losscfg.lint.rules import default_registry
        from losscfg.report import sarif

        stream.write(sarif.render(reports, default_registry().by_code, version=__version__))
    elif fmt is Format.github and not quiet:
        from losscfg.report import github

        for command in github.render(reports, verbose=verbose):
            stream.write(command + "\n")
    elif reports or fmt is Format.text:
        from losscfg.report.text import TextOptions, render

        options = TextOptions(verbose=verbose, quiet=quiet or fmt is Format.github, fixes=fixes)
        lines = render(reports, options, skipped=outcome.skipped)
        write_lines(lines, stream, color=use_color(stream, no_color))


@contextmanager
def _open_output(path: str | None, *, stderr: bool = False) -> Iterator[IO[str]]:
    """stdout (stderr), or the --output file, written whole at the end (never half a report)."""
    from losscfg.workspace.output import OutputError, report_stream

    try:
        with report_stream(path, standard=sys.stderr if stderr else None) as stream:
            yield stream
    except OutputError as problem:
        usage_error(str(problem))


def _refuse_unsafe_output(
    output: str | None, paths: list[str], project: Project
) -> Collected | None:
    """Refuse an --output that would overwrite a config to check; what the search found, less
    the report file itself (a report a search found, such as report.json, is no config)."""
    if output is None:
        return None
    from losscfg.dialects.configs import is_config_file
    from losscfg.workspace.output import OutputError, refuse_unsafe, same_file
    from losscfg.workspace.settings import SettingsError

    try:
        collected = project.search().collect(paths)
        found = [t for t in collected.targets if t.only_if_config and same_file(output, t.path)]
        if found and not is_config_file(output):
            collected = collected._replace(targets=[t for t in collected.targets if t not in found])
        refuse_unsafe(output, paths, [target.path for target in collected.targets])
    except (OutputError, SettingsError) as problem:
        usage_error(str(problem))
    return collected


def _project(
    config: Path | None,
    *,
    select: list[str] | None,
    ignore: list[str] | None,
    num_classes: int | None,
    strict: bool | None = None,
    exclude: list[str] | None = None,
    force_exclude: bool = False,
    fix: FixMode | None = None,
    dialect: str | None = None,
) -> Project:
    """How each file is checked: its settings, under the command line's options."""
    from losscfg.workspace.project import Overrides, Project
    from losscfg.workspace.settings import SettingsError

    if select is not None and not _split(select):
        usage_error(
            "--select is empty, which would turn every rule off: name at least one rule "
            "(a code, a prefix such as LC2, a name, or ALL)"
        )
    overrides = Overrides(
        select=_split(select),
        ignore=_split(ignore) or [],
        num_classes=num_classes,
        strict=strict,
        exclude=_split(exclude) or [],
        force_exclude=force_exclude,
        fix=fix,
        dialect=dialect,
    )
    try:
        return Project(overrides, config=config)
    except SettingsError as problem:
        usage_error(str(problem))


def _split(values: list[str] | None) -> list[str] | None:
    """Comma-separated values, each option given any number of times."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _dry_run_options(**given: Any) -> DryRunOptions:
    from losscfg.diagnostics import DryRunOptions

    return DryRunOptions(**given)


def _dry_run_stage(options: DryRunOptions) -> DryRunStage:
    from losscfg.dryrun.devices import DeviceError, TorchMissing

    try:
        from losscfg.dryrun.stage import stage

        return stage(options)
    except (DeviceError, TorchMissing) as problem:
        usage_error(str(problem))


def _require_builders(outcome: Any) -> None:
    """Exit 2 when a file's builder (hydra-core) is not installed, naming the install line."""
    for report in outcome.reports:
        failure = report.dry_run.failure if report.dry_run else None
        if failure is not None and failure.install is not None:
            usage_error(f"{report.path}: {failure.message.removeprefix('not run: ')}")


@app.command("dry-run")
def dry_run_command(
    paths: PathsArgument = None,
    device: Annotated[str, typer.Option("--device", help="cpu, cuda, cuda:N or mps.")] = "cpu",
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=65_536, help="Batch size N.")
    ] = 8,
    steps: Annotated[
        int, typer.Option("--steps", min=1, max=1_000, help="Forward and backward passes.")
    ] = 3,
    num_classes: NumClassesOption = None,
    amp: Annotated[
        Amp, typer.Option("--amp", case_sensitive=False, help="auto: as the config says.")
    ] = Amp.auto,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Random seed.")] = 0,
    targets: TargetsOption = Targets.auto,
    output_format: Annotated[
        DryRunFormat, typer.Option("--format", case_sensitive=False, help="Report format.")
    ] = DryRunFormat.text,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    no_color: NoColorOption = False,
    config: ConfigOption = None,
) -> None:
    """Build each config's loss with torch and run forward and backward on random tensors."""
    if not paths:
        usage_error("give at least one path: a config file, a directory, or - for stdin")
    project = _project(config, select=select, ignore=ignore, num_classes=num_classes)
    stage = _dry_run_stage(
        _dry_run_options(
            device=device,
            batch_size=batch_size,
            steps=steps,
            amp=amp.value,
            seed=seed,
            targets=targets.value,
        )
    )
    from losscfg.report import runs

    outcome = _check_paths(paths, project, stage)
    if not outcome.reports:
        _no_config_warning(outcome)
    _require_builders(outcome)
    if output_format is DryRunFormat.json:
        sys.stdout.write(runs.render_json(outcome))
    else:
        rerun = " ".join(
            ["losscfg check"]
            + ([f"--num-classes {num_classes}"] if num_classes is not None else [])
            + ([f"--config {config}"] if config is not None else [])
            + [f"--select {','.join(select)}" for _ in [0] if select]
            + [f"--ignore {','.join(ignore)}" for _ in [0] if ignore]
        )
        from losscfg.report.terminal import width

        lines = runs.render_table(outcome, rerun=rerun, width=width(sys.stdout))
        write_lines(lines, sys.stdout, color=use_color(sys.stdout, no_color))
    sys.stdout.flush()
    raise typer.Exit(_finish(outcome, None))


@app.command()
def schema(
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the schema to this file instead of stdout."),
    ] = None,
    draft: Annotated[
        str,
        typer.Option(
            "--draft",
            metavar="7|2020-12",
            help="The JSON Schema dialect: 7 (draft-07, which every yaml-language-server "
            "reads) or 2020-12.",
        ),
    ] = "7",
) -> None:
    """Print the JSON Schema of configs (for editors and other validators)."""
    from losscfg.catalogue.schema import DIALECTS, exported_text

    if draft not in DIALECTS:
        choices = ", ".join(repr(each) for each in DIALECTS)
        usage_error(
            f"invalid value for '--draft': {draft!r} is not one of {choices}; "
            "see `losscfg schema --help`"
        )
    with _open_output(output) as stream:
        stream.write(exported_text(draft))


@app.command()
def losses() -> None:
    """The loss catalogue, read from the schema: the framework's loss names (`loss.name`), then
    every torch.nn loss class with its constructor's arguments (Hydra's `_target_`,
    LightningCLI's `class_path`)."""
    from losscfg.catalogue.schema import default_schema
    from losscfg.report.tables import losses_table
    from losscfg.report.terminal import width

    schema, columns = default_schema(), width(sys.stdout)
    known = schema.catalogue
    color = use_color(sys.stdout, False)
    write_lines(
        [[("The framework's losses (loss.name):", "bold underline")], []], sys.stdout, color=color
    )
    write_lines(
        losses_table(list(known.losses.values()), known.default_loss, columns),
        sys.stdout,
        color=color,
    )
    heading = "torch.nn loss classes (_target_, class_path):"
    write_lines([[], [(heading, "bold underline")], []], sys.stdout, color=color)
    write_lines(losses_table(list(schema.classes().values()), "", columns), sys.stdout, color=color)


@app.command()
def rules() -> None:
    """Every rule: code, name, severity and what it checks."""
    from losscfg.lint.rules import all_rules
    from losscfg.report.tables import rules_table
    from losscfg.report.terminal import width

    lines = rules_table(all_rules(), width(sys.stdout))
    write_lines(lines, sys.stdout, color=use_color(sys.stdout, False))


@app.command()
def rule(
    code: Annotated[str, typer.Argument(help="A rule code (LC201) or name (weight-length).")],
) -> None:
    """Explain one rule: what it checks, why, an example and the fix."""
    from losscfg.lint.rules import find
    from losscfg.report.page import markdown_lines, rule_page
    from losscfg.report.terminal import width

    found = find(code)
    if found is None:
        usage_error(f"unknown rule {code!r}; `losscfg rules` lists them")
    page = rule_page(found)
    color = use_color(sys.stdout, False)
    if color or sys.stdout.isatty():  # laid out for the terminal; piped, the Markdown itself
        write_lines(markdown_lines(page, width(sys.stdout)), sys.stdout, color=color)
    else:
        typer.echo(page)


@app.command()
def server() -> None:
    """Run the language server over stdio, for editors (needs the lsp extra)."""
    try:
        from losscfg.server.protocol import serve
    except ImportError as missing:
        if (missing.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        usage_error(
            "losscfg server needs pygls and lsprotocol: install losscfg with its lsp extra "
            "(in a clone of losscfg: pip install '.[lsp]')"
        )
    serve()


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so that cleanups run as for Ctrl-C (a
    BaseException, as KeyboardInterrupt: no `except Exception` takes it for a bug)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.code = 128 + number


def _terminated(number: int, frame: object) -> None:
    raise _Terminated(number)


def _end_at_once(number: int, frame: object) -> None:
    import signal

    if number == signal.SIGINT:
        _stop_now("losscfg: interrupted", 130)
    _stop_now("losscfg: terminated", 128 + number)


def _stop_now(message: str, code: int) -> NoReturn:
    """Leave at once after an interruption, the cleanups done: `os._exit` does not wait at
    exit for worker processes to finish their files (they die with this process)."""
    typer.echo(message, err=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main() -> None:
    """The console script: exit codes of SPEC §5, and no traceback for anything but a bug."""
    import signal

    # SIGTERM ends the run as SIGINT does: a report being written is left as it was.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = app(prog_name="losscfg", standalone_mode=False)
    except _USAGE_ERROR as problem:
        code = _usage_problem(problem)
    except SystemExit:
        raise
    except (KeyboardInterrupt, typer.Abort):
        _stop_now("losscfg: interrupted", 130)
    except _Terminated as terminated:
        _stop_now("losscfg: terminated", terminated.code)
    except Exception as bug:  # the last line of defence: a bug, reported in one line
        if os.environ.get("LOSSCFG_TRACEBACK"):
            raise
        from losscfg.report.bugs import whole_run

        typer.echo(whole_run(bug, version=__version__), err=True)
        sys.exit(3)
    finally:
        # Past this point an exception from a handler would be raised inside the
        # interpreter's exit hooks, which print and ignore it and wait on.
        signal.signal(signal.SIGTERM, _end_at_once)
        signal.signal(signal.SIGINT, _end_at_once)
    if code == 130:  # typer turns Ctrl-C in a command into exit code 130
        _stop_now("losscfg: interrupted", 130)
    sys.exit(code if isinstance(code, int) else 0)


#: click's UsageError (typer may ship its own click): an unknown option, a bad value.
_USAGE_ERROR: type[Exception] = next(
    kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError"
)


def _usage_problem(problem: Any) -> int:
    """A usage error that click found (an unknown option, a bad value), in losscfg's voice."""
    if type(problem).__name__ == "NoArgsIsHelpError":  # `losscfg` alone: the help, as click
        problem.show()
        return int(problem.exit_code)
    message = problem.format_message()
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    command = problem.ctx.command_path if problem.ctx is not None else "losscfg"
    usage_error_line(f"{message.rstrip('.')}; see `{command} --help`")
    return 2
