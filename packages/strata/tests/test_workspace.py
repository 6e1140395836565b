"""One workspace wherever you stand: its embedded server and its `.env` files, not the current directory's.

A script run from another directory started a second, empty server in
`./.strata`; `alembic upgrade head` inside an app ignored the root `.env` and
migrated the embedded database instead of the configured one.
"""

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.connection.settings import configured_url
from strata.connection.urls import libpq
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env
from tiny_models import APP

ROOT = Path(__file__).resolve().parents[3]
UNREACHABLE = "postgresql://nobody@unreachable.invalid/nothing"

# What the user ran: a script elsewhere that imports an app's database module.
SCRIPT = """
import study_assistant.database
from strata.server import dev_server
print(dev_server().home)
"""


def _without_home() -> dict[str, str]:
    return {name: value for name, value in subprocess_env().items() if name != "STRATA_HOME"}


def test_a_script_elsewhere_uses_the_workspace_server(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(SCRIPT)
    done = run_python("script.py", cwd=tmp_path, env=_without_home())
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == ROOT / ".strata"
    assert not (tmp_path / ".strata").exists()


def test_strata_home_still_overrides_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(SCRIPT)
    home = tmp_path / "elsewhere-home"
    env = _without_home() | {"STRATA_HOME": str(home)}
    done = run_python("script.py", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == home


@pytest.fixture
def tiny_workspace(tmp_path: Path) -> App:
    """A workspace whose only app is a copy of tinyapp, in `apps/tiny`."""
    workspace = tmp_path / "workspace"
    (workspace / "apps").mkdir(parents=True)
    (workspace / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["apps/*"]\n')
    root = workspace / "apps" / "tiny"
    shutil.copytree(APP.root, root, ignore=shutil.ignore_patterns("__pycache__"))
    return replace(APP, root=root)


def _alembic_upgrade(app: App, home: Path) -> subprocess.CompletedProcess[str]:
    """`alembic upgrade head` inside the app's directory, as a user would run it, with no URL in the environment."""
    return run_python(
        "-m", "alembic", "upgrade", "head", cwd=app.root, env=_without_home() | {"STRATA_HOME": str(home)}
    )


def _revision(url: URL) -> str | None:
    with psycopg.connect(libpq(url)) as connection:
        exists = connection.execute("SELECT to_regclass('alembic_version')").fetchone()
        if not exists or exists[0] is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None


def test_alembic_inside_an_app_reads_the_root_dotenv(
    tiny_workspace: App, strata_empty_url: URL, tmp_path: Path
) -> None:
    (tiny_workspace.root.parents[1] / ".env").write_text(f"TINY_DATABASE_URL={libpq(strata_empty_url)}\n")
    home = tmp_path / "embedded-home"
    done = _alembic_upgrade(tiny_workspace, home)
    assert done.returncode == 0, done.stderr
    assert _revision(strata_empty_url) is not None
    assert not home.exists()  # the embedded server was never started


def test_the_app_dotenv_wins_over_the_root_one(tiny_workspace: App, strata_empty_url: URL, tmp_path: Path) -> None:
    (tiny_workspace.root.parents[1] / ".env").write_text(f"DATABASE_URL={UNREACHABLE}\n")
    (tiny_workspace.root / ".env").write_text(f"DATABASE_URL={libpq(strata_empty_url)}\n")
    done = _alembic_upgrade(tiny_workspace, tmp_path / "embedded-home")
    assert done.returncode == 0, done.stderr
    assert _revision(strata_empty_url) is not None


def test_the_environment_wins_over_both_dotenv_files(tiny_workspace: App, monkeypatch: pytest.MonkeyPatch) -> None:
    (tiny_workspace.root.parents[1] / ".env").write_text("TINY_DATABASE_URL=postgresql://u@from-root/db\n")
    (tiny_workspace.root / ".env").write_text("TINY_DATABASE_URL=postgresql://u@from-app/db\n")
    assert _host(tiny_workspace) == "from-app"
    monkeypatch.setenv("TINY_DATABASE_URL", "postgresql://u@from-environment/db")
    assert _host(tiny_workspace) == "from-environment"


def _host(app: App) -> str | None:
    found = configured_url(app)
    assert found is not None
    return found[0].host
