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

_URL_START = re.compile(r"""(?:^|(?<=[\s(\[{<'"=,;]))[A-Za-z][A-Za-z0-9+.-]*://""")
_ACCEPTED_SCHEMES = {"postgresql", "postgres"}
URL_EXAMPLE = "postgresql://user:password@host:5432/dbname"

# The query parameters strata passes on; anything else is refused by name rather than
# handed to a driver that would fail on it with a traceback.
ACCEPTED_PARAMETERS = (
    "host",
    "port",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "pgbouncer",
    "application_name",
    "connect_timeout",
    "options",
    "target_session_attrs",
)


def _mask_one(url: str) -> str:
    """Mask the password of one URL: from the first `:` after the user to the last `@`."""
    scheme, separator, rest = url.partition("://")
    at = rest.rfind("@")
    colon = rest.find(":", 0, at)
    if at < 0 or colon < 0:
        return url
    return f"{scheme}{separator}{rest[: colon + 1]}***{rest[at:]}"


def mask_text(text: str) -> str:
    """Replace the password of every URL inside `text` with ***.

    The netloc is not parsed by a URL library, which stops at the first `@` or `/`:
    a password may hold `@`, `:`, `/`, spaces or anything else, and a URL that is
    invalid must be masked too. A URL is taken to run to the next URL or the end of
    its line, so at worst a little more than the password is hidden, never less.
    This is the one place strata masks; `mask` calls it.
    """
    lines = text.splitlines(keepends=True) or [text]
    masked = []
    for line in lines:
        starts = [match.start() for match in _URL_START.finditer(line)]
        if not starts:
            masked.append(line)
            continue
        pieces = [line[: starts[0]]]
        for begin, end in zip(starts, [*starts[1:], len(line)], strict=True):
            pieces.append(_mask_one(line[begin:end]))
        masked.append("".join(pieces))
    return "".join(masked)


def mask(url: str | URL) -> str:
    """The URL as a string, safe to print (socket paths stay readable)."""
    if isinstance(url, URL):
        return unquote(mask_text(url.render_as_string(hide_password=False)))
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
    unknown = sorted(set(url.query) - set(ACCEPTED_PARAMETERS))
    if unknown:
        raise StrataError(
            f"{source} has a parameter strata does not know: {', '.join(unknown)} ({mask(url)}); "
            f"remove it, or use one of {', '.join(ACCEPTED_PARAMETERS)}"
        )
    return with_driver(url, driver)


def with_driver(url: URL, driver: Driver) -> URL:
    """The same URL for another driver."""
    return url.set(drivername=f"postgresql+{driver}")


def without_password(url: URL) -> URL:
    """The same URL with no password (`URL.set(password=None)` would keep it)."""
    return url._replace(password=None)


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
