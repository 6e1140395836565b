"""Small things a new user trips on: help text, diff headers, ignored tracked files, revision file order."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from strata import apps
from strata.cli import app as cli
from strata.docs.generate import stale
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", ["up", "reset", "check", "status", "seed"])
def test_help_shows_no_type_after_flags_and_keeps_bracketed_text(name: str) -> None:
    done = CliRunner().invoke(cli, [name, "--help"], terminal_width=80)
    assert done.exit_code == 0
    assert "<bool>" not in done.output
    if name == "up":
        flat = " ".join(done.output.split())
        assert "Seconds to wait for another process's migration (default: STRATA_MIGRATION_LOCK_WAIT, or 60)." in flat


def test_docs_diff_headers_are_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "app.md").write_text("old\n")
    assert stale(tmp_path / "docs", {"app.md": "new\n"})[:2] == ["--- a/docs/app.md\n", "+++ b/docs/app.md\n"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert stale(tmp_path / "docs", {"app.md": "new\n"})[:2] == ["--- a/app.md\n", "+++ b/app.md\n"]


def test_gitignore_ignores_no_tracked_file() -> None:
    found = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout == ""


@pytest.mark.parametrize("name", sorted(apps.discover()))
def test_a_new_revision_file_lists_after_the_existing_ones(name: str, tmp_path: Path) -> None:
    app = apps.discover()[name]
    copy = tmp_path / "migrations"
    shutil.copytree(app.migrations_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
    config = Config(str(app.alembic_ini))
    config.set_main_option("script_location", str(copy))
    config.set_section_option("post_write_hooks", "hooks", "")  # formatting is not what is tested here
    command.revision(config, message="add a thing", rev_id="abc123")
    names = sorted(path.name for path in (copy / "versions").glob("*.py"))
    assert re.fullmatch(r"\d{8}_\d{4}_abc123_add_a_thing\.py", names[-1])
