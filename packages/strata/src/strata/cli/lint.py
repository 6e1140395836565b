"""`strata lint`: squawk on every revision's SQL."""

import json
from typing import Annotated

import typer

from strata import apps
from strata.cli import console
from strata.migrations.alternatives import alternative, rule_of
from strata.migrations.lint import lint_app


def lint(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print findings as JSON.")] = False,
) -> None:
    """Lint each revision's SQL with squawk; initial revisions are exempt. Exit 1 on any finding.

    Each finding is followed by the safe way to write the change (`instead: …`).
    """
    report = {app.name: lint_app(app) for app in apps.select(app_name)}
    ok = all(result.ok for results in report.values() for result in results)
    if as_json:
        document = {
            "ok": ok,
            "apps": {
                name: [
                    {"revision": r.revision, "exempt": r.exempt, "findings": r.findings, "alternatives": r.alternatives}
                    for r in results
                ]
                for name, results in report.items()
            },
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for name, results in report.items():
            for result in results:
                mark = "exempt (initial)" if result.exempt else ("[green]✓[/]" if result.ok else "[red]✗[/]")
                console.print(f"{name} {result.revision}: {mark}", highlight=False)
                for finding in result.findings:
                    console.print(f"    {finding}", highlight=False, soft_wrap=True)
                    console.print(f"      instead: {alternative(rule_of(finding))}", highlight=False, soft_wrap=True)
    if not ok:
        raise typer.Exit(1)


def register(cli: typer.Typer) -> None:
    cli.command()(lint)
