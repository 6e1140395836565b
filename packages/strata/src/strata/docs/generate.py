"""Build each app's page from a scratch database migrated to head, and compare with what is committed."""

import difflib
import os
from pathlib import Path

from strata.apps import App
from strata.catalog.schema import Schema, read
from strata.connection.connect import connect
from strata.docs import render
from strata.migrations import alembic_api
from strata.server.paths import shown
from strata.server.scratch import scratch_database


def schema_of(app: App) -> Schema:
    with scratch_database(f"docs_{app.name}") as url:
        alembic_api.upgrade(app, url, "heads")
        with connect(url) as conn:
            return read(conn)


def pages(apps: list[App], all_apps: list[App] | None = None) -> dict[str, str]:
    """File name → content for `apps`; the index lists `all_apps`."""
    schemas = {app.name: schema_of(app) for app in all_apps or apps}
    files = {f"{app.name}.md": render.page(app.name, schemas[app.name]) for app in apps}
    files["README.md"] = render.index(schemas)
    return files


def stale(directory: Path, files: dict[str, str]) -> list[str]:
    """Unified diffs between committed files and `files`; empty when the docs are current."""
    diffs: list[str] = []
    for name, content in sorted(files.items()):
        path = directory / name
        current = path.read_text() if path.is_file() else ""
        label = name if os.path.isabs(shown(path)) else shown(path)  # git-style headers: a/docs/schema/x.md
        if current != content:
            diffs += difflib.unified_diff(
                current.splitlines(keepends=True), content.splitlines(keepends=True), f"a/{label}", f"b/{label}"
            )
    return diffs
