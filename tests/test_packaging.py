"""Packaging (SPEC §11): the schema in schemas/ ships in the wheel and serves editable installs."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import losscfg.schemas
from helpers import EXAMPLES, ROOT
from losscfg.catalogue.schema import SCHEMA_FILE


def test_editable_install_reads_the_schema_in_the_repository() -> None:
    direct = metadata.distribution("losscfg").read_text("direct_url.json")
    if not direct or not json.loads(direct).get("dir_info", {}).get("editable"):
        pytest.skip("losscfg is not installed in editable mode here")
    assert Path(losscfg.schemas.__file__).parent == ROOT / "schemas"


@pytest.mark.network
@pytest.mark.slow
def test_wheel_ships_the_schema_and_works_without_torch(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert f"losscfg/schemas/{SCHEMA_FILE}" in names
        shipped = archive.read(f"losscfg/schemas/{SCHEMA_FILE}").decode("utf-8")
    assert shipped == (ROOT / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert sdist.stat().st_size > 0

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    losscfg = environment / "bin" / "losscfg"
    good = subprocess.run(
        [str(losscfg), "check", str(EXAMPLES / "cifar10_resnet20.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (good.returncode, good.stdout) == (0, "No errors or warnings in 1 file.\n")
    bad = subprocess.run(
        [str(losscfg), "check", str(EXAMPLES / "broken" / "mistakes.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert bad.returncode == 1 and "LC207" in bad.stdout
    no_torch = subprocess.run(
        [str(losscfg), "dry-run", str(EXAMPLES / "cifar10_resnet20.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert no_torch.returncode == 2
    assert "pip install 'losscfg[torch]'" in no_torch.stderr and "Traceback" not in no_torch.stderr
