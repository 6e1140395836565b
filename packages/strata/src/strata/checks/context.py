"""What every check gets: the app, its scratch database, and what earlier checks learned."""

from dataclasses import dataclass, field
from functools import cached_property

from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import URL

from strata.apps import App
from strata.migrations import alembic_api


@dataclass
class Context:
    app: App
    url: URL
    baseline: set[str] = field(default_factory=set)

    @cached_property
    def metadata(self) -> MetaData:
        return self.app.metadata()

    @cached_property
    def script(self) -> ScriptDirectory:
        return alembic_api.script_directory(self.app)

    def revisions_base_to_head(self) -> list[str]:
        return [script.revision for script in reversed(list(self.script.walk_revisions()))]
