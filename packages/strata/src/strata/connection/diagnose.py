"""Turn driver exceptions into one line that names the problem and the fix.

psycopg, asyncpg and SQLAlchemy each wrap connection failures differently;
users should not need to know which one they hit, and must never see the
password, even when a driver echoes the URL back.
"""

import re

from sqlalchemy.engine import URL

from strata.connection.urls import mask, mask_text, where
from strata.errors import StrataError

_UNREACHABLE = (
    "connection refused",
    "could not translate host name",
    "name or service not known",
    "temporary failure in name resolution",
    "no route to host",
    "timeout expired",
    "timed out",
    "no such file or directory",
    "network is unreachable",
    "connect call failed",
    "nodename nor servname",
)


def scrub(text: str, url: URL) -> str:
    """`text` without the URL's password, in any form."""
    text = mask_text(text)
    if url.password:
        text = text.replace(str(url.password), "***")
    return text


def _root_message(error: BaseException) -> str:
    """The line of a driver message that says what went wrong, without its preamble."""
    inner = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    telling = [line for line in lines if any(marker in line.lower() for marker in _UNREACHABLE)]
    line = (telling or lines or [type(inner).__name__])[0]
    return re.sub(r"^(connection failed: )?connection to server (at|on) .*? failed: ", "", line)


def connection_problem(error: BaseException, url: URL) -> StrataError:
    """Explain why connecting to `url` failed."""
    full = scrub(str(getattr(error, "orig", None) or error), url)
    text = full.lower()
    place = where(url)
    shown = mask(url)
    if "password authentication failed" in text or "invalidpassword" in type(error).__name__.lower():
        return StrataError(
            f"wrong password for user '{url.username}' at {place} ({shown}); fix the password in the database URL"
        )
    if re.search(r'database "[^"]+" does not exist', text):
        return StrataError(
            f"database '{url.database}' does not exist at {place} ({shown}); create it, or fix the name in the URL"
        )
    if re.search(r'role "[^"]+" does not exist', text):
        return StrataError(
            f"user '{url.username}' does not exist at {place} ({shown}); fix the user in the database URL"
        )
    if "ssl required" in text:
        return StrataError(
            f"{place} accepts only TLS connections ({shown}); "
            "use sslmode=require, or verify-full with sslrootcert=<CA file>, instead of sslmode=disable"
        )
    if "certificate verify failed" in text or "unknown ca" in text:
        return StrataError(
            f"the certificate of {place} ({shown}) does not verify: {scrub(_root_message(error), url)}; "
            "point sslrootcert at the CA your provider publishes"
        )
    if any(marker in text for marker in _UNREACHABLE) or isinstance(error, OSError | TimeoutError):
        return StrataError(
            f"cannot reach PostgreSQL at {place} ({shown}): {scrub(_root_message(error), url)}; "
            "check that the server runs and the URL's host and port are right"
        )
    return StrataError(f"cannot connect to {shown}: {scrub(_root_message(error), url)}")
