"""Database URLs: accept what hosting providers hand out, never print a password.

Providers give `postgresql://user:pw@host:5432/db`; SQLAlchemy needs the driver
in the scheme. Strata adds it, and every URL that reaches a message goes
through `mask` first.
"""

import re
from typing import Literal
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

Driver = Literal["psycopg", "asyncpg"]
DRIVERS: tuple[Driver, ...] = ("psycopg", "asyncpg")

_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")
_ACCEPTED_SCHEMES = {"postgresql", "postgres"}
URL_EXAMPLE = "postgresql://user:password@host:5432/dbname"


def mask_text(text: str) -> str:
    """Replace the password of any URL inside `text` with ***."""
    return _PASSWORD_IN_URL.sub(r"\1***\3", text)


def mask(url: str | URL) -> str:
    """The URL as a string, safe to print (socket paths stay readable)."""
    if isinstance(url, URL):
        return unquote(url.render_as_string(hide_password=True))
    return mask_text(url)


def parse(raw: str, *, driver: Driver, source: str) -> URL:
    """Parse a user-given URL and put `driver` into its scheme.

    `source` names where the URL came from (an environment variable, a flag),
    so the error can say what to fix.
    """
    from strata.errors import StrataError

    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise StrataError(f"{source} is not a valid database URL ({mask(raw)}); expected {URL_EXAMPLE}") from None
    backend, _, given_driver = url.drivername.partition("+")
    if backend not in _ACCEPTED_SCHEMES:
        raise StrataError(
            f"{source} points at '{backend}' ({mask(url)}), but strata needs PostgreSQL; use {URL_EXAMPLE}"
        )
    if given_driver and given_driver not in DRIVERS:
        raise StrataError(
            f"{source} asks for driver '{given_driver}', which strata does not support; "
            f"use postgresql:// or postgresql+{'/+'.join(DRIVERS)}://"
        )
    if not url.database:
        raise StrataError(f"{source} names no database ({mask(url)}); expected {URL_EXAMPLE}")
    return with_driver(url, driver)


def with_driver(url: URL, driver: Driver) -> URL:
    """The same URL for another driver."""
    return url.set(drivername=f"postgresql+{driver}")


def libpq(url: URL) -> str:
    """The URL in the form libpq tools (psql, psycopg.connect) take."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def where(url: URL) -> str:
    """Where a URL points, for messages: host:port or the socket directory."""
    host = url.host or url.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if not host:
        return "the default socket"
    if host.startswith("/"):
        return f"socket {host}"
    return f"{host}:{url.port or 5432}"
