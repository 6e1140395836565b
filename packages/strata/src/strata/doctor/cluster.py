"""The cluster's own state: its control file, the WAL its last checkpoint needs, and whether it starts."""

from strata.doctor import Finding
from strata.errors import StrataError
from strata.server import EmbeddedServer, process


def _start_over(server: EmbeddedServer) -> str:
    return f"restore {server.home} from a backup, or move it aside and run `make up` to start over (its data is lost)"


def control_data(server: EmbeddedServer) -> dict[str, str]:
    """pg_controldata's report as a dict; a StrataError when the control file cannot be read."""
    output = process.run(["pg_controldata", "-D", str(server.data_dir)], what="pg_controldata")
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


def cluster_findings(server: EmbeddedServer) -> list[Finding]:
    """What keeps the embedded server from running, checked before and by starting it."""
    lost = server.lost()
    if lost is not None:
        return [Finding("embedded server", *lost)]
    if not server.has_cluster():
        return []  # no cluster yet: the next `strata up` makes one
    where = f"embedded server ({server.data_dir})"
    try:
        control = control_data(server)
    except StrataError as error:
        return [Finding(where, f"the control file cannot be read ({error})", _start_over(server))]
    redo_segment = control.get("Latest checkpoint's REDO WAL file", "")
    if redo_segment and not (server.data_dir / "pg_wal" / redo_segment).is_file():
        problem = f"pg_wal/{redo_segment}, which holds the last checkpoint, is missing, so the server cannot start"
        return [Finding(where, problem, _start_over(server))]
    try:
        server.ensure_running()
    except StrataError as error:
        return [Finding(where, str(error).partition("; run `strata doctor`")[0], _start_over(server))]
    return []
