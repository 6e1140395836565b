"""`strata up --replicas N` on a laptop: hot standbys the app reads from, lag in status, stopped by down."""

import json
import subprocess
from pathlib import Path

from strata import cli
from strata.server import EmbeddedServer
from strata.server.replicas import standby_of
from strata.testing.commands import run_python
from strata.testing.server import in_process_env, subprocess_env
from typer.testing import CliRunner, Result

READ_PROBE = """
import asyncio
from sqlalchemy import text
from course_supporter.storage.database import get_read_session, get_session

async def main():
    for dependency in (get_session, get_read_session):
        async for session in dependency():
            row = (await session.execute(text("SELECT pg_is_in_recovery(), count(*) FROM courses"))).one()
            print(dependency.__name__, *row)

asyncio.run(main())
"""


def test_up_with_replicas_status_and_down(tmp_path: Path) -> None:
    """`up` and the app's reads run as processes of their own; `status` and `down` in this one (CliRunner)."""
    home = tmp_path / "home"
    env = subprocess_env(STRATA_HOME=str(home), COLUMNS="80")  # a CI log: the read URL still comes whole

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_python(*args, cwd=tmp_path, env=env, timeout=180)

    def strata(*args: str) -> Result:
        return CliRunner().invoke(cli.app, list(args), env=in_process_env(STRATA_HOME=str(home)))

    primary = EmbeddedServer(home)
    try:
        up = run("-m", "strata", "up", "--app", "course_supporter", "--replicas", "1")
        assert up.returncode == 0, up.stderr
        standby = standby_of(primary, 1)
        assert f"  postgresql://postgres@/course_supporter?host={standby.socket_dir}" in up.stdout.splitlines()

        status = strata("status", "--json")
        assert status.exit_code == 0, status.output
        report = json.loads(status.stdout)
        (replica,) = report["replicas"]
        assert (replica["replica"], replica["state"]) == ("replica 1", "streaming")
        assert isinstance(replica["lag_bytes"], int)
        assert replica["url"] == f"postgresql://postgres@/postgres?host={standby.socket_dir}"  # psql takes it
        assert isinstance(report["server"]["pid"], int)
        shown = run("-m", "strata", "status")  # at 80 columns, each value on a line of its own and never cut
        assert shown.returncode == 0, shown.stderr
        assert f"  url: {replica['url']}" in shown.stdout.splitlines()

        reads = run("-c", READ_PROBE)  # no URL set: the app uses the embedded server and its replica
        assert reads.returncode == 0, reads.stderr
        found = [line for line in reads.stdout.splitlines() if line.startswith("get_")]
        assert found == ["get_session False 0", "get_read_session True 0"]
    finally:
        down = strata("down")
    assert down.exit_code == 0, down.output
    assert "1 local replica(s) stopped" in down.stdout
    assert not (standby.data_dir / "postmaster.pid").exists()
    standby.discard()
    primary.discard()
