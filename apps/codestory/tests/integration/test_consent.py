"""Consent means yes: `CONFIRM=no make db-downgrade` on a database that is not the embedded one changes nothing.

The review's attack, run as it was: make reads CONFIRM from the environment, and
any non-empty value used to count as consent, so the downgrade dropped every table.
"""

import subprocess

from codestory.app import APP
from sqlalchemy.engine import URL
from strata.catalog.contents import row_counts
from strata.connection.connect import connect
from strata.testing.server import subprocess_env


def _make(url: URL, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    variables = subprocess_env(CODESTORY_DATABASE_URL=url.render_as_string(hide_password=False), **env)
    return subprocess.run(
        ["make", "-s", "db-downgrade", *args],
        cwd=APP.root,
        env=variables,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_confirm_no_from_the_environment_refuses_and_confirm_yes_consents(strata_fresh_url: URL) -> None:
    with connect(strata_fresh_url) as conn:
        conn.execute("INSERT INTO users (id, email) VALUES (gen_random_uuid(), 'keep@example.org')")
        conn.commit()

    refused = _make(strata_fresh_url, CONFIRM="no")
    assert refused.returncode != 0
    assert "error: CONFIRM='no' is not consent; nothing was changed." in refused.stderr
    assert row_counts(strata_fresh_url)["users"] == 1

    consented = _make(strata_fresh_url, "CONFIRM=yes")
    assert consented.returncode == 0, consented.stderr
    assert "users" not in row_counts(strata_fresh_url)
