"""`strata doctor`: what is damaged in the embedded server and the apps' databases, one line per finding."""

import json
from typing import Annotated

import typer
from sqlalchemy.engine import URL

from strata import apps
from strata.cli import console
from strata.connection.settings import configured_url
from strata.doctor import Finding
from strata.doctor.cluster import cluster_findings
from strata.doctor.relations import database_findings
from strata.server import EmbeddedServer, dev_server
from strata.server.admin import database_exists


def doctor(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check the embedded server's files (control file, WAL, start) and each app's database (pg_amcheck, every block).

    Exits 1 when anything is damaged; each finding says what to do. A stopped embedded server is
    started to be checked, and stopped again.
    """
    selected = apps.select(app_name)
    configured = {app.name: found[0] for app in selected if (found := configured_url(app))}
    server = dev_server()
    was_running = server.is_running()
    try:
        findings, checked = _examine(selected, configured, server)
    finally:
        if not was_running:
            server.stop()
    _report(findings, checked, as_json=as_json)
    if findings:
        raise typer.Exit(1)


def _examine(
    selected: list[apps.App], configured: dict[str, URL], server: EmbeddedServer
) -> tuple[list[Finding], list[str]]:
    """The findings, and the apps whose databases were checked."""
    findings = cluster_findings(server) if len(configured) < len(selected) else []
    embedded_usable = not findings and server.has_cluster()
    checked: list[str] = []
    for app in selected:
        url = configured.get(app.name)
        if url is None and not (embedded_usable and database_exists(server.url(app.name))):
            continue  # the server is broken (reported above), or this app's database was never made
        findings += database_findings(app, url or server.url(app.name))
        checked.append(app.name)
    return findings, checked


def _report(findings: list[Finding], checked: list[str], *, as_json: bool) -> None:
    if as_json:
        rows = [{"where": f.where, "problem": f.problem, "fix": f.fix} for f in findings]
        print(json.dumps({"ok": not findings, "checked": checked, "findings": rows}, indent=2))
        return
    for finding in findings:
        console.print(f"[red]✗[/] {finding.line()}", highlight=False, soft_wrap=True)
    if not findings:
        console.print(f"no damage found ({', '.join(checked) or 'no databases yet'})", highlight=False)


def register(cli: typer.Typer) -> None:
    cli.command()(doctor)
