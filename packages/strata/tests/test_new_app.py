"""`strata new-app`: a bad name changes nothing; a good one gives an app that `strata check` and its tests pass.

Adding a fifth app by hand took four failed attempts and eight undocumented
steps. The full run happens in a temporary copy of the repository with its own
`.venv` (about two minutes), so it is marked `slow` and runs with `pytest -m slow`.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from strata.cli import main
from strata.errors import StrataError
from strata.scaffold.register import compose_registered

ROOT = Path(__file__).resolve().parents[3]


def _snapshot() -> dict[str, bytes]:
    files = [
        ROOT / "pyproject.toml",
        ROOT / "uv.lock",
        ROOT / "compose.yaml",
        *sorted((ROOT / "docs" / "schema").glob("*")),
    ]
    listing = "\n".join(sorted(os.listdir(ROOT / "apps"))).encode()
    return {str(path): path.read_bytes() for path in files} | {"apps/": listing}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Demo-App", "is not a valid app name"),
        ("class", "is not a valid app name"),
        ("study_assistant", "an app named 'study_assistant' already exists"),
        ("json", "would shadow Python's standard-library module 'json'"),
        ("numpy", "would shadow the installed package 'numpy'"),
    ],
)
def test_a_bad_name_is_refused_in_one_line_and_nothing_is_written(
    name: str, reason: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot()
    monkeypatch.setattr(sys, "argv", ["strata", "new-app", name])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err.strip()
    assert exited.value.code == 1
    assert len(err.splitlines()) == 1, err
    assert reason in err
    assert _snapshot() == before


def _uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    assert Path(found).is_file(), "uv is missing: `make install` installs it"
    return found


def _copy_of_the_repository(target: Path) -> Path:
    """The repository's files as a fresh clone has them (tracked and new, not ignored), with its own .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))
    _run(target, _uv(), "sync", "--locked", "--quiet")
    return target


def _run(cwd: Path, *command: str) -> str:
    environment = {name: value for name, value in os.environ.items() if not name.endswith("DATABASE_URL")}
    environment["PATH"] = os.pathsep.join([str(cwd / ".venv" / "bin"), str(Path(_uv()).parent), environment["PATH"]])
    environment.pop("VIRTUAL_ENV", None)
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_new_app_with_vectors_passes_check_lint_and_its_own_tests(tmp_path: Path) -> None:
    repo = _copy_of_the_repository(tmp_path / "repo")
    strata = str(repo / ".venv" / "bin" / "strata")
    _run(repo, strata, "new-app", "demo", "--vector")

    assert "demo" in (repo / "pyproject.toml").read_text()
    assert (repo / "docs" / "schema" / "demo.md").is_file()
    assert "make migrate" in _run(repo / "apps" / "demo", "make")  # a bare make prints the app's targets
    assert "demo" in _run(repo, strata, "up", "--app", "demo")
    report = json.loads(_run(repo, strata, "check", "--app", "demo", "--json"))
    assert report["ok"] is True, report
    _run(repo, strata, "docs", "--check")
    _run(repo, "ruff", "check", "apps/demo")
    _run(repo, "mypy", "apps/demo/src", "apps/demo/tests", "apps/demo/migrations/env.py")
    tests = _run(repo, "pytest", "apps/demo", "-n", "0", "-q", "-p", "no:cacheprovider")
    assert " passed" in tests
    assert "failed" not in tests


def test_compose_gains_the_new_apps_database_and_its_three_urls_written_like_the_others() -> None:
    compose = ROOT / "compose.yaml"
    before = yaml.safe_load(compose.read_text())
    # "probe": a name no app has, so this holds after `strata new-app demo` too
    after = yaml.safe_load(compose_registered(compose.read_text(), "probe", "PROBE_"))
    variables = after["x-strata-environment"]
    for kind in ("DATABASE_URL", "DIRECT_DATABASE_URL", "READ_DATABASE_URL"):
        like = before["x-strata-environment"][f"NARRAFORGE_{kind}"]
        assert variables[f"PROBE_{kind}"] == like.replace("/narraforge", "/probe")
    assert set(variables) - set(before["x-strata-environment"]) == {
        "PROBE_DATABASE_URL",
        "PROBE_DIRECT_DATABASE_URL",
        "PROBE_READ_DATABASE_URL",
    }
    script = after["configs"]["primary-init"]["content"]
    assert script.index("CREATE DATABASE narraforge;") < script.index("CREATE DATABASE probe;")


def test_a_compose_file_without_the_apps_is_refused_in_one_line() -> None:
    with pytest.raises(StrataError, match=r"^cannot find the apps' databases and URLs in compose.yaml; add demo's"):
        compose_registered("services: {}\n", "demo", "DEMO_")
