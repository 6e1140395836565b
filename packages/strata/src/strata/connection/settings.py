"""Where an app's database is, decided the same way for every app.

Order: `<APP>_DATABASE_URL`, then `DATABASE_URL`, then the embedded server's
database named after the app. Both variables may come from a `.env` file,
as pydantic-settings reads it. Nothing is hard-coded and nothing lives in
`alembic.ini`. Read replicas follow the same order with `READ_DATABASE_URL`.
"""

import os
import re
from typing import Any, ClassVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL

from strata.apps import App
from strata.connection.urls import Driver, mask_text, parse, with_driver
from strata.errors import StrataError
from strata.workspace import env_files


class DatabaseVariables(BaseSettings):
    """`<prefix>DATABASE_URL` and its companions, from the environment or `.env`: one reader for every purpose."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    database_url: str | None = None
    read_database_url: str | None = None
    direct_database_url: str | None = None
    database_pooler: str | None = None


def database_variables(prefix: str, app: App | None = None) -> DatabaseVariables:
    """The variables for `prefix` (an app's `<APP>_`, or `""` for the shared ones), with `app`'s `.env` files."""
    return DatabaseVariables(_env_prefix=prefix, _env_file=env_files(app))


# Replica URLs are separated by commas; a comma inside a URL (a password, libpq's host lists) stays in it.
_NEXT_REPLICA = re.compile(r",(?=\s*[a-zA-Z][\w+.-]*://)")

_DURATION = r"^\d+(us|ms|s|min|h|d)?$"
# PostgreSQL keeps timeouts in milliseconds as a 32-bit integer: about 24.8 days.
_MAX_MILLISECONDS = 2**31 - 1
# A bare number counts seconds, as STRATA_MIGRATION_LOCK_WAIT does (PostgreSQL itself would read milliseconds).
_MILLISECONDS_PER_UNIT = {"us": 0.001, "ms": 1, "": 1000, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_TOO_LONG = "at most 24 days (PostgreSQL's limit is 2147483647ms); use a duration such as 5s or 10min"


def _split(value: str) -> tuple[int, str]:
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    return int(number), value[len(number) :]


def _within_postgres_limit(value: str) -> str:
    """The duration as PostgreSQL should read it: a bare number gets its unit, seconds, written out."""
    number, unit = _split(value)
    if number * _MILLISECONDS_PER_UNIT[unit] > _MAX_MILLISECONDS:
        raise ValueError(_TOO_LONG)
    return value if unit else f"{number}s"


def _seconds(value: object) -> object:
    """`500ms`, `5s` or `2min` as seconds; anything else is left to the number check."""
    if isinstance(value, str) and re.fullmatch(_DURATION, value.strip()):
        number, unit = _split(value.strip())
        if unit:
            return number * _MILLISECONDS_PER_UNIT[unit] / 1000
    return value


class StrataSettings(BaseSettings):
    """Strata's own knobs, from `STRATA_*` variables (or `.env`)."""

    model_config = SettingsConfigDict(env_prefix="STRATA_", env_file=".env", extra="ignore")
    migration_lock_wait: float = Field(
        default=60,
        gt=0,
        le=_MAX_MILLISECONDS // 1000,
        allow_inf_nan=False,
        description="Seconds (or a duration: 500ms, 2min) a migration waits for another one on the same database.",
    )
    lock_timeout: str = Field(
        default="5s",
        pattern=_DURATION,
        description="lock_timeout inside migrations (a bare number counts seconds): fail fast, do not queue.",
    )
    statement_timeout: str = Field(
        default="10min", pattern=_DURATION, description="statement_timeout inside migrations (bare number: seconds)."
    )

    online_statement_timeout: str = Field(
        default="0",
        pattern=_DURATION,
        description="statement_timeout for concurrent index builds and VALIDATE CONSTRAINT (0: no limit).",
    )
    lock_retries: int = Field(
        default=3, ge=0, le=100, description="Times a revision that hit lock_timeout is rolled back and run again."
    )
    lock_retry_backoff: float = Field(
        default=1,
        gt=0,
        le=600,
        allow_inf_nan=False,
        description="Seconds (or a duration) before the first retry; each further retry waits twice as long.",
    )

    _durations_fit = field_validator("lock_timeout", "statement_timeout", "online_statement_timeout")(
        _within_postgres_limit
    )
    _wait_in_seconds = field_validator("migration_lock_wait", "lock_retry_backoff", mode="before")(_seconds)


def strata_settings(app: App | None = None) -> StrataSettings:
    """Strata's settings (with `app`'s `.env` files); a bad value is a one-line error naming the variable."""
    try:
        return StrataSettings(_env_file=env_files(app))
    except ValidationError as error:
        first = error.errors()[0]
        name = f"STRATA_{str(first['loc'][0]).upper()}"
        reason = (
            "use a duration such as 500ms, 5s or 1min"
            if first["type"] == "string_pattern_mismatch"
            else str(first["msg"]).removeprefix("Value error, ")
        )
        given = os.environ.get(name, first.get("input"))  # as the user wrote it, before any unit was applied
        raise StrataError(f"{name}={given!r} is invalid: {reason}") from None


def configured_url(app: App) -> tuple[URL, str] | None:
    """The URL the environment gives `app`, with the variable it came from."""
    for prefix in (app.env_prefix, ""):
        raw = database_variables(prefix, app).database_url
        if raw:
            source = f"{prefix}DATABASE_URL"
            return parse(raw, driver=app.driver, source=source), source
    return None


def resolve_url(app: App, *, driver: Driver | None = None) -> URL:
    """The app's database URL; starts the embedded server if nothing is configured."""
    from strata.connection.resolve import apply_pooler_setting

    configured = configured_url(app)
    url = apply_pooler_setting(app, configured[0]) if configured else embedded_url(app)
    return with_driver(url, driver or app.driver)


def configured_read_urls(app: App) -> tuple[list[URL], str] | None:
    """The replica URLs the environment gives `app` (comma-separated), with the variable they came from."""
    for prefix in (app.env_prefix, ""):
        raw = (database_variables(prefix, app).read_database_url or "").strip()
        if raw:
            source = f"{prefix}READ_DATABASE_URL"
            parts = [part.strip() for part in _NEXT_REPLICA.split(raw)]
            if any(not part or part.endswith(",") for part in parts):
                raise StrataError(
                    f"{source} has an empty entry ({mask_text(raw)}); separate replica URLs with single commas"
                )
            return [parse(part, driver=app.driver, source=source) for part in parts], source
    return None


def resolve_read_urls(app: App, *, driver: Driver | None = None) -> list[URL]:
    """Where the app's read sessions go; an empty list means to the primary.

    Configured replicas come first. An app on the embedded server reads from the
    local standbys `strata up --replicas N` made, once they have replayed the
    creation of its database.
    """
    configured = configured_read_urls(app)
    if configured:
        urls = configured[0]
    elif configured_url(app) is None:
        urls = embedded_read_urls(app)
    else:
        urls = []
    return [with_driver(url, driver or app.driver) for url in urls]


def embedded_read_urls(app: App) -> list[URL]:
    """The app's database on each local standby of the embedded server, started on demand."""
    from strata.connection.replication import wait_for_replay
    from strata.server import dev_server
    from strata.server.replicas import local_replicas, start_replicas

    server = dev_server()
    if not local_replicas(server):
        return []
    primary = embedded_url(app)
    standbys = start_replicas(server)
    wait_for_replay(primary, [standby.url("postgres") for standby in standbys])
    return [standby.url(app.name) for standby in standbys]


def embedded_url(app: App) -> URL:
    """The app's database on the embedded server, started and created on demand."""
    from strata.server import dev_server
    from strata.server.admin import ensure_database

    server = dev_server()
    server.ensure_running()
    url = server.url(app.name)
    ensure_database(url)
    return url


class AppSettings(BaseSettings):
    """Base for an app's settings; subclasses set `strata_app` and add their fields.

    `database_url` is resolved on first use, not at import time, so importing
    the settings never starts a server.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    strata_app: ClassVar[App]
    environment: str = "development"

    def __init__(self, **values: Any) -> None:
        """Reads the workspace's `.env` and the app directory's, wherever the process stands."""
        values.setdefault("_env_file", env_files(self.strata_app))
        super().__init__(**values)

    @property
    def database_url(self) -> str:
        return resolve_url(self.strata_app).render_as_string(hide_password=False)

    @property
    def read_database_urls(self) -> list[str]:
        """The replicas read sessions use (empty: read from the primary)."""
        return [url.render_as_string(hide_password=False) for url in resolve_read_urls(self.strata_app)]

    @property
    def is_dev(self) -> bool:
        return self.environment == "development"
