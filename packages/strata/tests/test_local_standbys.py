"""Local hot standbys of an embedded server: made by pg_basebackup, counted exactly, stopped and restarted."""

from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from strata import cli
from strata.connection.replication import replica_state
from strata.server import EmbeddedServer
from strata.server.orphans import HOME_FILE
from strata.server.replicas import (
    MAX_LOCAL_REPLICAS,
    ensure_replicas,
    local_replicas,
    start_replicas,
    stop_replicas,
)
from strata.testing.server import in_process_env
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def primary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(tmp_path_factory.mktemp("standbys"), durable=False)
    server.ensure_running()
    yield server
    for standby in local_replicas(server):
        standby.discard()
    server.discard()


def test_replicas_stream_and_their_number_is_exactly_what_was_asked(primary: EmbeddedServer) -> None:
    first, second = ensure_replicas(primary, 2)
    for standby in (first, second):
        assert replica_state(primary.url("postgres"), standby.url("postgres")).in_recovery
    assert first.socket_dir != second.socket_dir != primary.socket_dir
    for standby in (first, second):  # under a base, a replica's folder names its home, so the orphan sweep knows it
        assert standby.server_root == standby.home or (standby.server_root / HOME_FILE).read_text() == str(standby.home)

    (kept,) = ensure_replicas(primary, 1)
    assert kept.home == first.home
    assert not second.home.exists()
    assert [standby.home for standby in local_replicas(primary)] == [first.home]


def test_stopped_replicas_start_again(primary: EmbeddedServer) -> None:
    (standby,) = ensure_replicas(primary, 1)
    assert stop_replicas(primary) == 1
    assert not standby.is_running()
    assert stop_replicas(primary) == 0
    (again,) = start_replicas(primary)
    assert again.is_running()
    assert replica_state(primary.url("postgres"), again.url("postgres")).in_recovery


def test_discarding_a_server_discards_its_replicas(tmp_path: Path) -> None:
    """A test's or a bench's server with replicas is discarded as one: no standby keeps running after it."""
    server = EmbeddedServer(tmp_path / "home", durable=False)
    try:
        (standby,) = ensure_replicas(server, 1)
        folder = standby.server_root
        postmaster = psutil.Process(int((standby.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]))
    finally:
        server.discard()
    assert not postmaster.is_running() or postmaster.status() == psutil.STATUS_ZOMBIE
    assert not folder.exists()
    assert local_replicas(server) == []


def test_more_replicas_than_the_server_has_wal_senders_for_is_refused_before_anything_starts(tmp_path: Path) -> None:
    """Each standby holds one of max_wal_senders (10) and making one takes two.

    A 10th used to fail halfway, with 9 left running.
    """
    home = tmp_path / "home"
    refused = CliRunner().invoke(
        cli.app, ["up", "--replicas", str(MAX_LOCAL_REPLICAS + 1)], env=in_process_env(STRATA_HOME=str(home))
    )
    assert refused.exit_code == 2
    assert "Invalid value for '--replicas'" in refused.output
    assert f"less than or equal to {MAX_LOCAL_REPLICAS}" in refused.output
    assert not home.exists()  # nothing started, nothing written
