"""`strata seed` on every installed app: every table filled, every FK resolving, the same bytes for the same seed."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import URL
from strata import App, apps
from strata.connection.factory import sync_engine
from strata.seed import seed_app
from strata.seed.run import reflect
from strata.testing import templates
from strata.testing.server import subprocess_env, unique_name

Clone = Callable[[App], URL]
APPS = list(apps.discover().values())


@contextmanager
def clones(server: URL) -> Iterator[Clone]:
    """Migrated databases of any app, dropped at the end."""
    cloner = templates.Cloner(server)
    made: list[str] = []

    def make(app: App) -> URL:
        template, _built = templates.ensure_template(server, app)
        made.append(unique_name("seed", "w"))
        return cloner.clone(template, made[-1])

    try:
        yield make
    finally:
        for name in made:
            cloner.drop(name)
        cloner.close()


@pytest.fixture
def clone(strata_server: URL) -> Iterator[Clone]:
    with clones(strata_server) as make:
        yield make


def _tables(url: URL) -> tuple[MetaData, dict[str, tuple[int, str]]]:
    """The reflected tables, and (row count, md5 of every row in order) per table."""
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            metadata = reflect(connection)
            sums = {
                name: connection.execute(
                    text(f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{name}\" t")
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


_SEED_ALL = """
import sys
from sqlalchemy.engine import make_url
from strata import apps
from strata.seed import seed_app
for name, url in zip(sys.argv[1::2], sys.argv[2::2]):
    seed_app(apps.discover()[name], make_url(url), scale=1, seed=7)
"""


@pytest.fixture(scope="module")
def seeded(strata_server: URL, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[URL, URL]]]:
    """Per app, a database seeded here and one seeded in another interpreter, both with seed 7 at scale 1.

    A fresh interpreter shares nothing computed once per process (a clock read at import, a hash seed).
    """
    with clones(strata_server) as clone:
        pairs = {app.name: (clone(app), clone(app)) for app in APPS}
        for app in APPS:
            seed_app(app, pairs[app.name][0], scale=1, seed=7)
        args = [part for name, (_, url) in pairs.items() for part in (name, url.render_as_string(False))]
        env = subprocess_env(STRATA_HOME=str(tmp_path_factory.mktemp("home")))
        done = subprocess.run(
            [sys.executable, "-c", _SEED_ALL, *args], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        yield pairs


@pytest.mark.parametrize("app", APPS, ids=[app.name for app in APPS])
def test_seed_fills_every_table_and_the_same_seed_gives_the_same_bytes(
    app: App, seeded: dict[str, tuple[URL, URL]]
) -> None:
    here, elsewhere = seeded[app.name]
    metadata, sums = _tables(here)
    assert set(sums) == set(metadata.tables)
    assert [name for name, (rows, _md5) in sums.items() if rows == 0] == []
    assert _tables(elsewhere)[1] == sums


def test_another_seed_gives_other_data(clone: Clone) -> None:
    app = apps.discover()["narraforge"]
    one, two = clone(app), clone(app)
    seed_app(app, one, seed=1)
    report = seed_app(app, two, seed=2)
    sums_one, sums_two = _tables(one)[1], _tables(two)[1]
    assert report.rows == {name: rows for name, (rows, _md5) in sums_two.items()}
    assert all(sums_one[name][1] != sums_two[name][1] for name in sums_one)


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
