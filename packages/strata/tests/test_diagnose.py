"""The pieces of a connection message: where a URL points, and text without its password."""

import pytest
from psycopg import OperationalError
from sqlalchemy.engine import make_url
from strata.connection.diagnose import connection_problem, scrub
from strata.connection.urls import where


def test_scrub_removes_the_password_inside_and_outside_urls() -> None:
    url = make_url("postgresql://u:Se-cret9@db.example.com/app")
    text = "failed for postgresql://u:Se-cret9@db.example.com/app (password=Se-cret9)"
    assert scrub(text, url) == "failed for postgresql://u:***@db.example.com/app (password=***)"


def test_scrub_leaves_text_alone_when_the_url_has_no_password() -> None:
    assert scrub("role u does not exist", make_url("postgresql://u@h/app")) == "role u does not exist"


def test_where_names_host_and_port_or_the_socket() -> None:
    assert where(make_url("postgresql://u@db.example.com/app")) == "db.example.com:5432"
    assert where(make_url("postgresql://u@db.example.com:6543/app")) == "db.example.com:6543"
    assert where(make_url("postgresql://u@/app?host=/run/pg")) == "socket /run/pg"
    assert where(make_url("postgresql://u@/app")) == "the default socket"


# psycopg's words when "localhost" resolves to two addresses and both refuse.
TWO_ATTEMPTS = """connection failed: connection to server at "::1", port 1 failed: Connection refused
\tIs the server running on that host and accepting TCP/IP connections?
Multiple connection attempts failed. All failures were:
- host: 'localhost', port: '1', hostaddr: '::1': connection failed: connection to server at "::1", port 1 failed: \
Connection refused
- host: 'localhost', port: '1', hostaddr: '127.0.0.1': connection failed: connection to server at "127.0.0.1", \
port 1 failed: Connection refused"""


def test_of_several_failed_attempts_the_first_reason_is_shown_without_its_preamble() -> None:
    problem = connection_problem(OperationalError(TWO_ATTEMPTS), make_url("postgresql://u:pw@localhost:1/app"))
    assert str(problem) == (
        "cannot reach PostgreSQL at localhost:1 (postgresql://u:***@localhost:1/app): Connection refused; "
        "check that the server runs and the URL's host and port are right"
    )


APP_URL = "postgresql://u:pw@db.example.com/app"
REASONS = {
    "a timeout without words": (
        TimeoutError(),  # what asyncpg raises when connect's timeout expires
        "cannot reach PostgreSQL at db.example.com:5432 (postgresql://u:***@db.example.com/app): TimeoutError; "
        "check that the server runs and the URL's host and port are right",
    ),
    "a certificate from an unknown CA": (
        OperationalError(
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
            "SSL error: certificate verify failed"
        ),
        "the certificate of db.example.com:5432 (postgresql://u:***@db.example.com/app) does not verify: "
        "SSL error: certificate verify failed; point sslrootcert at the CA your provider publishes",
    ),
}


@pytest.mark.parametrize("case", list(REASONS))
def test_each_reason_gets_its_own_line(case: str) -> None:
    error, expected = REASONS[case]
    assert str(connection_problem(error, make_url(APP_URL))) == expected


def test_where_names_the_first_of_several_hosts() -> None:
    assert where(make_url("postgresql://u@/app?host=primary.example.com&host=standby.example.com")) == (
        "primary.example.com:5432"
    )
