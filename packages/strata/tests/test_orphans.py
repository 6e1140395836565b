"""The sweep of server folders whose home is gone never takes a server another process is making."""

from pathlib import Path

from strata.server import orphans

ID_FILE = "server-id"


def _server_folder(servers: Path, name: str, recorded_home: str) -> Path:
    folder = servers / name
    folder.mkdir(parents=True)
    (folder / orphans.HOME_FILE).write_text(recorded_home)
    return folder


def test_a_folder_whose_home_file_is_not_written_yet_is_kept(tmp_path: Path) -> None:
    """Between creating its home file and writing it, a new server's folder names no home: it is not an orphan."""
    being_made = _server_folder(tmp_path / "servers", "a" * 32, "")
    orphans.sweep(tmp_path / "servers", ID_FILE)
    assert being_made.is_dir()


def test_a_folder_whose_home_is_gone_is_removed_and_one_whose_home_names_it_is_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ID_FILE).write_text("b" * 32)
    kept = _server_folder(tmp_path / "servers", "b" * 32, str(home))
    orphan = _server_folder(tmp_path / "servers", "c" * 32, str(tmp_path / "deleted-home"))
    orphans.sweep(tmp_path / "servers", ID_FILE)
    assert kept.is_dir()
    assert not orphan.exists()
