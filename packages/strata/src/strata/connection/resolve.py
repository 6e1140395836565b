"""Which URL each purpose uses, from the environment (or `.env`).

- runtime: `<APP>_DATABASE_URL`, then `DATABASE_URL`, then the embedded server
  (`strata.connection.settings.resolve_url`); marked pooled by `?pgbouncer=true` or by
  `<APP>_DATABASE_POOLER=transaction`.
- migrations (and checks and resets): `<APP>_DIRECT_DATABASE_URL`, then
  `DIRECT_DATABASE_URL` (Prisma's `directUrl`), then the runtime URL unless it
  is marked pooled, in which case the engine factory refuses it in one line.
"""

from sqlalchemy.engine import URL

from strata.apps import App
from strata.connection.params import is_pooled, mark_pooled
from strata.connection.settings import database_variables
from strata.connection.urls import Driver, parse, with_driver
from strata.errors import StrataError

POOLER_MODES = ("transaction", "none")


def pooler_mode(app: App) -> str | None:
    """`<APP>_DATABASE_POOLER`, then `DATABASE_POOLER`, checked."""
    for prefix in (app.env_prefix, ""):
        mode = database_variables(prefix, app).database_pooler
        if mode:
            if mode not in POOLER_MODES:
                raise StrataError(
                    f"{prefix}DATABASE_POOLER={mode!r} is invalid: "
                    "use 'transaction' (PgBouncer, Supabase, Neon) or 'none'"
                )
            return mode
    return None


def apply_pooler_setting(app: App, url: URL) -> URL:
    """The URL marked pooled when the environment says a transaction pooler is in front."""
    return mark_pooled(url) if pooler_mode(app) == "transaction" else url


def direct_url(app: App) -> URL | None:
    """`<APP>_DIRECT_DATABASE_URL`, then `DIRECT_DATABASE_URL`, if set."""
    for prefix in (app.env_prefix, ""):
        raw = database_variables(prefix, app).direct_database_url
        if raw:
            source = f"{prefix}DIRECT_DATABASE_URL"
            url = parse(raw, driver=app.driver, source=source)
            if is_pooled(url):
                raise StrataError(f"{source} is marked pooled (?pgbouncer=true); point it at the server itself")
            return url
    return None


def migration_url(app: App, *, driver: Driver | None = None) -> URL:
    """The URL migrations, checks and resets use (pooled ones are refused when an engine is made)."""
    from strata.connection.settings import resolve_url

    direct = direct_url(app)
    url = direct if direct is not None else resolve_url(app)
    return with_driver(url, driver or app.driver)
