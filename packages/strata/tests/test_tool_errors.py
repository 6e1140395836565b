"""A bundled tool that fails is quoted by its error line, not by the hint or cleanup printed after it.

`strata up --replicas 99999` used to end in `pg_basebackup: removing contents of data
directory …`, and the cause (max_wal_senders) was nowhere in the message.
"""

from pathlib import Path

import pytest
from strata.errors import StrataError
from strata.server import process


def test_a_failed_pg_basebackup_is_quoted_by_its_error_not_its_hint(tmp_path: Path) -> None:
    with pytest.raises(StrataError) as failed:
        process.run(
            ["pg_basebackup", "-D", str(tmp_path / "copy"), "-d", f"host={tmp_path / 'no-server'} dbname=postgres"],
            what="pg_basebackup for replica 1",
        )
    message = str(failed.value)
    assert message.startswith("pg_basebackup for replica 1 failed: pg_basebackup: error: connection to server")
    assert "Is the server running" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("output", "quoted"),
    [
        (
            'pg_basebackup: error: FATAL:  number of requested standby connections exceeds "max_wal_senders"\n'
            'pg_basebackup: removing contents of data directory "/x/data"\n',
            'pg_basebackup: error: FATAL:  number of requested standby connections exceeds "max_wal_senders"',
        ),
        ("first line\nno marks here\n", "no marks here"),
        ("  \n", "no output"),
    ],
    ids=["error then cleanup", "no error line", "nothing"],
)
def test_the_cause_is_the_first_error_line_or_else_the_last_line(output: str, quoted: str) -> None:
    assert process.cause(output) == quoted
