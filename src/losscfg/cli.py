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
from typing import IO, TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from losscfg import __version__
from losscfg.terminal import use_color, write_lines

if TYPE_CHECKING:
    from collections.abc import Iterable

    from losscfg.check import FileReport, Options
    from losscfg.selection import Selection
    from losscfg.settings import Settings

BUG_REPORTS = "https://github.com/losscfg/losscfg/issues"

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


class Amp(StrEnum):
    auto = "auto"
    on = "on"
    off = "off"


def usage_error(message: str) -> NoReturn:
    """A mistake in how losscfg was called: one line on stderr, exit code 2."""
    typer.echo(f"losscfg: error: {message}", err=True)
    raise typer.Exit(2)


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
SelectOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--select", help="Rules to run: codes, prefixes (LC2) or names, comma-separated."),
]
IgnoreOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--ignore", help="Rules to skip: codes, prefixes or names, comma-separated."),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR works too).")]
ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--config", help="Settings file (default: the nearest pyproject.toml)."),
]
NumClassesOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--num-classes", min=1, help="Class count of every config (wins over model and dataset)."
    ),
]


@app.command()
def check(
    paths: PathsArgument = None,
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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show infos too.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the summary line.")
    ] = False,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the report to this file instead of stdout."),
    ] = None,
    no_color: NoColorOption = False,
    config: ConfigOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Also run the loss with torch (files without errors).")
    ] = False,
    device: Annotated[str, typer.Option("--device", help="Device of --dry-run.")] = "cpu",
) -> None:
    """Check configs: schema, class counts, AMP and the traps of PyYAML and torch."""
    if not paths:
        usage_error("give at least one path: a config file, a directory, or - for stdin")
    settings = _settings(config)
    selection = _selection(settings, select, ignore)
    options = _options(settings, num_classes, selection)
    strict = settings.strict if strict is None else strict
    fmt = output_format or (
        Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text
    )

    from losscfg.paths import expand

    _libyaml_notice()
    files, unsearchable = expand(paths)
    if output is not None and any(_same_file(output, f) for f in files):
        usage_error(
            f"--output {output} is one of the files to check; losscfg never overwrites them"
        )
    if dry_run:
        _check_device(device)

    from losscfg.check import read_stdin
    from losscfg.runner import check_all

    stdin = read_stdin() if "-" in files else None
    reports: list[FileReport] = []

    def collected() -> Iterable[FileReport]:
        for report in check_all(files, options, unsearchable, stdin=stdin):
            reports.append(report)
            yield report

    checked: Iterable[FileReport] = collected()
    rows = []
    if dry_run:  # the dry-run's LC501/LC502 join the report, in every format
        from losscfg.dryrun.command import DryRunSettings, run_rows

        checked = list(checked)
        runnable = [
            path for path, r in zip(files, reports[len(unsearchable) :], strict=True) if r.runnable
        ]
        rows = run_rows(runnable, options, DryRunSettings(device=device), stdin=stdin)
        ran = {row.report.path: row.report for row in rows}
        checked = reports[:] = [ran.get(r.path, r) for r in checked]
    with _open_output(output) as stream:
        _write_report(fmt, checked, stream, verbose=verbose, quiet=quiet, no_color=no_color)
        if rows and fmt is Format.text and not quiet:
            from losscfg.dryrun.command import write_table

            stream.write("\n")
            write_table(
                rows, DryRunSettings(device=device), stream, color=use_color(stream, no_color)
            )
    raise typer.Exit(_exit_code(reports, strict=strict, exit_zero=exit_zero))


def _libyaml_notice() -> None:
    from losscfg.document import LIBYAML

    if not LIBYAML:
        typer.echo(
            "losscfg: notice: PyYAML was built without libyaml here; using its pure-Python "
            "parser, several times slower (reinstall PyYAML with libyaml for speed)",
            err=True,
        )


def _report_bugs(reports: list[FileReport]) -> None:
    """One line on stderr per file that met a bug in losscfg."""
    for report in reports:
        if report.internal_error is not None:
            typer.echo(
                f"losscfg: internal error while checking {report.path}: {report.internal_error}. "
                f"This is a bug in losscfg {__version__}: please report it at {BUG_REPORTS} "
                "with this line and the file.",
                err=True,
            )


def _exit_code(reports: list[FileReport], *, strict: bool, exit_zero: bool) -> int:
    from losscfg.diagnostics import Severity

    _report_bugs(reports)
    if any(r.internal_error is not None for r in reports):
        return 3
    if any(r.unreadable for r in reports):
        return 2
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if not exit_zero and any(d.severity in failing for r in reports for d in r.diagnostics):
        return 1
    return 0


def _write_report(
    fmt: Format,
    reports: Iterable[FileReport],
    stream: IO[str],
    *,
    verbose: bool,
    quiet: bool,
    no_color: bool,
) -> None:
    if fmt is Format.json:
        from losscfg.report import json as json_report

        stream.write(json_report.render(list(reports)))
    elif fmt is Format.sarif:
        from losscfg.report import sarif

        stream.write(sarif.render(list(reports)))
    elif fmt is Format.github:
        from losscfg.report import github

        for command in github.render(reports, verbose=verbose):
            stream.write(command + "\n")
    else:
        from losscfg.report.text import TextOptions, render

        lines = render(reports, TextOptions(verbose=verbose, quiet=quiet))
        write_lines(lines, stream, color=use_color(stream, no_color))


@contextmanager
def _open_output(path: Path | None) -> Iterator[IO[str]]:
    """stdout, or the --output file (opened only once the checks can start)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        stream = path.open("w", encoding="utf-8")
    except OSError as problem:
        usage_error(f"cannot write --output {path}: {problem.strerror}")
    with stream:
        yield stream


def _same_file(output: Path, checked: str) -> bool:
    try:
        return checked != "-" and output.exists() and output.samefile(checked)
    except OSError:
        return False


def _settings(config: Path | None) -> Settings:
    from losscfg.settings import SettingsError, discover, from_file

    try:
        return from_file(config) if config is not None else discover()
    except SettingsError as problem:
        usage_error(str(problem))


def _selection(settings: Settings, select: list[str] | None, ignore: list[str] | None) -> Selection:
    from losscfg.registry import UnknownSelector
    from losscfg.selection import Selection

    def split(values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        return [part.strip() for value in values for part in value.split(",") if part.strip()]

    try:
        return Selection.from_layers(
            [(settings.select, settings.ignore), (split(select), split(ignore) or [])]
        )
    except UnknownSelector as unknown:
        where = f" (in {settings.source})" if settings.source else ""
        usage_error(f"unknown rule {str(unknown)!r}{where}; `losscfg rules` lists them")


def _options(settings: Settings, num_classes: int | None, selection: Selection) -> Options:
    from losscfg.check import Options

    count: int | None = num_classes
    origin = f"--num-classes {num_classes}"
    if num_classes is None:
        count, origin = (
            settings.num_classes,
            f"num-classes = {settings.num_classes} in {settings.source}",
        )
    return Options(
        num_classes=count,
        num_classes_origin=origin,
        datasets=settings.datasets,
        selection=selection,
    )


def _check_device(device: str) -> None:
    from losscfg.dryrun.devices import DeviceError, TorchMissing, resolve_device

    try:
        resolve_device(device)
    except (DeviceError, TorchMissing) as problem:
        usage_error(str(problem))


@app.command("dry-run")
def dry_run_command(
    paths: PathsArgument = None,
    device: Annotated[str, typer.Option("--device", help="cpu, cuda, cuda:N or mps.")] = "cpu",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Batch size N.")] = 8,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Forward and backward passes.")] = 3,
    num_classes: NumClassesOption = None,
    amp: Annotated[
        Amp, typer.Option("--amp", case_sensitive=False, help="auto: as the config says.")
    ] = Amp.auto,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
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
    settings = _settings(config)
    options = _options(settings, num_classes, _selection(settings, select, ignore))
    _check_device(device)
    from losscfg.dryrun.command import DryRunSettings, dry_run_paths, exit_code

    rows = dry_run_paths(
        paths,
        options,
        DryRunSettings(device=device, batch_size=batch_size, steps=steps, amp=amp.value, seed=seed),
        output_format=output_format.value,
        color=use_color(sys.stdout, no_color),
    )
    _report_bugs([row.report for row in rows])
    raise typer.Exit(exit_code(rows))


@app.command()
def schema(
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the schema to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the JSON Schema of configs (for editors and other validators)."""
    from losscfg.schema import schema_text

    with _open_output(output) as stream:
        stream.write(schema_text())


@app.command()
def losses() -> None:
    """The loss catalogue: names, torch classes and parameters, read from the schema."""
    from losscfg.catalogue_table import losses_table

    write_lines(losses_table(), sys.stdout, color=use_color(sys.stdout, False))


@app.command()
def rules() -> None:
    """Every rule: code, name, severity and what it checks."""
    from losscfg.catalogue_table import rules_table

    write_lines(rules_table(), sys.stdout, color=use_color(sys.stdout, False))


@app.command()
def rule(
    code: Annotated[str, typer.Argument(help="A rule code (LC201) or name (weight-length).")],
) -> None:
    """Explain one rule: what it checks, why, an example and the fix."""
    from losscfg.registry import find

    found = find(code)
    if found is None:
        usage_error(f"unknown rule {code!r}; `losscfg rules` lists them")
    typer.echo(f"# {found.name} ({found.code})\n\nDefault severity: {found.severity}\n")
    typer.echo(found.doc)


def main() -> None:
    """The console script: exit codes of SPEC §5, and no traceback for anything but a bug."""
    try:
        app(prog_name="losscfg")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("losscfg: interrupted", err=True)
        sys.exit(130)
    except Exception as bug:  # the last line of defence: a bug, reported in one line
        if os.environ.get("LOSSCFG_TRACEBACK"):
            raise
        typer.echo(
            f"losscfg: internal error: {type(bug).__name__}: {bug}. This is a bug in losscfg "
            f"{__version__}: please report it at {BUG_REPORTS} with the command you ran "
            "(set LOSSCFG_TRACEBACK=1 to see the traceback).",
            err=True,
        )
        sys.exit(3)
