"""get_read_session reads a real streaming replica; get_db writes to the primary."""

from narraforge.models import database
from narraforge.models.database import get_db, get_read_session
from sqlalchemy.engine import URL
from strata.testing.replica import assert_reads_on_replica_and_writes_on_primary


async def test_get_read_session_reads_the_replica_and_get_db_writes_the_primary(
    strata_replica_env: tuple[URL, URL],
) -> None:
    await assert_reads_on_replica_and_writes_on_primary(
        get_db, get_read_session, *strata_replica_env, dispose=database.database.dispose
    )
