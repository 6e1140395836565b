"""`strata seed` refuses bad input in one line, exit 1, and writes nothing."""

import sys
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import URL
from strata import apps
from strata.catalog.contents import row_counts
from strata.cli import main
from strata.connection.connect import connect
from strata.seed import seed_app
from strata.testing import templates
from strata.testing.server import unique_name

Run = Callable[..., tuple[int, str]]
APP = apps.discover()["narraforge"]  # the smallest app: seven tables, no vectors


@pytest.fixture
def migrated(strata_server: URL) -> Iterator[URL]:
    """A database of APP at head, dropped afterwards."""
    cloner = templates.Cloner(strata_server)
    name = unique_name("refuse", "w")
    yield cloner.clone(templates.ensure_template(strata_server, APP)[0], name)
    cloner.drop(name)
    cloner.close()


@pytest.fixture
def strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `strata seed …` in process; returns (exit code, last line of stderr)."""

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["strata", "seed", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        _out, err = capsys.readouterr()
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        return int(exited.value.code or 0), lines[-1] if lines else ""

    return run


def _url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _rows(url: URL) -> int:
    return sum(row_counts(url).values())


def test_a_database_that_already_has_rows_without_append(strata: Run, migrated: URL) -> None:
    seed_app(APP, migrated, scale=0.5)
    before = row_counts(migrated)
    code, line = strata("--app", APP.name, "--database-url", _url(migrated), "--yes")
    assert code == 1
    assert "already holds" in line
    assert "--append" in line
    assert row_counts(migrated) == before


def test_a_database_not_at_head(strata: Run, strata_empty_url: URL) -> None:
    code, line = strata("--app", APP.name, "--database-url", _url(strata_empty_url), "--yes")
    assert code == 1
    assert "not at head" in line
    assert "strata up" in line
    assert _rows(strata_empty_url) == 0


def test_a_read_only_database(strata: Run, migrated: URL) -> None:
    with connect(migrated, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{migrated.database}" SET default_transaction_read_only = on')
    code, line = strata("--app", APP.name, "--database-url", _url(migrated), "--yes")
    assert code == 1
    assert "read-only" in line
    assert _rows(migrated) == 0


def test_a_database_nobody_is_listening_on(strata: Run, tmp_path: object) -> None:
    code, line = strata("--app", APP.name, "--database-url", f"postgresql://postgres@/db?host={tmp_path}", "--yes")
    assert code == 1
    assert "cannot reach PostgreSQL" in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--app", "no_such_app"), "unknown app 'no_such_app'"),
        (("--scale", "0"), "--scale must be positive"),
        (("--scale", "-2"), "--scale must be positive"),
    ],
)
def test_arguments(strata: Run, args: tuple[str, ...], expected: str) -> None:
    code, line = strata(*args)
    assert code == 1
    assert expected in line


def test_another_database_is_not_seeded_without_confirmation(strata: Run, migrated: URL) -> None:
    code, line = strata("--app", APP.name, "--database-url", _url(migrated))
    assert code == 1
    assert "without confirmation" in line
    assert "--yes" in line
    assert _rows(migrated) == 0


def test_a_failure_halfway_leaves_nothing_behind(migrated: URL, monkeypatch: pytest.MonkeyPatch) -> None:
    """All tables are written in one transaction: a table that fails undoes the ones before it."""
    from strata.seed import run

    written: list[str] = []
    real_write = run.write  # type: ignore[attr-defined]

    def write_then_fail(connection, generated, advance=None):  # type: ignore[no-untyped-def]
        if written:
            raise RuntimeError("disk full")
        written.append(generated.table.name)
        return real_write(connection, generated, advance)

    monkeypatch.setattr(run, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        seed_app(APP, migrated)
    assert written
    assert _rows(migrated) == 0


def test_append_is_accepted_where_rows_exist(strata: Run, migrated: URL) -> None:
    seed_app(APP, migrated, scale=0.5)
    before = _rows(migrated)
    code, _line = strata("--app", APP.name, "--database-url", _url(migrated), "--yes", "--append", "--scale", "0.5")
    assert code == 0
    assert _rows(migrated) == 2 * before


def test_a_row_the_seed_hook_writes_and_the_database_rejects_is_one_line_and_nothing_is_written(
    strata: Run, migrated: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    from strata.seed import run

    def seed(ctx: run.SeedContext) -> None:
        ctx.add("jobs", status="bogus")

    monkeypatch.setattr(run, "seed_module", lambda _app: SimpleNamespace(seed=seed))
    code, line = strata("--app", APP.name, "--database-url", _url(migrated), "--yes")
    assert code == 1
    assert "the seed() hook in seed.py wrote a row the database rejected" in line
    assert "jobs does not allow this row: it fails ck_jobs_status_valid" in line
    assert _rows(migrated) == 0
