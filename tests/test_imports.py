"""Start-up guards (SPEC §12): `import losscfg` and `losscfg check` stay light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLES


def modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stderr.split())


def test_import_losscfg_imports_neither_torch_nor_rich_nor_jsonschema() -> None:
    loaded = modules_after("import losscfg")
    assert not {"torch", "rich", "jsonschema", "yaml"} & loaded


def test_check_imports_no_torch_and_no_rich_off_a_terminal(tmp_path: Path) -> None:
    config = EXAMPLES / "broken" / "mistakes.yaml"
    code = (
        "import sys\nfrom losscfg.cli import main\n"
        f"sys.argv = ['losscfg', 'check', {str(config)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    loaded = modules_after(code)
    assert "losscfg.lint.check" in loaded and "jsonschema" in loaded
    assert not {m for m in loaded if m == "torch" or m.startswith("torch.")}
    assert "rich" not in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("pygls", "lsprotocol", "pathspec")}


def test_the_command_line_starts_without_the_loader_or_the_front_ends() -> None:
    """`losscfg --version`, `rules` or a usage error load neither PyYAML nor a dialect's
    front-end: the settings name the dialects through `losscfg.dialects.names` only."""
    loaded = modules_after("import losscfg.cli")
    assert (
        not {"yaml", "jsonschema", "losscfg.dialects.choice", "losscfg.catalogue.schema"} & loaded
    )
