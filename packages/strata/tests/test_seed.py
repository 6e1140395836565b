"""`strata seed` on every installed app: every table filled, every FK resolving, the same bytes for the same seed."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import URL
from strata import App, apps
from strata.engines import sync_engine
from strata.seed import seed_app
from strata.seed.run import reflect
from strata.testing import templates
from strata.testing.server import subprocess_env, unique_name

Clone = Callable[[App], URL]
APPS = list(apps.discover().values())


@pytest.fixture
def clone(strata_server: URL) -> Iterator[Clone]:
    """Migrated databases of any app, dropped after the test."""
    cloner = templates.Cloner(strata_server)
    made: list[str] = []

    def make(app: App) -> URL:
        template, _built = templates.ensure_template(strata_server, app)
        made.append(unique_name("seed", "w"))
        return cloner.clone(template, made[-1])

    yield make
    for name in made:
        cloner.drop(name)
    cloner.close()


def _tables(url: URL) -> tuple[MetaData, dict[str, tuple[int, str]]]:
    """The reflected tables, and (row count, md5 of every row in order) per table."""
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            metadata = reflect(connection)
            sums = {
                name: connection.execute(
                    text(f'SELECT count(*), md5(string_agg(t::text, \'|\' ORDER BY t::text)) FROM "{name}" t')
                ).one()
                for name in metadata.tables
            }
            dangling = [
                f"{fk.parent.table.name}.{fk.parent.name}"
                for table in metadata.tables.values()
                for fk in table.foreign_keys
                if connection.execute(
                    text(
                        f'SELECT count(*) FROM "{table.name}" c WHERE c."{fk.parent.name}" IS NOT NULL AND NOT EXISTS '
                        f'(SELECT 1 FROM "{fk.column.table.name}" p WHERE p."{fk.column.name}" = c."{fk.parent.name}")'
                    )
                ).scalar()
            ]
            misordered = [
                name
                for name, table in metadata.tables.items()
                if {"created_at", "updated_at"} <= set(table.c.keys())
                and connection.execute(text(f'SELECT count(*) FROM "{name}" WHERE updated_at < created_at')).scalar()
            ]
    finally:
        engine.dispose()
    assert dangling == [], "FKs that point nowhere (the schema's FKs would have refused them)"
    assert misordered == [], "tables where updated_at precedes created_at"
    return metadata, {name: (int(row[0]), str(row[1])) for name, row in sums.items()}


def _seed_in_another_process(app: App, url: URL, seed: int, home: Path) -> None:
    """`strata seed` as a user runs it: a fresh interpreter, so nothing computed once per process can be shared."""
    args = ["seed", "--app", app.name, "--seed", str(seed), "--database-url", url.render_as_string(False), "--yes"]
    env = subprocess_env(STRATA_HOME=str(home))
    done = subprocess.run([sys.executable, "-m", "strata", *args], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("app", APPS, ids=[app.name for app in APPS])
def test_seed_fills_every_table_and_the_same_seed_gives_the_same_bytes(
    app: App, clone: Clone, tmp_path: Path
) -> None:
    first, second, other = clone(app), clone(app), clone(app)
    report = seed_app(app, first, scale=1, seed=7)
    _seed_in_another_process(app, second, 7, tmp_path)
    seed_app(app, other, scale=1, seed=8)
    metadata, sums = _tables(first)
    assert set(sums) == set(metadata.tables)
    assert [name for name, (rows, _md5) in sums.items() if rows == 0] == []
    assert report.rows == {name: rows for name, (rows, _md5) in sums.items()}
    assert _tables(second)[1] == sums
    assert _tables(other)[1] != sums, "another seed must give other data"


def test_append_adds_rows_without_breaking_unique_columns(clone: Clone) -> None:
    app = apps.discover()["codestory"]  # unique emails and key hashes, and a hook that must not run twice
    url = clone(app)
    seed_app(app, url, seed=1, scale=0.5)
    before = _tables(url)[1]
    seed_app(app, url, seed=1, scale=0.5, append=True)
    after = _tables(url)[1]
    assert all(after[name][0] > rows for name, (rows, _md5) in before.items())


def test_scale_multiplies_the_rows_the_app_declares(clone: Clone) -> None:
    app = apps.discover()["course_supporter"]  # declares ROWS and has no hook adding rows
    small = seed_app(app, clone(app), scale=1, seed=0)
    large = seed_app(app, clone(app), scale=3, seed=0)
    assert small.rows["courses"] == 5
    assert large.rows == {name: 3 * rows for name, rows in small.rows.items()}
