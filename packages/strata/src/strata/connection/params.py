"""What a URL's query says about how to connect, split from where to connect.

`?pgbouncer=true` (Prisma's convention) marks a URL as going through a
transaction pooler. No driver understands it, so it is stripped before
connecting. The libpq TLS parameters pass through to psycopg, whose libpq
reads them; asyncpg takes TLS as one `ssl=` argument instead (see `tls`).
"""

from sqlalchemy.engine import URL

POOLER_MARKER = "pgbouncer"
TLS_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey")
_TRUE = {"true", "1", "yes", "on"}


def query_value(url: URL, name: str) -> str | None:
    """A query parameter's value (the first, if given several times)."""
    value = url.query.get(name)
    if isinstance(value, tuple):
        value = value[0] if value else None
    return value


def is_pooled(url: URL) -> bool:
    """Whether the URL is marked as going through a transaction pooler."""
    return (query_value(url, POOLER_MARKER) or "").lower() in _TRUE


def mark_pooled(url: URL) -> URL:
    return url.update_query_dict({POOLER_MARKER: "true"})


def without(url: URL, *names: str) -> URL:
    """The URL without the query parameters `names`."""
    return url.difference_update_query(names)


def for_driver(url: URL) -> URL:
    """The URL a driver may see: strata's own marker removed."""
    return without(url, POOLER_MARKER)
