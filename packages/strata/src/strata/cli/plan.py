"""`strata up --plan`: each pending revision's SQL, locks, squawk findings and data checks, changing nothing."""

import json

from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.contents import ALEMBIC_TABLE
from strata.cli import console
from strata.migrations.alternatives import alternative, rule_of
from strata.plan.pending import RevisionPlan, plan


def _table(name: str, sizes: dict[str, tuple[int, str]]) -> str:
    if name in sizes:
        rows, size = sizes[name]
        return f"{name} ({rows} row(s), {size})"
    return f"{name} (Alembic's one-row table)" if name == ALEMBIC_TABLE else f"{name} (created by an earlier statement)"


def _show(app: App, revision: RevisionPlan) -> None:
    say = console.print
    say(f"[bold]{app.name} {revision.revision}[/]", highlight=False)
    say("  SQL:")
    for lock in revision.locks:
        say(f"    {lock.statement};", highlight=False, soft_wrap=True, markup=False)
    say("  locks:")
    for lock in revision.locks:
        if lock.lock == "none":
            continue
        where = ", ".join(_table(t, revision.sizes) for t in lock.tables)
        say(
            f"    {lock.lock} on {where or '?'}: {_shortened(lock.statement)}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    say("  squawk:" + ("" if revision.findings else " no finding"), highlight=False)
    for finding in revision.findings:
        say(f"    {finding}", highlight=False, soft_wrap=True, markup=False)
        say(f"      instead: {alternative(rule_of(finding))}", highlight=False, soft_wrap=True, markup=False)
    say("  data checks:" + ("" if revision.violations else " [green]no live row violates what it adds[/]"))
    for violation in revision.violations:
        say(f"    [red]✗[/] {violation}", highlight=False, soft_wrap=True)


def _as_json(revision: RevisionPlan) -> dict[str, object]:
    return {
        "revision": revision.revision,
        "sql": revision.sql,
        "locks": [{"statement": s.statement, "lock": s.lock, "tables": list(s.tables)} for s in revision.locks],
        "tables": {name: {"rows": rows, "size": size} for name, (rows, size) in revision.sizes.items()},
        "squawk": revision.findings,
        "alternatives": {rule_of(f): alternative(rule_of(f)) for f in revision.findings},
        "violations": [vars(v) for v in revision.violations],
    }


def show_plans(targets: list[tuple[App, URL]], *, as_json: bool) -> None:
    """Print the plan for every revision each app has pending on its database."""
    plans = [(app, plan(app, url)) for app, url in targets]
    if as_json:
        document = {"apps": [{"app": app.name, "pending": [_as_json(r) for r in found]} for app, found in plans]}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for app, found in plans:
        if not found:
            console.print(f"{app.name}: nothing pending", highlight=False)
        for revision in found:
            _show(app, revision)


def _shortened(statement: str, width: int = 80) -> str:
    """The statement's start, marked with … when cut (`--json` has it whole)."""
    return statement if len(statement) <= width else statement[: width - 1] + "…"
