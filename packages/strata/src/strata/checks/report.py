"""The check report, as a rich table for people and as JSON for CI.

The JSON structure is documented by `report.schema.json` beside this file
(JSON Schema draft 2020-12) and is stable: fields are only ever added.
"""

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from strata.checks.outcome import AppReport, Status
from strata.checks.runner import NAMES

SCHEMA_VERSION = 1
MARKS = {Status.PASS: "[green]✓[/]", Status.WARN: "[yellow]![/]", Status.FAIL: "[red]✗[/]", Status.SKIP: "[yellow]-[/]"}


def as_json(reports: list[AppReport], duration_ms: float) -> str:
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "ok": all(report.ok for report in reports),
        "duration_ms": round(duration_ms, 1),
        "checks": NAMES,
        "apps": [
            {
                "app": report.app,
                "database": report.database,
                "ok": report.ok,
                "checks": [
                    {
                        "name": result.name,
                        "status": result.outcome.status.value,
                        "summary": result.outcome.summary,
                        "details": result.outcome.details,
                        "duration_ms": round(result.duration_ms, 1),
                    }
                    for result in report.results
                ],
            }
            for report in reports
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def print_table(console: Console, reports: list[AppReport], duration_ms: float) -> None:
    """A table of checks by apps when it fits the console; otherwise one line a check under each app, never cut."""
    title = f"strata check ({duration_ms / 1000:.1f} s)"
    if _table_width(reports) <= console.width:
        table = Table(title=title)
        table.add_column("check", no_wrap=True)
        for report in reports:
            table.add_column(report.app, justify="center", no_wrap=True)
        for position, name in enumerate(NAMES):
            table.add_row(name, *[MARKS[report.results[position].outcome.status] for report in reports])
        console.print(table)
    else:
        console.print(title, highlight=False)
        for report in reports:
            console.print(f"[bold]{report.app}[/]", highlight=False)
            for result in report.results:
                console.print(f"  {MARKS[result.outcome.status]} {result.name}", highlight=False)
    for report in reports:
        for result in report.results:
            if result.outcome.status != Status.PASS:
                colour = "red" if result.outcome.status == Status.FAIL else "yellow"
                line = f"[{colour}]{report.app} {result.name}:[/] {result.outcome.summary}"
                console.print(line, highlight=False, soft_wrap=True)
                for detail in result.outcome.details[1:] if result.outcome.status == Status.FAIL else []:
                    console.print(f"    {detail}", highlight=False, soft_wrap=True)


def _table_width(reports: list[AppReport]) -> int:
    """Columns the table needs: each cell padded by one space either side, and a border between cells."""
    cells = [max(len(name) for name in NAMES), *(len(report.app) for report in reports)]
    return sum(cells) + 3 * len(cells) + 1
