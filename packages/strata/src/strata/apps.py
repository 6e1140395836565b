"""Apps declare themselves to strata through the `strata.apps` entry-point group.

A new app needs no change in strata: its `pyproject.toml` names an `App`
object, and the CLI, the checks and the test plugin find it there.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path

from sqlalchemy import MetaData

from strata.connection.urls import Driver
from strata.errors import StrataError

ENTRY_POINT_GROUP = "strata.apps"


@dataclass(frozen=True)
class App:
    """An app's identity: its name, its project directory and how it talks to PostgreSQL.

    `models` is "module:attribute" of the app's declarative base; it is imported
    only when a command needs the metadata. `vector_queries` names the distance
    each vector column is queried with ("table.column": "cosine", "l2",
    "inner_product" or "l1"), so `strata check` can prove an index serves it.
    """

    name: str
    root: Path
    models: str
    driver: Driver = "psycopg"
    async_migrations: bool = False
    vector_queries: Mapping[str, str] = field(default_factory=dict)

    @property
    def alembic_ini(self) -> Path:
        return self.root / "alembic.ini"

    @property
    def migrations_dir(self) -> Path:
        return self.root / "migrations"

    @property
    def env_prefix(self) -> str:
        return f"{self.name.upper()}_"

    def declarative_base(self) -> object:
        """The object `models` names: the app's declarative base (or its MetaData)."""
        module_name, _, attribute = self.models.partition(":")
        target: object = import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
        return target

    def metadata(self) -> MetaData:
        target = self.declarative_base()
        if hasattr(target, "metadata") and not isinstance(target, MetaData):
            target = target.metadata
        if not isinstance(target, MetaData):
            raise StrataError(f"app {self.name}: {self.models} is not a declarative base or MetaData")
        return target


@cache
def discover() -> dict[str, App]:
    """Every installed app, by name."""
    found: dict[str, App] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        app = entry.load()
        if not isinstance(app, App):
            raise StrataError(f"entry point {entry.value} in group {ENTRY_POINT_GROUP} is not a strata.App")
        found[app.name] = app
    return dict(sorted(found.items()))


def select(name: str | None) -> list[App]:
    """The app called `name`, or every app when `name` is None."""
    apps = discover()
    if name is None:
        if not apps:
            raise StrataError(
                f"no strata apps are installed; declare one in the '{ENTRY_POINT_GROUP}' entry-point group"
            )
        return list(apps.values())
    if name not in apps:
        known = ", ".join(apps) or "none"
        raise StrataError(f"unknown app '{name}'; installed apps: {known}")
    return [apps[name]]
