"""`strata check`'s table shows warnings, and stays whole at 80 columns and in CI logs."""

import io
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.engine import URL
from strata.checks import NAMES, AppReport, CheckResult, Outcome
from strata.checks.report import print_table
from strata.connection.urls import libpq
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env

APP = "course_supporter"
NO_ANN_INDEX = "concepts.embedding (vector(1536)) has no ANN index: kNN queries scan every row"


def _marks(text: str) -> dict[str, str]:
    return {
        line.split("│")[1].strip(): line.split("│")[2].strip() for line in text.splitlines() if line.count("│") == 3
    }


def test_an_app_that_passes_shows_only_passes_in_an_80_column_log(strata_empty_url: URL) -> None:
    command = ["-m", "strata", "check", "--app", "course_supporter", "--database-url", libpq(strata_empty_url)]
    done = run_python(*command, cwd=Path.cwd(), env=subprocess_env(COLUMNS="80"), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = _marks(done.stdout)
    assert set(rows) == set(NAMES)
    assert set(rows.values()) == {"✓"}
    assert [line for line in done.stdout.splitlines() if line.startswith(f"{APP} ")] == []  # no warning line


def test_a_warning_shows_as_a_warning_in_the_table_not_as_a_pass() -> None:
    """The warning test_check.py proves the vector-indexes check gives, as the table prints it at 80 columns."""
    report = _report(APP)
    report.results = [
        CheckResult(r.name, Outcome.warned(NO_ANN_INDEX), 1.0) if r.name == "vector-indexes" else r
        for r in report.results
    ]
    out = io.StringIO()
    print_table(Console(file=out, width=80), [report], 1000)
    rows = _marks(out.getvalue())
    assert rows["vector-indexes"] == "!"
    assert [name for name, mark in rows.items() if mark != "✓"] == ["vector-indexes"]
    assert f"{APP} vector-indexes: {NO_ANN_INDEX}" in out.getvalue().splitlines()


def _report(app: str) -> AppReport:
    report = AppReport(app, "postgresql://…")
    report.results = [CheckResult(name, Outcome.passed("fine"), 1.0) for name in NAMES]
    return report


@pytest.mark.parametrize("width", [80, 60])
def test_no_app_name_is_cut_at_80_columns_or_narrower(width: int) -> None:
    out = io.StringIO()
    names = ["course_supporter", "study_assistant", "codestory", "narraforge"]
    print_table(Console(file=out, width=width), [_report(name) for name in names], 1000)
    text = out.getvalue()
    assert "…" not in text
    assert all(name in text for name in names)
    assert all(len(line) <= width for line in text.splitlines())


def test_a_wide_console_keeps_the_table() -> None:
    out = io.StringIO()
    print_table(Console(file=out, width=120), [_report(name) for name in ("course_supporter", "narraforge")], 1000)
    assert any(line.count("│") == 4 and "vector-indexes" in line for line in out.getvalue().splitlines())
