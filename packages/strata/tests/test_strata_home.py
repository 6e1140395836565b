"""An unusable STRATA_HOME is refused in one line before anything is written or changed, as root too."""

import os
import sys
from pathlib import Path

import pytest
from strata.cli import main


def _up(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path) -> tuple[int, list[str]]:
    for name in [n for n in os.environ if n.endswith("DATABASE_URL")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("STRATA_HOME", str(home))
    monkeypatch.setattr(sys, "argv", ["strata", "up", "--app", "narraforge"])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return int(exited.value.code or 0), err.strip().splitlines()


def test_a_read_only_home_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "read-only"
    home.mkdir(mode=0o555)
    home.chmod(0o555)
    before = home.stat()
    code, lines = _up(monkeypatch, capsys, home)
    assert (code, lines) == (
        1,
        [
            f"error: the strata home {home} is read-only (mode 555); nothing was written. "
            "Make it writable (chmod u+w), or set STRATA_HOME to a writable directory"
        ],
    )
    after = home.stat()
    assert (after.st_mode, after.st_uid, after.st_gid) == (before.st_mode, before.st_uid, before.st_gid)
    assert list(home.iterdir()) == []


def test_a_file_as_home_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "a-file"
    home.write_text("mine")
    code, lines = _up(monkeypatch, capsys, home)
    assert (code, lines) == (
        1,
        [
            f"error: the strata home {home} is not a directory; nothing was written. "
            "Remove it, or set STRATA_HOME to a directory (it is created if missing)"
        ],
    )
    assert home.read_text() == "mine"
