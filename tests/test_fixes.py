"""`check --fix` (SPEC §13): fixes as data, edits by span, passes, verification, the CLI."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import ROOT, yaml
from losscfg.cli import app
from losscfg.diagnostics import Applicability, Diagnostic, Edit, Fix, FixMode, Severity
from losscfg.fix.edits import apply
from losscfg.fix.remedies import SetValue
from losscfg.lint.check import Options, check_source
from losscfg.load.document import load
from losscfg.workspace.fixing import fix_text

GOLDEN = ROOT / "tests" / "golden" / "fixes"
CASES = sorted(p for p in GOLDEN.glob("*.yaml") if not p.name.endswith(".fixed.yaml"))
SAFE, UNSAFE = FixMode(), FixMode(unsafe=True)


def fixed(text: str, mode: FixMode = SAFE) -> str:
    return fix_text(text, "config.yaml", Options(), mode)[0]


def read_exact(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # no newline translation: CRLF stays CRLF


@pytest.mark.parametrize("before", CASES, ids=lambda p: p.stem)
def test_golden_before_and_after(before: Path, request: pytest.FixtureRequest) -> None:
    """Each file's fixed text, byte for byte (`--update-golden` rewrites them): unsafe-* with
    --unsafe-fixes. Every other byte stays: comments, quotes, style, CRLF, the BOM."""
    text = read_exact(before)
    after = fixed(text, UNSAFE if before.name.startswith("unsafe-") else SAFE)
    golden = before.with_suffix(".fixed.yaml")
    if request.config.getoption("--update-golden"):
        golden.write_bytes(after.encode("utf-8"))
    assert after == read_exact(golden)
    assert fixed(after, UNSAFE) == after  # a second --fix changes nothing


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("alias", "the value is an anchor that an alias (*name) repeats"),
        ("merge", "the value comes through a merge key (<<)"),
        ("lc106-only-key", "it is the only key of its mapping, which would become null"),
    ],
)
def test_a_fix_that_cannot_be_made_in_place_says_why(name: str, why: str) -> None:
    text = read_exact(GOLDEN / f"{name}.yaml")
    report = check_source(text, "config.yaml", Options())
    unfixed = [d for d in report.diagnostics if d.hint and "no automatic fix" in d.hint]
    assert unfixed and all(d.fix is None for d in unfixed)
    assert any(why in (d.hint or "") for d in unfixed)
    assert fixed(text, UNSAFE) == text


# --- fixes as data -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "applicability", "message", "edits"),
    [
        (
            "loss:\n  name: cross_entropy\n  label_smoothing: 1e-1\n",
            "LC108",
            "safe",
            "write 0.1",
            [Edit(3, 20, 3, 24, "0.1")],
        ),
        (
            "loss:\n  name: cross_entropy\n  label_smoothing: 5e-5\n",
            "LC108",
            "safe",
            "write 5.0e-5",  # the shortest spelling PyYAML reads as 5e-05
            [Edit(3, 20, 3, 24, "5.0e-5")],
        ),
        (
            "loss:\n  name: cross_entropy\n  weight: [1, 2]\nmodel: {num_classes: 2}\n",
            "LC207",
            "safe",
            "write the weights as floats",
            [Edit(3, 12, 3, 13, "1.0"), Edit(3, 15, 3, 16, "2.0")],
        ),
        (
            "loss:\n  name: 'MSE'\n",
            "LC107",
            "safe",
            "write name: mse",
            [Edit(2, 9, 2, 14, "'mse'")],
        ),
        (
            "loss:\n  name: nll\n  ignore_index: null\n",
            "LC106",
            "safe",
            "remove ignore_index: its default applies",
            [Edit(3, 1, 4, 1, "")],
        ),
        (
            "loss:\n  name: nll\n  wieght: [1.0]\n",
            "LC102",
            "unsafe",
            "rename wieght to weight",
            [Edit(3, 3, 3, 9, "weight")],
        ),
        (
            "loss:\n  name: kl_div\n  reduction: mean\n",
            "LC401",
            "unsafe",
            "write reduction: batchmean",
            [Edit(3, 14, 3, 18, "batchmean")],
        ),
    ],
)
def test_a_fix_is_edits_an_applicability_and_a_message(
    text: str, code: str, applicability: str, message: str, edits: list[Edit]
) -> None:
    [d] = [d for d in check_source(text, "config.yaml", Options()).diagnostics if d.code == code]
    assert d.fix is not None
    assert (str(d.fix.applicability), d.fix.message, list(d.fix.edits)) == (
        applicability,
        message,
        edits,
    )


@pytest.mark.parametrize(
    "text",
    [
        "loss: {name: cross_entropy, label_smothing: 0.1, label_smoothing: 0.2}\n",
        "loss:\n  name: cross_entropy\n  pos_weight: [2.0]\n",  # two meanings: remove or switch
        "loss:\n  name: focal\n",  # no close name
        "loss:\n  name: kl_div\n  reduction: none\n",  # batchmean or sum
        'loss:\n  name: cross_entropy\n  label_smoothing: "2.5"\n',  # out of range: no value
    ],
    ids=["lc102-target-exists", "lc102-two-meanings", "lc101-none-close", "lc402", "lc108-range"],
)
def test_no_fix_where_the_meaning_is_not_certain(text: str) -> None:
    report = check_source(text, "config.yaml", Options())
    fixes = [d.code for d in report.diagnostics if d.fix is not None]
    assert not [c for c in fixes if c in {"LC101", "LC102", "LC104", "LC108", "LC402"}]


def test_fixes_are_in_the_json_report_and_sarif(cli: CliRunner, in_tmp: Path) -> None:
    (in_tmp / "c.yaml").write_text("loss:\n  name: cross_entropy\n  label_smoothing: 1e-1\n")
    record = json.loads(cli.invoke(app, ["check", "--format", "json", "c.yaml"]).stdout)
    [d] = record["files"][0]["diagnostics"]
    assert d["fix"] == {
        "applicability": "safe",
        "message": "write 0.1",
        "edits": [{"line": 3, "column": 20, "end_line": 3, "end_column": 24, "content": "0.1"}],
    }
    sarif = json.loads(cli.invoke(app, ["check", "--format", "sarif", "c.yaml"]).stdout)
    [fix] = sarif["runs"][0]["results"][0]["fixes"]
    assert fix["description"]["text"] == "write 0.1 (safe fix)"
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "c.yaml"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 3, "startColumn": 20, "endLine": 3, "endColumn": 24},
            "insertedContent": {"text": "0.1"},
        }
    ]


# --- passes and verification ---------------------------------------------------------------


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    text = yaml(
        """
        loss:
          name: BCE
        amp:
          enabled: true
        """
    )
    # LC107 (bce) and LC301 (bce_with_logits) both edit loss.name: one per pass.
    final, outcome = fix_text(text, "c.yaml", Options(), UNSAFE)
    assert final == text.replace("BCE", "bce_with_logits")
    assert [d.code for d in outcome.fixed] == ["LC107", "LC301"]


def _bogus(message: str, edit: Edit, path: tuple[str, ...], value: object) -> Diagnostic:
    change = SetValue(path, value, "x")
    fix = Fix(Applicability.SAFE, message, (edit,), (change,))
    return Diagnostic("LC108", "coerced-string", Severity.WARNING, message, fix=fix)


def test_a_fix_that_breaks_the_file_or_means_another_value_is_reverted_and_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from losscfg.workspace import fixing

    text = "loss:\n  name: cross_entropy\n  label_smoothing: 1e-1\n"
    good = next(d for d in check_source(text, "c", Options()).diagnostics if d.fix)
    unloadable = _bogus("break it", Edit(1, 1, 1, 5, "[loss"), ("loss",), {})
    # it writes nll and claims to keep cross_entropy:
    other_value = _bogus("lie", Edit(2, 9, 2, 22, "nll"), ("loss", "name"), "cross_entropy")
    outcome = fixing.FixOutcome()
    kept = fixing._pass(text, [unloadable, good, other_value], outcome, set())
    assert kept == [good]
    reasons = {d.fix.message: why for d, why in outcome.reverted if d.fix}
    assert reasons["break it"].startswith("the fixed file would not load as it should")
    assert reasons["lie"] == "the fixed file would load to other values than the fix means"


def test_one_bad_fix_among_many_costs_a_few_loads_and_keeps_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from losscfg.workspace import fixing

    text = "loss:\n  name: cross_entropy\n" + "".join(f'  k{i:02}: "0.5"\n' for i in range(64))
    good = [  # each unquotes one value: sound alone and together
        _bogus(f"unquote k{i:02}", Edit(i + 3, 8, i + 3, 13, "0.5"), ("loss", f"k{i:02}"), 0.5)
        for i in range(64)
    ]
    unloadable = _bogus("break it", Edit(1, 1, 1, 5, "[loss"), ("loss",), {})
    chosen = [*good[:40], unloadable, *good[40:]]
    real, loads = fixing._sound, []
    monkeypatch.setattr(fixing, "_sound", lambda *a: loads.append(1) or real(*a))
    outcome = fixing.FixOutcome()
    kept = fixing._pass(text, chosen, outcome, set())
    assert kept == good  # in order, the bad one left out
    assert [d.fix.message for d, _ in outcome.reverted if d.fix] == ["break it"]
    assert len(loads) <= 2 * 7 + 1  # halving: about 2·log2(65), not 65


def test_edits_keep_every_other_byte() -> None:
    text = "\ufeffa: 1\r\nb: [1, 2]  # c\r\n"
    assert apply(text, [Edit(2, 5, 2, 6, "1.0")]) == "\ufeffa: 1\r\nb: [1.0, 2]  # c\r\n"


# --- the framework's configs, one mistake per copy -------------------------------------------

FAT_CONFIGS = sorted((ROOT.parent / "shared" / "corpus" / "fat-repo" / "configs").rglob("*.yaml"))


def _mutations(text: str) -> list[tuple[str, str, str, FixMode]]:
    """(mistake's code, mutated text, the text --fix must give back, mode) for a config."""
    found: list[tuple[str, str, str, FixMode]] = []
    data = load(text).data
    if not isinstance(data, dict):
        return found
    text_ = text + ("" if text.endswith("\n") else "\n")  # what is appended starts a line
    for value, number in (("true", "1"), ("false", "0")):
        enabled = f"\n  enabled: {value}\n"
        if isinstance(data.get("amp"), dict) and text.count(enabled) == 1:
            mutated = text.replace(enabled, f"\n  enabled: {number}\n")
            found.append(("LC108", mutated, text, SAFE))
    if "amp" not in data:
        mutated = text_ + 'amp:\n  enabled: "true"  # on\n'
        found.append(("LC108", mutated, text_ + "amp:\n  enabled: true  # on\n", SAFE))
    loss = data.get("loss")
    if loss is None and "label_smoothing" not in data:
        mutated = text_ + "label_smoothing: 0.1\n"
        unit = re.search(r"^( +)[A-Za-z_]", text, re.MULTILINE)  # the file's indentation
        moved = f"loss:\n{unit.group(1) if unit else '  '}label_smoothing: 0.1\n"
        found.append(("LC109", mutated, text_ + moved, UNSAFE))
    if not isinstance(loss, dict) or not isinstance(loss.get("name"), str):
        return found
    name = loss["name"]
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("name:") and name in ln)
    if name == name.lower():
        found.append(("LC107", text.replace(line, line.replace(name, name.upper()), 1), text, SAFE))
        typo = name[:-1] + name[-1] * 2  # sqr_hingee
        found.append(("LC101", text.replace(line, line.replace(name, typo), 1), text, UNSAFE))
    count = load(text).data.get("model", {}).get("num_classes") or 10
    if "weight" not in loss and isinstance(count, int) and count <= 100:
        indent = line[: len(line) - len(line.lstrip())]
        ints = ", ".join(["1"] * count)
        floats = ", ".join(["1.0"] * count)
        new_name = line.replace(name, "cross_entropy")
        mutated = text.replace(line, f"{new_name}\n{indent}weight: [{ints}]  # per class", 1)
        expect = text.replace(line, f"{new_name}\n{indent}weight: [{floats}]  # per class", 1)
        if "dataset" in data or "num_classes" in data.get("model", {}):
            found.append(("LC207", mutated, expect, SAFE))
    return found


@pytest.mark.skipif(not FAT_CONFIGS, reason="the shared corpus is absent")
def test_fix_repairs_one_mistake_in_each_of_the_framework_s_configs() -> None:
    tried: dict[str, int] = {}
    configs = set()
    for path in FAT_CONFIGS:
        original = path.read_text(encoding="utf-8")
        for code, mutated, expected, mode in _mutations(original):
            report = check_source(mutated, str(path), Options())
            assert code in [d.code for d in report.diagnostics], (path, code)
            after, outcome = fix_text(mutated, str(path), Options(), mode)
            assert after == expected, (path, code)
            assert code in [d.code for d in outcome.fixed], (path, code)
            assert fix_text(after, str(path), Options(), mode)[0] == after
            remaining = check_source(after, str(path), Options()).diagnostics
            assert code not in [d.code for d in remaining], (path, code)
            tried[code] = tried.get(code, 0) + 1
            configs.add(path)
    assert len(configs) == len(FAT_CONFIGS) == 141  # every config, with one mistake or more
    # 92 configs name their loss; 90 of them give a class count; 49 have no loss section.
    assert tried == {"LC107": 92, "LC101": 92, "LC207": 90, "LC108": 133, "LC109": 49}


# --- the command line ------------------------------------------------------------------------

BROKEN = "loss:\n  name: Cross_Entropy  # c\n  label_smoothing: 1e-1\n  ignor_index: 3\n"


def test_fix_writes_safe_fixes_and_reports_what_remains(cli: CliRunner, in_tmp: Path) -> None:
    path = in_tmp / "c.yaml"
    path.write_text(BROKEN)
    path.chmod(0o640)
    result = cli.invoke(app, ["check", "--fix", "--show-fixes", "c.yaml"])
    assert result.exit_code == 1  # LC102 remains: its fix is unsafe
    assert path.read_text() == BROKEN.replace("Cross_Entropy", "cross_entropy").replace(
        "1e-1", "0.1"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    lines = result.stdout.splitlines()
    assert "fixed c.yaml:2:9: LC107 write name: cross_entropy" in lines
    assert "fixed c.yaml:3:20: LC108 write 0.1" in lines
    assert lines[-2:] == ["1 error, 0 warnings in 1 file (1 checked)", "Fixed 2, 1 remaining."]
    result = cli.invoke(app, ["check", "--fix", "--unsafe-fixes", "c.yaml"])
    assert result.exit_code == 0
    assert "  ignore_index: 3\n" in path.read_text()
    assert result.stdout.splitlines()[-1] == "Fixed 1, 0 remaining."


def test_text_marks_fixable_diagnostics(cli: CliRunner, in_tmp: Path) -> None:
    (in_tmp / "c.yaml").write_text(BROKEN)
    result = cli.invoke(app, ["check", "c.yaml"])
    assert "c.yaml:2:9: warning LC107 [*] loss name" in result.stdout
    assert "c.yaml:4:3: error LC102 unknown parameter" in result.stdout  # unsafe: no mark
    assert (
        result.stdout.splitlines()[-1]
        == "[*] 2 fixable with --fix (1 more with --fix --unsafe-fixes)."
    )
    result = cli.invoke(app, ["check", "--unsafe-fixes", "c.yaml"])
    assert "c.yaml:4:3: error LC102 [*] unknown parameter" in result.stdout
    assert result.stdout.splitlines()[-1] == "[*] 3 fixable with --fix --unsafe-fixes."


def test_diff_writes_nothing_and_exits_1(cli: CliRunner, in_tmp: Path) -> None:
    path = in_tmp / "c.yaml"
    path.write_text(BROKEN)
    before = path.stat()
    result = cli.invoke(app, ["check", "--diff", "c.yaml"])
    assert result.exit_code == 1
    assert (path.read_text(), path.stat().st_mtime_ns) == (BROKEN, before.st_mtime_ns)
    assert result.stdout.startswith("--- a/c.yaml\n+++ b/c.yaml\n")
    assert "\n-  name: Cross_Entropy  # c\n-  label_smoothing: 1e-1\n" in result.stdout
    assert (
        "\n+  name: cross_entropy  # c\n+  label_smoothing: 0.1\n   ignor_index: 3\n"
        in result.stdout
    )
    assert result.stderr == "losscfg: would fix 2 problems\n"
    path.write_text("loss:\n  name: nll\n")
    clean = cli.invoke(app, ["check", "--diff", "c.yaml"])
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_fix_on_stdin_prints_the_fixed_text(cli: CliRunner) -> None:
    result = cli.invoke(app, ["check", "--fix", "-"], input=BROKEN)
    assert result.stdout == BROKEN.replace("Cross_Entropy", "cross_entropy").replace("1e-1", "0.1")
    assert "Fixed 2, 1 remaining." in result.stderr


def test_a_file_changed_during_the_run_is_not_overwritten(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from losscfg.workspace import fixing

    path = in_tmp / "c.yaml"
    path.write_text(BROKEN)
    real = fixing.fix_text

    def meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        path.write_text("loss:\n  name: nll  # edited by hand meanwhile\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(fixing, "fix_text", meanwhile)
    result = cli.invoke(app, ["check", "--fix", "c.yaml"])
    assert result.exit_code == 2
    assert path.read_text() == "loss:\n  name: nll  # edited by hand meanwhile\n"
    assert "the file changed while it was being fixed" in result.stdout
    assert not [p for p in os.listdir(in_tmp) if p != "c.yaml"]  # no temporary file left


def test_fix_writes_through_a_link(cli: CliRunner, in_tmp: Path) -> None:
    (in_tmp / "real.yaml").write_text(BROKEN)
    (in_tmp / "link.yaml").symlink_to("real.yaml")
    cli.invoke(app, ["check", "--fix", "link.yaml"])
    assert (in_tmp / "link.yaml").is_symlink()
    assert "cross_entropy" in (in_tmp / "real.yaml").read_text()


def test_json_lists_what_was_fixed(cli: CliRunner, in_tmp: Path) -> None:
    (in_tmp / "c.yaml").write_text(BROKEN)
    record = json.loads(cli.invoke(app, ["check", "--fix", "--format", "json", "c.yaml"]).stdout)
    [report] = record["files"]
    assert [d["code"] for d in report["fixed"]] == ["LC107", "LC108"]
    assert [d["code"] for d in report["diagnostics"]] == ["LC102"]
    assert report["reverted"] == []


FIXABLE = {
    "LC101": "unsafe",
    "LC102": "unsafe",
    "LC105": "unsafe",
    "LC106": "safe",
    "LC107": "safe",
    "LC108": "safe",
    "LC109": "unsafe",
    "LC110": "unsafe",
    "LC111": "safe",
    "LC204": "unsafe",
    "LC207": "safe",
    "LC301": "unsafe",
    "LC302": "unsafe",
    "LC401": "unsafe",
}


@pytest.mark.parametrize(("code", "applicability"), sorted(FIXABLE.items()))
def test_a_rule_page_says_what_its_fix_does(code: str, applicability: str) -> None:
    from losscfg.lint.rules import find

    rule = find(code)
    assert rule is not None
    doc = " ".join(rule.doc.split())
    assert f"(a{'n' if applicability == 'unsafe' else ''} {applicability} fix" in doc
    assert ("--unsafe-fixes" in doc) == (applicability == "unsafe")


def test_every_fix_the_goldens_make_is_documented() -> None:
    made: set[str] = set()
    for before in CASES:
        text = read_exact(before)
        made |= {d.code for d in check_source(text, "c", Options()).diagnostics if d.fix}
    assert made == set(FIXABLE) - {"LC105"}


def test_the_readme_table_of_fixes_is_the_rules_own() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Fixes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (LC[\d, LC]+) \| .+ \| (safe|unsafe) \|$", section, re.MULTILINE)
    written = {code: kind for codes, kind in rows for code in codes.split(", ")}
    assert written == FIXABLE


def test_a_read_only_file_is_not_fixed(cli: CliRunner, in_tmp: Path) -> None:
    path = in_tmp / "c.yaml"
    path.write_text(BROKEN)
    path.chmod(0o444)
    result = cli.invoke(app, ["check", "--fix", "c.yaml"])
    assert result.exit_code == 2
    assert "c.yaml: error LC000 the file is read-only: it was not fixed" in result.stdout
    assert path.read_text() == BROKEN


def test_fix_keeps_hard_links(cli: CliRunner, in_tmp: Path) -> None:
    (in_tmp / "a.yaml").write_text(BROKEN)
    os.link(in_tmp / "a.yaml", in_tmp / "b.yaml")
    cli.invoke(app, ["check", "--fix", "a.yaml"])
    assert (in_tmp / "a.yaml").stat().st_nlink == 2
    assert "cross_entropy" in (in_tmp / "b.yaml").read_text()


def test_a_folder_that_takes_no_new_file_is_written_in_place(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = in_tmp / "c.yaml"
    path.write_text(BROKEN)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: real(p, mode) and p != str(in_tmp))
    assert cli.invoke(app, ["check", "--fix", "c.yaml"]).exit_code == 1
    assert "cross_entropy" in path.read_text()
    assert os.listdir(in_tmp) == ["c.yaml"]


def test_diff_applies_with_patch_when_the_last_line_has_no_newline(
    cli: CliRunner, in_tmp: Path
) -> None:
    import subprocess

    path = in_tmp / "c.yaml"
    path.write_text('loss:\n  name: cross_entropy\n  label_smoothing: "0.1"')
    diff = cli.invoke(app, ["check", "--diff", "c.yaml"]).stdout
    assert diff.endswith("+  label_smoothing: 0.1\n\\ No newline at end of file\n")
    subprocess.run(["git", "apply"], input=diff, text=True, check=True, cwd=in_tmp)
    assert path.read_text() == "loss:\n  name: cross_entropy\n  label_smoothing: 0.1"


def test_diff_says_what_cannot_be_read_and_exits_2(cli: CliRunner, in_tmp: Path) -> None:
    result = cli.invoke(app, ["check", "--diff", "nope.yaml"])
    assert result.exit_code == 2
    assert "nope.yaml: error LC000 cannot read the file" in result.stderr


def test_fix_on_stdin_echoes_the_text_when_nothing_changes(cli: CliRunner) -> None:
    for text in ("loss:\n  name: cross_entropy\n", "lable: [1\n"):
        result = cli.invoke(app, ["check", "--fix", "-"], input=text)
        assert result.stdout == text
