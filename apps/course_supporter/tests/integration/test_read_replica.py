"""get_read_session reads a real streaming replica; get_session writes to the primary."""

from course_supporter.storage import database
from course_supporter.storage.database import get_read_session, get_session
from sqlalchemy.engine import URL
from strata.testing.replica import assert_reads_on_replica_and_writes_on_primary


async def test_get_read_session_reads_the_replica_and_get_session_writes_the_primary(
    strata_replica_env: tuple[URL, URL],
) -> None:
    await assert_reads_on_replica_and_writes_on_primary(
        get_session, get_read_session, *strata_replica_env, dispose=database.database.dispose
    )
