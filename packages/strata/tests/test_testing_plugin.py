"""The test-database plugin keeps tests apart, and rebuilds templates only when migrations change."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from strata import App
from strata.server.admin import database_exists
from strata.testing import ensure_template, template_name
from strata.testing.server import ENV_VARIABLE
from tiny_models import Note, Tag


def _note_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM notes")).scalar_one())


class TestCommittedRowsStayInTheirTest:
    """The two tests run in order; the second must not see the first one's commit."""

    def test_commit_a_row(self, strata_engine: Engine) -> None:
        with strata_engine.begin() as conn:
            conn.execute(text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'x', 'calm')"))
        assert _note_count(strata_engine) == 1

    def test_the_next_test_starts_empty(self, strata_engine: Engine) -> None:
        assert _note_count(strata_engine) == 0


class TestRollbackSessionLeavesNothing:
    def test_commit_inside_the_rollback_session(self, strata_session: Session) -> None:
        note = Note(body="kept only for this test", mood="busy")
        strata_session.add(note)
        strata_session.commit()  # a savepoint, not a real commit
        strata_session.add(Tag(note_id=note.id, label="t"))
        strata_session.commit()
        assert strata_session.scalars(select(Note.body)).all() == ["kept only for this test"]

    def test_the_shared_database_is_empty_again(self, strata_session: Session, strata_shared_url: URL) -> None:
        assert strata_session.scalars(select(Note)).all() == []
        from strata.connection.factory import sync_engine

        engine = sync_engine(strata_shared_url)
        try:
            assert _note_count(engine) == 0
        finally:
            engine.dispose()


async def test_async_rollback_session_runs_on_each_driver(
    strata_async_session: AsyncSession, strata_driver: str
) -> None:
    strata_async_session.add(Note(body=strata_driver, mood="calm"))
    await strata_async_session.commit()
    connection = await strata_async_session.connection()
    assert connection.engine.url.drivername == f"postgresql+{strata_driver}"
    assert (await strata_async_session.scalars(select(Note.body))).all() == [strata_driver]


async def test_async_engine_fixture_runs_on_each_driver(strata_async_engine: AsyncEngine, strata_driver: str) -> None:
    async with strata_async_engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0
    assert strata_async_engine.url.drivername == f"postgresql+{strata_driver}"


def test_a_changed_migration_builds_a_new_template(strata_server: URL, strata_template: str, tiny_copy: App) -> None:
    unchanged, built = ensure_template(strata_server, tiny_copy)
    assert (unchanged, built) == (strata_template, False)  # same files: the session's template

    revision = tiny_copy.migrations_dir / "versions" / "0001_notes.py"
    revision.write_text(revision.read_text().replace("sa.String(length=50)", "sa.String(length=80)"))
    changed, rebuilt = ensure_template(strata_server, tiny_copy)
    assert rebuilt
    assert changed != strata_template
    assert changed == template_name(tiny_copy)
    assert database_exists(strata_server.set(database=changed))
    assert ensure_template(strata_server, tiny_copy) == (changed, False)


WORKER_PROBE = """
import json, os
from sqlalchemy import text

def test_record_{n}(strata_engine):
    with strata_engine.connect() as conn:
        name = conn.execute(text("SELECT current_database()")).scalar_one()
        conn.execute(text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'w', 'calm')"))
        conn.commit()
        count = conn.execute(text("SELECT count(*) FROM notes")).scalar_one()
    record = dict(worker=os.environ.get("PYTEST_XDIST_WORKER"), database=name, count=count)
    with open(os.environ["PROBE_OUT"], "a") as out:
        out.write(json.dumps(record) + "\\n")
"""


def test_xdist_workers_never_share_a_database(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strata_server: URL
) -> None:
    conftest = Path(__file__).with_name("conftest.py").read_text().replace("__file__", repr(__file__))
    pytester.makeconftest(conftest)
    pytester.makepyfile(**{f"test_probe_{n}": WORKER_PROBE.format(n=n) for n in range(6)})
    out = tmp_path / "probe.jsonl"
    monkeypatch.setenv("PROBE_OUT", str(out))
    # Both inner workers on this session's server, as on a shared CI server: only their names keep them apart.
    monkeypatch.setenv(ENV_VARIABLE, strata_server.render_as_string(hide_password=False))
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--import-mode=importlib")
    result.assert_outcomes(passed=6)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["worker"] for r in records} == {"gw0", "gw1"}
    assert len({r["database"] for r in records}) == 6
    assert all(r["count"] == 1 for r in records)
