"""Plain psycopg connections for strata's own maintenance and inspection work."""

import psycopg
from sqlalchemy.engine import URL

from strata.connection.diagnose import connection_problem
from strata.connection.params import for_driver
from strata.connection.urls import libpq

CONNECT_TIMEOUT_SECONDS = 5

# What strata's maintenance and catalog code passes around: a plain psycopg connection with tuple rows.
Conn = psycopg.Connection[tuple[object, ...]]


def connect(url: URL, *, autocommit: bool = False) -> Conn:
    """Connect with a short timeout; failures become a one-line StrataError."""
    try:
        return psycopg.connect(
            libpq(for_driver(url)),
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            prepare_threshold=None,  # safe behind a transaction pooler; maintenance work gains nothing from it
        )
    except psycopg.OperationalError as error:
        raise connection_problem(error, url) from None
