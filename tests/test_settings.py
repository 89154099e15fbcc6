"""[tool.losscfg] settings (SPEC §10), select/ignore layers and their precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write
from losscfg.cli import app
from losscfg.lint.registry import UnknownSelector
from losscfg.lint.rules import default_registry
from losscfg.lint.selection import Selection
from losscfg.workspace.settings import SettingsError, discover, from_file

ALWAYS_ON = default_registry().always_on

BAD = """
dataset:
  name: faces
loss:
  name: nll
  weight: [1.0, 2.0, 3.0]
  ignore_index: 0
"""


def test_selection_layers() -> None:
    everything = Selection.everything(default_registry()).enabled
    assert Selection.from_layers([], default_registry()).enabled == everything
    only_lc2 = Selection.from_layers([(["LC2"], [])], default_registry()).enabled
    assert only_lc2 == {c for c in everything if c.startswith("LC2")} | ALWAYS_ON
    later = Selection.from_layers(
        [(None, ["LC205"]), (["weight-length", "LC205"], [])], default_registry()
    ).enabled
    assert later == {"LC201", "LC205"} | ALWAYS_ON
    assert "LC001" in Selection.from_layers([(None, ["ALL"])], default_registry()).enabled
    with pytest.raises(UnknownSelector):
        Selection.from_layers([(["LC999"], [])], default_registry())


def test_discover_searches_up_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.losscfg]\nignore = ["LC211"]\nstrict = true\nnum-classes = 3\n'
        "datasets = { faces = 7 }\n",
        encoding="utf-8",
    )
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    settings = discover(inner)
    assert settings.source == tmp_path / "pyproject.toml"
    assert (settings.ignore, settings.strict, settings.num_classes) == (("LC211",), True, 3)
    assert settings.datasets == {"faces": 7}


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert discover(tmp_path).source is None


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("selct = []", r"unknown setting selct .*\(did you mean select\?\)"),
        ("num_classes = 10", r"unknown setting num_classes .*\(did you mean num-classes\?\)"),
        ("strict = 1", "strict must be true or false"),
        ("num-classes = 0", "num-classes must be an integer from 1 to 10,000,000, not 0"),
        (
            "num-classes = 100000000000000000000000000000",
            "from 1 to 10,000,000, not 100000000000000000000000000000",
        ),
        ('datasets = { faces = "7" }', "datasets must be a table.*, not faces = '7'$"),
        (
            "datasets = { faces = 100000000000000000000000 }",
            r"an integer from 1 to 10,000,000\), e.g. .*, not faces = 100000000000000000000000$",
        ),
        ("ignore = 3", "ignore must be a list"),
    ],
)
def test_bad_settings(tmp_path: Path, table: str, words: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.losscfg]\n{table}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=words):
        discover(tmp_path)


def test_a_class_count_out_of_bounds_in_settings_is_a_usage_error_naming_the_file(
    cli,
    in_tmp: Path,  # type: ignore[no-untyped-def]
) -> None:
    write(in_tmp, "c.yaml", BAD)
    (in_tmp / "pyproject.toml").write_text("[tool.losscfg]\nnum-classes = 10000001\n")
    result = cli.invoke(app, ["check", "c.yaml"])
    assert result.exit_code == 2
    assert "pyproject.toml: num-classes must be an integer from 1 to 10,000,000" in result.stderr
    too_many = cli.invoke(app, ["check", "--num-classes", "10000001", "c.yaml"])
    assert too_many.exit_code == 2  # the same bound as the option's


def test_config_file_with_top_level_keys(tmp_path: Path) -> None:
    path = tmp_path / "losscfg.toml"
    path.write_text('select = ["LC2"]\n', encoding="utf-8")
    assert from_file(path).select == ("LC2",)


def test_settings_apply_and_the_command_line_wins(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", BAD)
    (in_tmp / "pyproject.toml").write_text(
        '[tool.losscfg]\nnum-classes = 3\nignore = ["LC211"]\nstrict = true\n', encoding="utf-8"
    )
    result = cli.invoke(app, ["check", str(config)])
    assert "LC211" not in result.stdout
    assert "classes are 0..2, num-classes = 3 in " in result.stdout and "LC205" in result.stdout
    assert result.exit_code == 1  # strict: the LC205 warning fails
    result = cli.invoke(app, ["check", "--num-classes", "2", str(config)])
    assert "LC201" in result.stdout and "(--num-classes 2)" in result.stdout
    result = cli.invoke(app, ["check", "-v", "--select", "LC211", str(config)])
    assert "LC211" in result.stdout and "LC205" not in result.stdout


def test_strict_setting_can_be_turned_off_on_the_command_line(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: Cross_Entropy\n")
    (in_tmp / "pyproject.toml").write_text("[tool.losscfg]\nstrict = true\n", encoding="utf-8")
    assert cli.invoke(app, ["check", str(config)]).exit_code == 1
    assert cli.invoke(app, ["check", "--no-strict", str(config)]).exit_code == 0


def test_unknown_setting_is_a_usage_error(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    (in_tmp / "pyproject.toml").write_text("[tool.losscfg]\nfoo = 1\n", encoding="utf-8")
    result = cli.invoke(app, ["check", str(config)])
    assert result.exit_code == 2 and "unknown setting foo" in result.stderr


def test_unknown_code_in_settings_is_a_usage_error(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    (in_tmp / "pyproject.toml").write_text('[tool.losscfg]\nignore = ["LC777"]\n', encoding="utf-8")
    result = cli.invoke(app, ["check", str(config)])
    assert (
        result.exit_code == 2 and "'LC777'" in result.stderr and "pyproject.toml" in result.stderr
    )


def test_config_option(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", BAD)
    settings = in_tmp / "other.toml"
    settings.write_text("[tool.losscfg]\nnum-classes = 3\n", encoding="utf-8")
    result = cli.invoke(app, ["check", "--config", str(settings), str(config)])
    assert "num-classes = 3 in " in result.stdout
    result = cli.invoke(app, ["check", "--config", str(in_tmp / "missing.toml"), str(config)])
    assert result.exit_code == 2 and "cannot read" in result.stderr
