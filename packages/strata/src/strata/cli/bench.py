"""`strata bench`: run the benchmarks side by side on a throw-away embedded server."""

import json
import platform
import time
from pathlib import Path
from typing import Annotated

import typer

from strata.bench.harness import BenchContext, Result, bench_server
from strata.bench.registry import select
from strata.bench.report import as_dict, print_tables, save
from strata.catalog.contents import extension_version
from strata.cli import console, errors
from strata.connection.connect import connect


def _environment(server: object, quick: bool, seconds: float) -> dict[str, str]:
    with connect(server) as conn:  # type: ignore[arg-type]
        version = conn.execute("SHOW server_version").fetchone()
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        vector = extension_version(conn, "vector")
    import os

    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
        "postgresql": str(version[0]) if version else "?",
        "pgvector": vector or "?",
        "mode": "quick" if quick else "full",
        "wall time": f"{seconds:.0f} s",
    }


def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Small data, for a smoke test (about a minute).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this benchmark (repeatable).")] = None,
    save_to: Annotated[
        Path | None, typer.Option("--save", help="Write results.json, results.md and plots here.")
    ] = None,
) -> None:
    """Measure load, kNN, filtered kNN, the exact scan, cascade, keys, test databases, pooling, seeding: ratios."""
    chosen = select(only)
    started = time.perf_counter()
    results: list[Result] = []
    with bench_server() as server:
        ctx = BenchContext(server, quick)
        try:
            for name, benchmark in chosen.items():
                with errors.status(f"bench {name}…"):
                    results.append(benchmark(ctx))
        finally:
            ctx.cleanup()
        environment = _environment(server.set(database="postgres"), quick, time.perf_counter() - started)
    if as_json:
        print(json.dumps(as_dict(results, environment), indent=2))
    else:
        print_tables(console, results)
        console.print(", ".join(f"{k}: {v}" for k, v in environment.items()), highlight=False)
    if save_to is not None:
        for path in save(save_to, results, environment):
            errors.print(f"wrote {path}", highlight=False)


def register(cli: typer.Typer) -> None:
    cli.command()(bench)
