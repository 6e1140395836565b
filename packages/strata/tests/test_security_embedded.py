"""The embedded server belongs to its owner alone: another local user gets nothing from it.

The attacks are run as they would be: `strata up` as a real process, then psql
as another local user (`nobody`, through runuser, which needs root: CI runs as root).
"""

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from strata.connection.connect import connect
from strata.errors import StrataError
from strata.server import EmbeddedServer, folders, process
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env
from strata.testing.system import require_root, system_binary
from tiny_support import STRATA_WITH_TINY

OTHER_USER = "nobody"


@pytest.fixture(scope="module")
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A strata home two 0700 folders deep, as a clone in `mktemp -d` is."""
    outer = tmp_path_factory.mktemp("private") / "a"
    outer.mkdir(mode=0o700)
    (outer / "b").mkdir(mode=0o700)
    return outer / "b" / ".strata"


@pytest.fixture(scope="module")
def started(private_home: Path) -> Iterator[EmbeddedServer]:
    """`strata up`, run as a user runs it, on that home."""
    require_root("run psql as another local user")
    server = EmbeddedServer(private_home)
    try:
        env = subprocess_env(STRATA_HOME=str(private_home))
        # 600 s: a safety net only, for a loaded CI machine
        done = run_python("-c", STRATA_WITH_TINY, "up", "--app", "tiny", cwd=Path.cwd(), env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        yield server
    finally:
        server.discard()


def _as_other_user(*command: str) -> subprocess.CompletedProcess[str]:
    runuser = system_binary("runuser", package="util-linux")
    return subprocess.run(
        [runuser, "-u", OTHER_USER, "--", *command],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd="/",
    )


@pytest.mark.parametrize("database_user", ["postgres", OTHER_USER, process.SYSTEM_USER])
def test_another_local_user_cannot_connect(started: EmbeddedServer, database_user: str) -> None:
    psql = str(process.binary("psql"))
    done = _as_other_user(
        psql, "-h", str(started.socket_dir), "-U", database_user, "-d", "tiny", "-Atc", "SELECT current_user"
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Permission denied" in done.stderr or "authentication failed" in done.stderr


def test_peer_authentication_refuses_another_user_even_through_an_opened_folder(started: EmbeddedServer) -> None:
    """The second wall: were the folders open, authentication would still say no (it said `trust`)."""
    socket_file = started.socket_dir / ".s.PGSQL.5432"
    opened = (started.server_root, started.socket_dir, socket_file)
    try:
        for path in opened:
            path.chmod(0o777 if path == socket_file else 0o711)
        done = _as_other_user(
            str(process.binary("psql")), "-h", str(started.socket_dir), "-U", "postgres", "-d", "tiny", "-c", "SELECT 1"
        )
    finally:
        for path in opened:
            path.chmod(0o700)
    assert done.returncode != 0
    assert 'Peer authentication failed for user "postgres"' in done.stderr


def test_the_owner_still_connects(started: EmbeddedServer) -> None:
    with connect(started.url("tiny")) as conn:
        assert conn.execute("SELECT current_user, system_user").fetchone() == ("postgres", "peer:root")


def test_the_socket_folder_is_the_server_users_and_private(started: EmbeddedServer) -> None:
    found = os.lstat(started.socket_dir)
    assert stat.S_ISDIR(found.st_mode)
    assert stat.S_IMODE(found.st_mode) == 0o700
    assert found.st_uid == process.server_user().uid


def test_only_peer_authentication_for_the_owners(started: EmbeddedServer) -> None:
    with connect(started.url("postgres")) as conn:
        methods = conn.execute("SELECT DISTINCT type, auth_method, options FROM pg_hba_file_rules").fetchall()
        mapped = conn.execute("SELECT sys_name, pg_username FROM pg_ident_file_mappings").fetchall()
    assert methods == [("local", "peer", ["map=strata"])]
    assert sorted(mapped) == sorted((name, "all") for name in ("root", process.SYSTEM_USER))


def test_the_server_runs_with_its_own_user_and_group(started: EmbeddedServer) -> None:
    pid = (started.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    user = process.server_user()
    assert status["Uid"].split() == [str(user.uid)] * 4
    assert status["Gid"].split() == [str(user.gid)] * 4
    assert status["Groups"].split() == []


def test_the_server_cannot_read_roots_group_readable_files(started: EmbeddedServer) -> None:
    """As in the review: with root's group, the server read a root:root 0640 file for its caller."""
    descriptor, name = tempfile.mkstemp(prefix="strata-root-only-")
    os.write(descriptor, b"root's group only")
    os.close(descriptor)
    os.chmod(name, 0o640)
    try:
        with connect(started.url("postgres")) as conn, pytest.raises(Exception, match="Permission denied"):
            conn.execute("SELECT pg_read_file(%s)", (name,))
    finally:
        os.unlink(name)


def test_no_parent_folder_was_opened_up(started: EmbeddedServer, private_home: Path) -> None:
    for folder in (private_home.parent, private_home.parent.parent, private_home):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
        assert os.stat(folder).st_uid == 0


def test_a_symlinked_home_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    home = tmp_path / ".strata"
    home.symlink_to(target)
    with pytest.raises(StrataError, match="is a symbolic link that strata did not make"):
        EmbeddedServer(home).ensure_running()
    assert list(target.iterdir()) == []
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o700


def test_a_symlinked_start_lock_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / ".strata"
    folders.private_dir(home)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (home / "start.lock").symlink_to(private / "planted")
    with pytest.raises(StrataError, match=r"start\.lock is a symbolic link that strata did not make"):
        EmbeddedServer(home).ensure_running()
    assert not (private / "planted").exists()


def test_a_symlinked_socket_folder_is_refused_and_its_target_keeps_its_owner(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / ".strata", durable=False)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    try:
        server.ensure_running()
        server.stop()
        os.rmdir(server.socket_dir)
        server.socket_dir.symlink_to(private)
        with pytest.raises(StrataError, match="run is a symbolic link that strata did not make"):
            server.ensure_running()
        assert (os.stat(private).st_uid, stat.S_IMODE(os.stat(private).st_mode)) == (os.geteuid(), 0o700)
    finally:
        server.socket_dir.unlink(missing_ok=True)
        server.discard()


def test_a_private_folder_is_refused_when_someone_else_owns_it(tmp_path: Path) -> None:
    require_root("make a folder owned by another user")
    planted = tmp_path / "planted"
    planted.mkdir()
    planted.chmod(0o777)
    os.chown(planted, 65534, 65534)
    with pytest.raises(StrataError, match="belongs to uid 65534"):
        folders.private_dir(planted)
    assert stat.S_IMODE(os.stat(planted).st_mode) == 0o777


def test_a_private_folder_of_ours_is_tightened(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    mine.chmod(0o755)
    folders.private_dir(mine)
    assert stat.S_IMODE(os.stat(mine).st_mode) == 0o700


def test_the_socket_fallback_is_this_users_private_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    found = folders.runtime_dir()
    assert found == Path(tempfile.gettempdir()) / f"strata-{os.geteuid()}"
    details = os.lstat(found)
    assert (details.st_uid, stat.S_IMODE(details.st_mode)) == (os.geteuid(), 0o700)
    assert stat.S_ISDIR(details.st_mode)


def test_an_old_root_run_cluster_in_the_home_is_refused_with_how_to_stop_it(tmp_path: Path) -> None:
    """Such a cluster was made with `trust`; starting a second server beside it would leave it open."""
    require_root("meet a cluster an older strata made as root")
    home = tmp_path / ".strata"
    (home / "data").mkdir(parents=True)
    (home / "data" / "PG_VERSION").write_text("18\n")
    server = EmbeddedServer(home)
    try:
        with pytest.raises(StrataError, match=r"holds a server made by an older strata, which let every local user in"):
            server.ensure_running()
    finally:
        server.discard()


def test_a_server_folder_whose_home_was_deleted_is_swept_by_the_next_new_server(tmp_path: Path) -> None:
    require_root("keep server folders under the server base")
    forgotten = EmbeddedServer(tmp_path / "forgotten", durable=False)
    forgotten.ensure_running()
    forgotten.stop()
    left_behind = forgotten.server_root
    shutil.rmtree(tmp_path / "forgotten")  # as a test's temporary folder goes, without discard()
    kept = EmbeddedServer(tmp_path / "kept", durable=False)
    try:
        assert left_behind.is_dir()
        assert kept.server_root != left_behind  # naming the new server's folder sweeps
        assert not left_behind.exists()
    finally:
        kept.discard()
