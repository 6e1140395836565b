"""What a new user meets first: a bare `make` in an app prints help, and `make up` says how to reach uv.

A bare `make` in an app used to run `migrate` and fail; after `make up` with uv
installed into `.tools/`, the README's `uv run strata --help` said `uv: command not found`.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APP_DIRS = sorted(path.parent for path in (ROOT / "apps").glob("*/Makefile"))


def _make(directory: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ) | ({"PATH": path} if path is not None else {})
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=directory, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("app_dir", APP_DIRS, ids=[path.name for path in APP_DIRS])
def test_a_bare_make_in_an_app_prints_its_targets(app_dir: Path) -> None:
    done = _make(app_dir)
    assert done.returncode == 0, done.stderr
    targets = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert {"migrate", "db-upgrade", "db-downgrade", "db-reset", "test"} <= set(targets)
    assert "alembic" not in done.stdout + done.stderr  # nothing ran


def _path_without_uv() -> str:
    return os.pathsep.join(
        folder for folder in os.environ["PATH"].split(os.pathsep) if not shutil.which("uv", path=folder)
    )


def test_make_up_says_how_to_put_the_installed_uv_on_path() -> None:
    bundled = ROOT / ".tools" / "bin" / "uv"
    if not bundled.exists():  # uv came from the system PATH, so the README's commands already work
        assert _make(ROOT, "-s", "uv-hint").stdout == ""
        return
    bare_path = _path_without_uv()
    hint = _make(ROOT, "-s", "uv-hint", path=bare_path).stdout
    (export,) = [line.strip() for line in hint.splitlines() if line.strip().startswith("export PATH=")]
    followed = subprocess.run(
        ["sh", "-c", f"{export} && uv --version"],
        env=dict(os.environ) | {"PATH": bare_path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert followed.returncode == 0, followed.stderr
    assert followed.stdout.startswith("uv ")
