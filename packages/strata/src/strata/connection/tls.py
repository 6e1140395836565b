"""libpq's TLS parameters, as asyncpg's single `ssl=` argument.

Providers hand out URLs such as `...?sslmode=require` (Neon, Supabase, Heroku,
RDS). psycopg passes them to libpq, which understands them. asyncpg takes no
`sslmode` keyword, so strata builds the `ssl.SSLContext` libpq would use:

- disable: no TLS;
- allow, prefer: asyncpg's own advisory modes (TLS if the server offers it);
- require: TLS without verifying the certificate, unless `sslrootcert` is
  given, in which case the chain is verified (libpq does the same);
- verify-ca: the chain must lead to `sslrootcert`; verify-full also checks
  the host name;
- `sslcert` + `sslkey`: a client certificate.
"""

import ssl
from pathlib import Path

from sqlalchemy.engine import URL

from strata.connection.params import TLS_PARAMETERS, query_value
from strata.errors import StrataError

MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_VERIFYING = ("verify-ca", "verify-full")


def sslmode(url: URL) -> str | None:
    """The URL's sslmode, checked against libpq's list."""
    mode = query_value(url, "sslmode")
    if mode is not None and mode not in MODES:
        raise StrataError(f"sslmode={mode!r} in the database URL is not one of {', '.join(MODES)}")
    return mode


def asyncpg_ssl(url: URL) -> ssl.SSLContext | str | bool | None:
    """asyncpg's `ssl=` for the URL's TLS parameters; None when the URL names none."""
    mode = sslmode(url)
    root, cert, key = (query_value(url, name) for name in ("sslrootcert", "sslcert", "sslkey"))
    if mode is None and not (root or cert):
        return None
    mode = mode or "prefer"
    if mode == "disable":
        return False
    if mode in ("allow", "prefer") and not cert:
        return mode
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = mode == "verify-full"
    if root:
        _load_roots(context, root)
    elif mode in _VERIFYING:
        raise StrataError(f"sslmode={mode} needs sslrootcert=<CA file> (or sslrootcert=system) in the database URL")
    else:
        context.verify_mode = ssl.CERT_NONE
    if cert:
        _load_client_certificate(context, cert, key)
    return context


def _load_roots(context: ssl.SSLContext, root: str) -> None:
    context.verify_mode = ssl.CERT_REQUIRED
    if root == "system":
        context.load_default_certs()
        return
    if not Path(root).is_file():
        raise StrataError(f"sslrootcert={root} does not exist; give the CA certificate file your provider publishes")
    context.load_verify_locations(cafile=root)


def _load_client_certificate(context: ssl.SSLContext, cert: str, key: str | None) -> None:
    for name, path in (("sslcert", cert), ("sslkey", key)):
        if path and not Path(path).is_file():
            raise StrataError(f"{name}={path} does not exist; fix the path in the database URL")
    context.load_cert_chain(cert, keyfile=key)


def for_asyncpg(url: URL) -> tuple[URL, dict[str, object]]:
    """The URL without libpq's TLS parameters, and the `ssl` argument that replaces them."""
    argument = asyncpg_ssl(url)
    stripped = url.difference_update_query(TLS_PARAMETERS)
    return stripped, ({} if argument is None else {"ssl": argument})
