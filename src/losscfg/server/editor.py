"""What the language server knows, without the protocol: lint a document as `losscfg check`
would, and answer hover, completion and "disable on this line" from the schema and the rules.

Positions here are 0-based lines and columns in code points of the text without its
byte-order mark, as losscfg's loader counts them; `losscfg.server.protocol` converts them to
the client's units.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from losscfg.catalogue.schema import TORCH_NN, Loss, Parameter, catalogue, default_schema
from losscfg.diagnostics import Diagnostic, FileReport, FixMode
from losscfg.dialects.hydra import TARGET
from losscfg.dialects.lightning import CLASS_PATH
from losscfg.fix.edits import Lines
from losscfg.lint.check import Options, check_source
from losscfg.lint.rules import default_registry, find
from losscfg.load.document import Document, load
from losscfg.load.values import show
from losscfg.server import sites as torch_sites
from losscfg.server.pages import class_page, loss_page, parameter_page
from losscfg.server.places import Place, key_above, place_at
from losscfg.workspace.fixing import fix_text
from losscfg.workspace.project import Project
from losscfg.workspace.settings import SettingsError


class Lint(NamedTuple):
    """A document checked: its report (None when it is no training config), and a settings
    problem to show the user, if any."""

    report: FileReport | None
    settings_problem: str | None = None


def lint(text: str, path: str) -> Lint:
    """The document's diagnostics as `losscfg check --format json` gives them for that file
    (its own settings, found from its folder); None when it is no training config."""
    options, problem = options_for(path)
    report = check_source(text, path, options, only_if_config=True)
    return Lint(None if report.skipped is not None else report, problem)


def fix_all(text: str, path: str, *, unsafe: bool = False) -> str:
    """The text `losscfg check --fix` (with `unsafe`: `--unsafe-fixes`) writes for it."""
    return fix_text(text, path, options_for(path)[0], FixMode(unsafe=unsafe))[0]


def options_for(path: str) -> tuple[Options, str | None]:
    """The options the CLI would check the file with: the nearest [tool.losscfg] above it.
    Settings that cannot be used give the defaults, and the reason to show the user."""
    project = Project()
    try:
        return project.options_for(project.settings_for(Path(path).absolute().parent)), None
    except SettingsError as problem:
        return Options(), str(problem)


# --- hover ---------------------------------------------------------------------------------


def hover(text: str, line: int, column: int, report: FileReport | None) -> str | None:
    """Markdown for the thing under the cursor: a loss name, a loss parameter, a Hydra site's
    class or argument, a code in a suppression comment; and the pages of the rules whose
    diagnostics are there."""
    parts = []
    code = _suppressed_code_at(text, line, column)
    if code is not None:
        parts.append(rule_page(code))
    else:
        document = load(text)
        place = place_at(document, line, column) if document.ok else None
        if place is not None and torch_sites.names_torch_classes(document, report):
            parts.extend(torch_sites.hover_pages(place, torch_sites.sites(document)))
        elif place is not None:
            parts.extend(_hover_place(place, document))
    if report is not None:
        for d in report.diagnostics:
            if _diagnostic_holds(d, line, column):
                parts.append(rule_page(d.code, brief=True))
    return "\n\n---\n\n".join(part for part in parts if part) or None


def rule_page(code: str, *, brief: bool = False) -> str:
    rule = find(code)
    if rule is None:
        return ""
    if brief:
        return f"**{rule.code}** `{rule.name}` ({rule.severity}): {rule.summary} "
    return f"# {rule.name} ({rule.code})\n\nDefault severity: {rule.severity}\n\n{rule.doc}"


def _diagnostic_holds(d: Diagnostic, line: int, column: int) -> bool:
    if d.line is None or d.column is None or d.end_line is None or d.end_column is None:
        return False
    return (d.line - 1, d.column - 1) <= (line, column) <= (d.end_line - 1, d.end_column - 1)


def _hover_place(place: Place, document: Document) -> Iterator[str]:
    known = catalogue()
    data = document.data if isinstance(document.data, dict) else {}
    loss_section: dict[Any, Any] = data["loss"] if isinstance(data.get("loss"), dict) else {}
    path = place.path
    if path == ("loss", "name"):
        name = loss_section.get("name")
        canonical = known.canonical_name(name) if isinstance(name, str) else None
        if canonical is not None:
            yield loss_page(known.losses[canonical], default=canonical == known.default_loss)
        else:
            yield "**loss.name**: one of " + ", ".join(f"`{n}`" for n in known.losses)
    elif len(path) == 2 and path[0] == "loss" and isinstance(path[1], str):
        name = loss_section.get("name", known.default_loss)
        canonical = known.canonical_name(name) if isinstance(name, str) else None
        loss = known.losses.get(canonical) if canonical else None
        if loss is not None and path[1] in loss.parameters:
            yield parameter_page(path[1], loss.parameters[path[1]], loss.name)
        else:
            for taker in known.losses_taking(path[1]):
                yield parameter_page(path[1], known.losses[taker].parameters[path[1]], taker)
                break


_SUPPRESSION = re.compile(r"#\s*losscfg:\s*disable(?:-file)?\s*=\s*(?P<codes>[\w\-, ]+)")


def _suppressed_code_at(text: str, line: int, column: int) -> str | None:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    match = _SUPPRESSION.search(lines[line])
    if match is None:
        return None
    for selector in re.finditer(r"[\w\-]+", match.group("codes")):
        start = match.start("codes") + selector.start()
        if start <= column <= start + len(selector.group()):
            return selector.group()
    return None


# --- completion ----------------------------------------------------------------------------


class Completion(NamedTuple):
    label: str
    insert: str
    detail: str
    documentation: str
    kind: str  # "value", "property" or "enum"


_KEY_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<key>[\w\-]+)[ \t]*:[ \t]*(?:#.*)?$")


def completions(text: str, line: int, column: int, report: FileReport | None) -> list[Completion]:
    """What may be written at the cursor: loss names at `loss.name`, the loss's parameters
    not yet written under `loss:`, and values losscfg accepts for a parameter; in a Hydra or
    LightningCLI file, a site's arguments not yet written, their values, and torch.nn's loss
    classes at `_target_` and `class_path`."""
    lines = text.splitlines() or [""]
    if line >= len(lines):
        lines += [""] * (line - len(lines) + 1)
    before = lines[line][:column]
    indent = len(before) - len(before.lstrip(" "))
    section = _section(lines, line, indent)
    value = re.match(r"^[ ]*(?P<key>[\w\-]+)[ \t]*:[ \t]*(?P<typed>[\w.\-\[]*)$", before)
    if TARGET in text or CLASS_PATH in text or TORCH_NN in text:
        key = value.group("key") if value is not None else None
        found = _site_completions(lines, line, before, key, report)
        if found is not None:
            return found
    if value is not None:
        return _values(section, value.group("key"), text, report)
    if re.match(r"^[ ]+[\w\-]*$", before) and section == ("loss",):
        return _parameters(text)
    return []


def _site_completions(
    lines: list[str], line: int, before: str, key: str | None, report: FileReport | None
) -> list[Completion] | None:
    """Completions in a Hydra or LightningCLI file at a line where the text `before` the
    cursor types `key`'s value (None: a key); None when the file is neither."""
    indent = len(before) - len(before.lstrip(" "))
    typed = f"{' ' * indent}{key}:" if key is not None else ""
    document = load("\n".join([*lines[:line], typed, *lines[line + 1 :]]) + "\n")
    if not torch_sites.names_torch_classes(document, report):
        return None
    if key in (TARGET, CLASS_PATH):
        return [
            Completion(name, name, loss.title, class_page(loss), "enum")
            for name, loss in default_schema().classes().items()
        ]
    if key is None and not re.fullmatch(r"[ ]*[\w\-]*", before):
        return []
    key_line = line if key is not None else key_above(lines, line, indent)
    site = torch_sites.site_with_key(document, key_line, indent) if key_line is not None else None
    if site is None or site.spec is None:
        return []
    if key is None:
        return [
            Completion(
                name, f"{name}: ", _detail(p), parameter_page(name, p, site.spec.name), "property"
            )
            for name, p in site.spec.parameters.items()
            if name not in site.written and p.replaced_by is None
        ]
    parameter = site.spec.parameters.get(key)
    if parameter is None or parameter.is_tensor:
        return []
    return list(_parameter_values(key, parameter, report))


def _detail(parameter: Parameter) -> str:
    default = f"default {show(parameter.default)}" if parameter.has_default else "required"
    return f"{parameter.expected}; {default}"


def _section(lines: Sequence[str], line: int, indent: int) -> tuple[str, ...]:
    """The keys of the block mappings around a line, outermost first (text, not a parse: the
    document is often unloadable while it is typed)."""
    path: list[str] = []
    for above in range(line - 1, -1, -1):
        match = _KEY_LINE.match(lines[above])
        if match is None:
            continue
        found = len(match.group("indent"))
        if found < indent:
            path.insert(0, match.group("key"))
            indent = found
            if found == 0:
                break
    return tuple(path)


def _loss_of(text: str) -> Loss:
    known = catalogue()
    document = load(text)
    data = document.data if isinstance(document.data, dict) else {}
    section = data.get("loss") if isinstance(data.get("loss"), dict) else {}
    if not section:
        match = re.search(r"^loss:[^\n]*\n(?:[ ]+[^\n]*\n)*?[ ]+name:[ ]*(\S+)", text, re.M)
        section = {"name": match.group(1).strip("'\"")} if match else {}
    name = section.get("name", known.default_loss)
    canonical = known.canonical_name(name) if isinstance(name, str) else None
    return known.losses[canonical or known.default_loss]


def _written_keys(text: str) -> set[str]:
    document = load(text)
    data = document.data if isinstance(document.data, dict) else {}
    section = data.get("loss")
    if isinstance(section, dict):
        return {str(key) for key in section}
    block = re.search(r"^loss:[^\n]*\n((?:[ ]+[^\n]*\n?)*)", text, re.M)
    return set(re.findall(r"^[ ]+([\w\-]+)[ \t]*:", block.group(1), re.M)) if block else set()


def _parameters(text: str) -> list[Completion]:
    loss = _loss_of(text)
    written = _written_keys(text)
    return [
        Completion(
            name,
            f"{name}: ",
            f"{parameter.expected} ({loss.name})",
            parameter_page(name, parameter, loss.name),
            "property",
        )
        for name, parameter in loss.parameters.items()
        if name not in written
    ]


def _values(
    section: tuple[str, ...], key: str, text: str, report: FileReport | None
) -> list[Completion]:
    known = catalogue()
    if section == () and key == "loss":
        return []
    if section == ("loss",) and key == "name":
        return [
            Completion(name, name, loss.torch_class, loss_page(loss), "enum")
            for name, loss in known.losses.items()
        ]
    if section == ("dataset",) and key == "name":
        return [
            Completion(name, name, f"{count} classes", f"{name}: {count} classes", "enum")
            for name, count in known.dataset_classes.items()
        ]
    if section == ("amp",) and key == "enabled":
        return [_boolean(value, "AMP (float16 autocast on CUDA)") for value in ("true", "false")]
    if section != ("loss",):
        return []
    loss = _loss_of(text)
    parameter = loss.parameters.get(key)
    if parameter is None:
        return []
    return list(_parameter_values(key, parameter, report))


def _boolean(value: str, what: str) -> Completion:
    return Completion(value, value, "boolean", f"{what}: {value}", "value")


def _parameter_values(
    key: str, parameter: Parameter, report: FileReport | None
) -> Iterator[Completion]:
    schema = parameter.schema
    count = report.num_classes if report is not None else None
    if schema.get("type") == "boolean":
        yield from (_boolean(v, key) for v in ("true", "false"))
        return
    choices = [c for c in schema.get("enum", []) if c not in parameter.non_scalar_values]
    if choices:
        for choice in choices:
            yield Completion(str(choice), str(choice), key, parameter.description, "enum")
        return
    if key in ("weight", "pos_weight"):
        size = count if count is not None and count <= 1000 else None
        if size is None:
            yield Completion(
                "[1.0, ...]",
                "[1.0]",
                "one float per class (the class count is unknown)",
                parameter.description,
                "value",
            )
            return
        floats = "[" + ", ".join(["1.0"] * size) + "]"
        detail = f"{size} floats, one per class"
        yield Completion(
            floats if size <= 10 else f"[1.0 x {size}]",
            floats,
            detail,
            parameter.description,
            "value",
        )
        return
    if parameter.has_default:
        default = show(parameter.default)
        yield Completion(
            default, default, f"the default ({parameter.expected})", parameter.description, "value"
        )


# --- suppression comments ----------------------------------------------------------------


def disable_on_line(text: str, line: int, code: str) -> tuple[int, int, str] | None:
    """An insertion (column, column, text) on a 0-based line that silences `code` there:
    the code joins the line's suppression comment, or a new comment ends the line."""
    lines = Lines(text)
    if line >= len(lines.starts) or _inside_a_scalar(load(text), line):
        return None
    start, end = lines.starts[line], lines.end(line)
    content = text[start:end]
    existing = re.search(r"#\s*losscfg:\s*disable\s*=\s*[\w\-]+(?:\s*,\s*[\w\-]+)*", content)
    if existing is not None:
        return existing.end(), existing.end(), f",{code}"
    stripped = content.rstrip()
    return len(stripped), len(content), f"  # losscfg: disable={code}"


def _inside_a_scalar(document: Document, line: int) -> bool:
    """Whether the line ends inside a scalar that goes on below it (a quoted or block string
    over several lines): a comment there would become part of the value."""
    nodes = [document.root] if document.root is not None else []
    while nodes:
        node = nodes.pop()
        if node.entries is not None:
            nodes.extend(entry.node for entry in node.entries.values())
        elif node.items is not None:
            nodes.extend(node.items)
        elif node.position[0] <= line < node.position[2]:
            return True
    return False


def silenceable(code: str) -> bool:
    rule = default_registry().by_code.get(code)
    return rule is not None and rule.silenceable
