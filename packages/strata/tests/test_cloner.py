"""The Cloner's one maintenance connection: released on close, and reopened if it was lost."""

import secrets

from sqlalchemy.engine import URL
from strata.testing.templates import Cloner


def test_close_releases_the_connection_and_the_cloner_reconnects_when_used_again(
    strata_server: URL, strata_template: str
) -> None:
    cloner = Cloner(strata_server)
    name = f"strata_clonertest_{secrets.token_hex(3)}"
    cloner.clone(strata_template, name)
    first = cloner.conn
    cloner.close()
    assert first.closed  # a test session's connection must not outlive it

    cloner.drop(name)  # a closed connection is replaced, not used
    assert cloner.conn is not first
    assert not cloner.conn.closed
    cloner.close()
