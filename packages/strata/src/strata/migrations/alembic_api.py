"""Drive an app's own Alembic setup from strata, in process.

The app's `alembic.ini` says `script_location = %(here)s/migrations`, so
`alembic -c apps/<name>/alembic.ini` works from anywhere; strata sets the same
folder from the `App` and hands its URL to `env.py` through `config.attributes`.
"""

import io
from contextlib import redirect_stdout

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from strata.apps import App
from strata.errors import StrataError
from strata.migrations.runner import INVOKED_BY_STRATA


def config(app: App, url: URL | None = None) -> Config:
    if not app.alembic_ini.is_file():
        raise StrataError(f"app {app.name}: {app.alembic_ini} is missing")
    cfg = Config(str(app.alembic_ini), stdout=io.StringIO())
    cfg.set_main_option("script_location", str(app.migrations_dir))
    cfg.attributes[INVOKED_BY_STRATA] = True
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def script_directory(app: App) -> ScriptDirectory:
    return ScriptDirectory.from_config(config(app))


def heads(app: App) -> list[str]:
    return list(script_directory(app).get_heads())


def upgrade(app: App, url: URL, target: str = "head", *, lock_wait: float | None = None) -> None:
    cfg = config(app, url)
    if lock_wait is not None:
        cfg.attributes["strata.lock_wait"] = lock_wait
    with redirect_stdout(io.StringIO()):
        command.upgrade(cfg, target)


def downgrade(app: App, url: URL, target: str = "base") -> None:
    with redirect_stdout(io.StringIO()):
        command.downgrade(config(app, url), target)
