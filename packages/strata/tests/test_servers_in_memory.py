"""Test servers keep their folders on the RAM disk; a user's durable server stays on disk unless asked.

Writing a test session's databases to a disk file system cost more kernel time than
anything the tests do themselves (`strata.server.memory`). These tests pin where the
folders go, because a server found in the wrong place is a server lost: `strata down`
or `strata doctor` would look for it where the caller's `durable` says, not where it is.
"""

import os
import shutil
from pathlib import Path

import psutil
import pytest
from sqlalchemy.engine import URL
from strata.connection.connect import connect
from strata.doctor.cluster import cluster_findings
from strata.errors import StrataError
from strata.server import EmbeddedServer, memory
from strata.testing.commands import run_python
from strata.testing.server import ENV_VARIABLE as TEST_SERVER_VARIABLE
from strata.testing.server import subprocess_env
from strata.testing.system import unavailable


def _ram_disk() -> Path:
    base = memory.servers_base()
    if base is None:
        unavailable(f"{memory.RAM_DISK} is not a tmpfs with {memory.MIN_FREE // 1024**3} GB free")
    return base


def test_the_session_server_keeps_its_folders_on_the_ram_disk_unless_told_not_to(strata_server: URL) -> None:
    if os.environ.get(TEST_SERVER_VARIABLE):
        unavailable(f"{TEST_SERVER_VARIABLE} names the server, so strata made none")
    base = _ram_disk()
    assert memory.is_tmpfs(memory.RAM_DISK)
    socket = Path(str(strata_server.query["host"]))
    if os.environ[memory.ENV_VARIABLE] == "0":  # the run was started with STRATA_SERVERS_IN_MEMORY=0
        assert not socket.is_relative_to(memory.RAM_DISK)
    else:
        assert socket.is_relative_to(base)


def test_a_durable_server_goes_to_memory_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _ram_disk()
    monkeypatch.delenv(memory.ENV_VARIABLE, raising=False)
    assert not EmbeddedServer(tmp_path / "user").server_root.is_relative_to(memory.RAM_DISK)
    assert EmbeddedServer(tmp_path / "throwaway", durable=False).server_root.is_relative_to(base)

    monkeypatch.setenv(memory.ENV_VARIABLE, "1")
    asked = EmbeddedServer(tmp_path / "ci")
    assert asked.server_root.is_relative_to(base)
    made = [asked, EmbeddedServer(tmp_path / "throwaway", durable=False)]
    try:
        for server in made:
            server.ensure_running()
        monkeypatch.delenv(memory.ENV_VARIABLE, raising=False)
        # Once made, the home says where its server is, whoever looks: `strata down` does not pass durable=False.
        assert EmbeddedServer(tmp_path / "ci").server_root == asked.server_root
        assert EmbeddedServer(tmp_path / "throwaway").server_root.is_relative_to(base)
    finally:
        for server in made:
            server.discard()


def test_servers_in_memory_0_keeps_even_a_throwaway_server_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ram_disk()
    monkeypatch.setenv(memory.ENV_VARIABLE, "0")
    assert not EmbeddedServer(tmp_path / "home", durable=False).server_root.is_relative_to(memory.RAM_DISK)


@pytest.mark.parametrize("value", ["yes", "true", " 1", "2"])
def test_a_value_other_than_0_or_1_is_refused_in_one_line(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(memory.ENV_VARIABLE, value)
    with pytest.raises(StrataError) as refused:
        _ = EmbeddedServer(tmp_path / "home").server_root
    message = str(refused.value)
    assert f"{memory.ENV_VARIABLE}={value!r}" in message
    assert "\n" not in message
    assert not (tmp_path / "home").exists()  # nothing written


def test_a_ram_disk_without_room_to_spare_or_no_tmpfs_keeps_new_servers_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ram_disk()
    undecided = memory.servers_base.__wrapped__  # the cached answer stays this process's
    monkeypatch.setattr(memory, "MIN_FREE", shutil.disk_usage(memory.RAM_DISK).free + 1024**3)
    assert undecided() is None
    monkeypatch.setattr(memory, "MIN_FREE", 0)
    monkeypatch.setattr(memory, "RAM_DISK", tmp_path)  # a folder, not a tmpfs mount
    assert undecided() is None


_MADE_AND_LEFT = """
import sys
from pathlib import Path
from strata.server import EmbeddedServer
server = EmbeddedServer(Path(sys.argv[1]), durable=False)
server.ensure_running()
print(server.server_root)
"""


def test_a_throwaway_server_whose_process_is_gone_is_stopped_and_swept(tmp_path: Path, strata_server: URL) -> None:
    """As a test session stopped hard leaves its worker's server: running, in memory, with its home still there."""
    _ram_disk()
    made = run_python("-c", _MADE_AND_LEFT, str(tmp_path / "left"), cwd=tmp_path, env=subprocess_env())
    assert made.returncode == 0, made.stderr
    left = Path(made.stdout.strip())
    postmaster = psutil.Process(int((left / "data" / "postmaster.pid").read_text().split("\n", 1)[0]))
    assert postmaster.is_running()  # its process has exited; the server has not

    following = EmbeddedServer(tmp_path / "following", durable=False)
    try:
        assert following.server_root.parent == left.parent  # making its id sweeps the base
        assert not left.exists()
        assert not postmaster.is_running() or postmaster.status() == psutil.STATUS_ZOMBIE  # stopped
        with connect(strata_server) as conn:  # this session's server lives on: its process is here
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        following.discard()


def test_a_server_made_on_disk_stays_there_and_an_id_alone_decides_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exporting STRATA_SERVERS_IN_MEMORY=1 must not hide a user's server behind a new, empty one.

    And reading a server's folders before its first start (which, as root, writes the home's
    id) must not pin a later `STRATA_SERVERS_IN_MEMORY=1 strata up` to the disk. The first
    promise could only break for a plain user (as root the id on disk always kept the server
    there), the second only as root (a plain user's home keeps no id on disk).
    """
    base = _ram_disk()
    monkeypatch.setenv(memory.ENV_VARIABLE, "0")
    made = EmbeddedServer(tmp_path / "user")
    made.ensure_running()
    try:
        looked_at = EmbeddedServer(tmp_path / "looked-at").server_root  # what `strata status` reads
        monkeypatch.setenv(memory.ENV_VARIABLE, "1")
        assert EmbeddedServer(tmp_path / "user").server_root == made.server_root
        assert EmbeddedServer(tmp_path / "user").is_running()
        assert not looked_at.is_relative_to(memory.RAM_DISK)
        assert EmbeddedServer(tmp_path / "looked-at").server_root.is_relative_to(base)
        monkeypatch.setenv(memory.ENV_VARIABLE, "0")  # and an id in memory alone keeps nothing there
        assert not EmbeddedServer(tmp_path / "looked-at").server_root.is_relative_to(memory.RAM_DISK)
    finally:
        made.discard()


def test_a_damaged_id_names_the_folder_that_records_its_home_and_the_sweep_keeps_it(tmp_path: Path) -> None:
    """Removing a damaged id, as its message once said, lost track of a server that was still there."""
    base = _ram_disk()
    server = EmbeddedServer(tmp_path / "home", durable=False)
    server.ensure_running()
    folder = server.server_root
    id_file = tmp_path / "home" / "memory-server-id"
    try:
        server.stop()
        id_file.write_text("not an id")
        with pytest.raises(StrataError) as damaged:
            EmbeddedServer(tmp_path / "home", durable=False).is_running()
        message = str(damaged.value)
        assert f"printf %s {folder.name} > {id_file}" in message
        assert "\n" not in message

        following = EmbeddedServer(tmp_path / "other", durable=False)
        assert following.server_root.parent == base  # making its id sweeps the base
        following.discard()
        assert (folder / "data" / "PG_VERSION").is_file()  # stopped, but its home may still name it

        id_file.write_text(folder.name)  # the fix the message gives
        assert EmbeddedServer(tmp_path / "home", durable=False).has_cluster()
    finally:
        id_file.write_text(folder.name)
        server.discard()


def test_a_durable_server_whose_folder_is_gone_is_refused_not_replaced_by_an_empty_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reboot empties the RAM disk: `strata up` must say the data is gone, not serve an empty database.

    `strata status` and `strata doctor` say so too, instead of "not made yet" and "no damage found".
    """
    _ram_disk()
    monkeypatch.setenv(memory.ENV_VARIABLE, "1")
    home = tmp_path / "ci"
    looked_at = EmbeddedServer(home).describe()  # `strata status` before the first `up` makes nothing
    assert (looked_at["state"], looked_at["data"]) == ("not made", "-")
    assert not home.exists()

    EmbeddedServer(home).url("postgres")  # a URL read before the first start names a folder never made
    try:
        made = EmbeddedServer(home)
        made.ensure_running()  # which is not a lost one
        folder = made.server_root
        made.stop("immediate")
        shutil.rmtree(folder)  # what a reboot does to /dev/shm
        with pytest.raises(StrataError) as refused:
            EmbeddedServer(home).ensure_running()
        message = str(refused.value)
        assert f"the server folder {folder} that {home / 'memory-server-id'} names is gone" in message
        assert "\n" not in message
        assert not folder.exists()  # nothing made in its place
        assert EmbeddedServer(home).describe()["state"] == "lost"
        (finding,) = cluster_findings(EmbeddedServer(home))
        assert "is gone, with its data" in finding.problem
        assert "remove" in finding.fix

        (home / "memory-server-id").unlink()  # the fix the message gives
        EmbeddedServer(home).ensure_running()
        assert EmbeddedServer(home).is_running()
    finally:
        EmbeddedServer(home).discard()
