"""Migrated template databases, and cheap clones of them.

A template is built by running the app's real migrations, not `create_all`,
so tests see exactly the schema production gets. Its name carries a digest of
the migration files: change a revision and the next run builds a new
template, keep them and a persistent server reuses the old one. Building
happens under an advisory lock on the maintenance database, so parallel
workers never build the same template at the same moment.
"""

import hashlib

from psycopg import sql
from sqlalchemy.engine import URL

from strata.apps import App
from strata.connection.connect import Conn, connect
from strata.migrations import alembic_api
from strata.migrations.lock import lock_key
from strata.server import admin
from strata.server.admin import maintenance

PREFIX = "strata_"


def migrations_digest(app: App) -> str:
    """SHA-256 over the app's env.py and revision files, names and contents."""
    digest = hashlib.sha256()
    root = app.migrations_dir
    files = sorted([root / "env.py", *root.glob("versions/*.py")])
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def template_name(app: App) -> str:
    return f"{PREFIX}tpl_{app.name}_{migrations_digest(app)[:12]}"[:63]


def ensure_template(server: URL, app: App) -> tuple[str, bool]:
    """The app's migrated template on `server`, and whether this call built it."""
    name = template_name(app)
    building = f"{name[:50]}_build"
    with maintenance(server) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (lock_key(name),))
        try:
            if admin.exists(conn, name):
                return name, False
            admin.drop(conn, building)
            admin.create(conn, building)
            alembic_api.upgrade(app, server.set(database=building))
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(name))
            )
            conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
            return name, True
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (lock_key(name),))


class Cloner:
    """Clones and drops databases over one maintenance connection.

    A PostgreSQL connection forks a backend, which costs milliseconds; a test
    session makes a clone per test, so it keeps one connection for all of them.
    """

    def __init__(self, server: URL):
        self.server = server
        self._conn: Conn | None = None

    @property
    def conn(self) -> Conn:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.server.set(database="postgres"), autocommit=True)
        return self._conn

    def clone(self, template: str, name: str) -> URL:
        """Create database `name` as a copy of `template`; returns its URL."""
        admin.create(self.conn, name, template=template)
        return self.server.set(database=name)

    def create(self, name: str) -> URL:
        """Create the empty database `name`; returns its URL."""
        admin.create(self.conn, name)
        return self.server.set(database=name)

    def drop(self, name: str) -> None:
        admin.drop(self.conn, name)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def clone(server: URL, template: str, name: str) -> URL:
    """Create database `name` as a copy of `template` (one-off; use a Cloner for many)."""
    cloner = Cloner(server)
    try:
        return cloner.clone(template, name)
    finally:
        cloner.close()
