"""Where an app's database is, decided the same way for every app.

Order: `<APP>_DATABASE_URL`, then `DATABASE_URL`, then the embedded server's
database named after the app. Both variables may come from a `.env` file,
as pydantic-settings reads it. Nothing is hard-coded and nothing lives in
`alembic.ini`.
"""

from typing import ClassVar

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL

from strata.apps import App
from strata.errors import StrataError
from strata.urls import Driver, parse, with_driver


class _DatabaseUrlVariable(BaseSettings):
    """Reads `<prefix>DATABASE_URL` from the environment or `.env`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    database_url: str | None = None


_DURATION = r"^\d+(us|ms|s|min|h|d)?$"


class StrataSettings(BaseSettings):
    """Strata's own knobs, from `STRATA_*` variables (or `.env`)."""

    model_config = SettingsConfigDict(env_prefix="STRATA_", env_file=".env", extra="ignore")
    migration_lock_wait: float = Field(
        default=60,
        gt=0,
        description="Seconds a migration waits for another one on the same database.",
    )
    lock_timeout: str = Field(
        default="5s",
        pattern=_DURATION,
        description="lock_timeout inside migrations: fail fast instead of queueing behind traffic.",
    )
    statement_timeout: str = Field(
        default="10min", pattern=_DURATION, description="statement_timeout inside migrations."
    )


def strata_settings() -> StrataSettings:
    """Strata's settings; a bad value is a one-line error naming the variable."""
    try:
        return StrataSettings()
    except ValidationError as error:
        first = error.errors()[0]
        name = f"STRATA_{str(first['loc'][0]).upper()}"
        reason = (
            "use a duration such as 500ms, 5s or 1min" if first["type"] == "string_pattern_mismatch" else first["msg"]
        )
        raise StrataError(f"{name}={first.get('input')!r} is invalid: {reason}") from None


def configured_url(app: App) -> tuple[URL, str] | None:
    """The URL the environment gives `app`, with the variable it came from."""
    for prefix in (app.env_prefix, ""):
        raw = _DatabaseUrlVariable(_env_prefix=prefix).database_url
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


def embedded_url(app: App) -> URL:
    """The app's database on the embedded server, started and created on demand."""
    from strata.admin import ensure_database
    from strata.server import dev_server

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

    @property
    def database_url(self) -> str:
        return resolve_url(self.strata_app).render_as_string(hide_password=False)

    @property
    def is_dev(self) -> bool:
        return self.environment == "development"
