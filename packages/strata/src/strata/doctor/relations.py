"""Damage inside one database: pg_amcheck on heaps and B-trees, then a read of every block of every relation.

pg_amcheck proves the structure of tables and B-tree indexes; the read
(pg_prewarm in `read` mode) reaches every relation with storage, so a deleted
or truncated file of any kind (an HNSW or GIN index, a sequence) is found too.
Both need an extension in the database; one that doctor installs it removes
again.
"""

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import URL

from strata.apps import App
from strata.connection.connect import connect
from strata.connection.params import for_driver
from strata.connection.urls import libpq, without_password
from strata.doctor import Finding
from strata.server.process import binary

_HEADER = re.compile(r'^(heap table|btree index|toast table|relation) "[^".]*\.([^"]+)"(?:, (.*))?:$')
_WITH_STORAGE = """
    SELECT c.oid, format('%I.%I', n.nspname, c.relname), c.relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'i', 't', 'm', 'S') AND c.relpersistence <> 't'
    ORDER BY n.nspname, c.relname
"""
_KINDS = {"r": "table", "i": "index", "t": "toast table", "m": "materialized view", "S": "sequence"}
_AMCHECK_KINDS = {"heap table": "table", "btree index": "index"}


def database_findings(app: App, url: URL) -> list[Finding]:
    """Every damaged relation of `app`'s database, one finding each."""
    found: dict[str, Finding] = {}
    with _extensions(url, "amcheck", "pg_prewarm"):
        for finding in [*_amcheck(app, url), *_read_every_relation(app, url)]:
            found.setdefault(finding.where, finding)
    return list(found.values())


def _fix(app: App, kind: str, relation: str) -> str:
    if "index" in kind:
        return f"strata psql {app.name} -c 'REINDEX INDEX {relation}'"
    return f"restore the database from a backup, or `strata reset --app {app.name}` to rebuild it (its rows are lost)"


@contextmanager
def _extensions(url: URL, *names: str) -> Iterator[None]:
    with connect(url, autocommit=True) as connection:
        present = {str(row[0]) for row in connection.execute("SELECT extname FROM pg_extension")}
        added = [name for name in names if name not in present]
        for name in added:
            connection.execute(f"CREATE EXTENSION {name}")
        try:
            yield
        finally:
            for name in added:
                connection.execute(f"DROP EXTENSION IF EXISTS {name}")


def _amcheck(app: App, url: URL) -> list[Finding]:
    environment = dict(os.environ) | ({"PGPASSWORD": str(url.password)} if url.password is not None else {})
    done = subprocess.run(
        [str(binary("pg_amcheck")), "--heapallindexed", libpq(for_driver(without_password(url)))],
        env=environment,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    findings: list[Finding] = []
    for header, message in _reports(done.stdout):
        kind, relation, place = header.groups()
        kind = _AMCHECK_KINDS.get(kind, kind)
        where = f"{app.name}: {kind} {relation}"
        problem = f"{message}{f' ({place})' if place else ''}"
        findings.append(Finding(where, problem, _fix(app, kind, relation)))
    if done.returncode not in (0, 2) and not findings:
        lines = (done.stderr or done.stdout).strip().splitlines()
        findings.append(Finding(f"{app.name}: pg_amcheck", lines[-1] if lines else "failed", "see the message"))
    return findings


def _reports(output: str) -> Iterator[tuple[re.Match[str], str]]:
    """pg_amcheck's `kind "db.schema.name"[, place]:` headers, each with its first indented message."""
    header: re.Match[str] | None = None
    for line in output.splitlines():
        matched = _HEADER.match(line)
        if matched:
            header = matched
        elif header is not None and line.strip():
            yield header, line.strip().removeprefix("ERROR:").strip()
            header = None


def _read_every_relation(app: App, url: URL) -> list[Finding]:
    findings: list[Finding] = []
    with connect(url, autocommit=True) as connection:
        for oid, relation, relkind in connection.execute(_WITH_STORAGE).fetchall():
            kind = _KINDS[str(relkind)]
            try:
                connection.execute("SELECT pg_prewarm(%s::oid, 'read')", (oid,))
            except psycopg.Error as error:
                problem = str(error).strip().splitlines()[0]
                findings.append(Finding(f"{app.name}: {kind} {relation}", problem, _fix(app, kind, str(relation))))
    return findings
