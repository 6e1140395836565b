"""`strata check` as a user runs it: every installed app, JSON for CI, and a guarded --database-url."""

import json
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy.engine import URL
from strata.connection.connect import connect
from strata.server import EmbeddedServer
from strata.server.admin import drop_database, ensure_database
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env, unique_name


@pytest.fixture(scope="module")
def strata_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Runs `python -m strata` in a process of its own with its own STRATA_HOME, never the developer's .strata/."""
    home = tmp_path_factory.mktemp("home")
    env = subprocess_env(STRATA_HOME=str(home), COLUMNS="200")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_python("-m", "strata", *args, cwd=Path.cwd(), env=env, timeout=300)

    yield run
    assert run("down").returncode == 0
    EmbeddedServer(home).discard()


def test_check_json_passes_for_every_app_and_validates_against_its_schema(strata_cli) -> None:  # type: ignore[no-untyped-def]
    done = strata_cli("check", "--json")
    report = json.loads(done.stdout)
    schema = json.loads(resources.files("strata.checks").joinpath("report.schema.json").read_text())
    jsonschema.validate(report, schema)
    failures = [
        (a["app"], c["name"], c["summary"]) for a in report["apps"] for c in a["checks"] if c["status"] == "fail"
    ]
    assert failures == []
    warnings = [(a["app"], c["name"]) for a in report["apps"] for c in a["checks"] if c["status"] == "warn"]
    assert warnings == []  # every app's vector column has an ANN index that serves its queries
    assert done.returncode == 0
    assert {a["app"] for a in report["apps"]} >= {
        "course_supporter",
        "study_assistant",
        "codestory",
        "narraforge",
    }
    assert report["ok"] is True


def test_check_prints_a_table_of_apps_by_checks(strata_cli) -> None:  # type: ignore[no-untyped-def]
    done = strata_cli("check", "--app", "narraforge")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in done.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows == dict.fromkeys(
        [
            "single-head",
            "upgrade",
            "matches-models",
            "up-down",
            "no-trace",
            "cascades",
            "fk-indexes",
            "vector-indexes",
            "integrity",
        ],
        "✓",
    )


@pytest.fixture
def non_empty(strata_server: URL) -> Iterator[URL]:
    url = strata_server.set(database=unique_name("busy", "cli"))
    ensure_database(url)
    with connect(url) as conn:
        conn.execute("CREATE TABLE precious (n int)")
        conn.execute("INSERT INTO precious VALUES (1)")
        conn.commit()
    yield url
    drop_database(url)


def test_a_non_empty_database_url_is_refused_and_left_alone(strata_cli, non_empty: URL) -> None:  # type: ignore[no-untyped-def]
    done = strata_cli("check", "--app", "narraforge", "--database-url", non_empty.render_as_string(hide_password=False))
    assert done.returncode == 1
    assert "the database is not empty" in done.stderr
    assert "table precious" in done.stderr
    with connect(non_empty) as conn:
        assert conn.execute("SELECT n FROM precious").fetchall() == [(1,)]


def test_an_empty_database_url_is_checked_and_left_empty(strata_cli, strata_server: URL) -> None:  # type: ignore[no-untyped-def]
    url = strata_server.set(database=unique_name("given", "cli"))
    ensure_database(url)
    try:
        done = strata_cli("check", "--app", "codestory", "--database-url", url.render_as_string(hide_password=False))
        assert done.returncode == 0, done.stdout + done.stderr
        with connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    finally:
        drop_database(url)


def test_update_sums_records_and_reports_changes(tmp_path: Path) -> None:
    from strata.checks import integrity as sums
    from tiny_models import APP

    app_root = tmp_path / "app"
    (app_root / "migrations" / "versions").mkdir(parents=True)
    revision = app_root / "migrations" / "versions" / "0001_x.py"
    revision.write_text("revision = '0001'\n")
    from dataclasses import replace

    app = replace(APP, root=app_root)
    assert sums.update(app) == ["added versions/0001_x.py"]
    assert sums.update(app) == []
    revision.write_text("revision = '0001'  # edited\n")
    assert sums.update(app) == ["changed versions/0001_x.py"]
    revision.unlink()
    assert sums.update(app) == ["removed versions/0001_x.py"]


def test_committed_schema_docs_are_current(strata_cli) -> None:  # type: ignore[no-untyped-def]
    done = strata_cli("docs", "--check")
    assert done.returncode == 0, done.stdout
    assert "are current" in done.stdout
