"""strata.sum read back as written, and the integrity check naming the first of several changes."""

from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import URL
from strata.apps import App
from strata.checks import integrity as sums
from strata.checks.context import Context
from strata.checks.outcome import Status
from tiny_models import APP


def _app_with(tmp_path: Path, *revisions: str) -> App:
    versions = tmp_path / "app" / "migrations" / "versions"
    versions.mkdir(parents=True)
    for name in revisions:
        (versions / name).write_text(f"# {name}\n")
    return replace(APP, root=tmp_path / "app")


def test_a_revision_file_name_with_spaces_is_read_back_whole(tmp_path: Path) -> None:
    app = _app_with(tmp_path, "0001 first revision.py")
    sums.update(app)
    assert sums.recorded(app) == sums.current(app)
    assert sums.integrity(Context(app, URL.create("postgresql"))).status == Status.PASS


def test_several_unrecorded_changes_are_counted_and_the_first_is_named(tmp_path: Path) -> None:
    app = _app_with(tmp_path, "0001_a.py", "0002_b.py")
    sums.update(app)
    versions = app.migrations_dir / "versions"
    (versions / "0001_a.py").write_text("# edited\n")
    (versions / "0003_c.py").write_text("# added\n")
    outcome = sums.integrity(Context(app, URL.create("postgresql")))
    assert outcome.status == Status.FAIL
    assert outcome.summary == (
        "2 unrecorded change(s): changed versions/0001_a.py; if deliberate, run `strata check --update-sums`"
    )
    assert outcome.details == ["changed versions/0001_a.py", "added versions/0003_c.py"]
