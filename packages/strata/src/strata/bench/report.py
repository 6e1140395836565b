"""Bench results as tables, JSON, Markdown, and the recall-against-latency plot."""

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from strata.bench.harness import Result


def as_dict(results: list[Result], environment: dict[str, Any]) -> dict[str, Any]:
    return {
        "environment": environment,
        "results": [
            {
                "name": r.name,
                "title": r.title,
                "parameters": r.parameters,
                "rows": r.rows,
                "notes": r.notes,
                "series": r.series,
            }
            for r in results
        ],
    }


def print_tables(console: Console, results: list[Result]) -> None:
    for result in results:
        table = Table(title=f"{result.name}: {result.title}", title_justify="left")
        columns = list(dict.fromkeys(key for row in result.rows for key in row))
        for column in columns:
            table.add_column(column, justify="left" if column in {"variant", "app"} else "right")
        for row in result.rows:
            table.add_row(*[str(row.get(column, "")) for column in columns])
        console.print(table)
        for note in result.notes:
            console.print(f"  {note}", highlight=False)


def markdown(results: list[Result], environment: dict[str, Any]) -> str:
    lines = ["# Latest results", "", "<!-- Written by `strata bench --save`; do not edit. -->", ""]
    lines += [f"- {key}: {value}" for key, value in environment.items()]
    for result in results:
        lines += ["", f"## {result.name}: {result.title}", ""]
        lines.append("Parameters: " + ", ".join(f"{k} = {v}" for k, v in result.parameters.items()) + ".")
        columns = list(dict.fromkeys(key for row in result.rows for key in row))
        lines += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in result.rows]
        lines += [""] + [f"- {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def save(directory: Path, results: list[Result], environment: dict[str, Any]) -> list[Path]:
    from strata.bench.plot import recall_latency_svg
    from strata.bench.selectivity_plot import recall_selectivity_svg

    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "results.json", directory / "results.md"]
    written[0].write_text(json.dumps(as_dict(results, environment), indent=2) + "\n")
    written[1].write_text(markdown(results, environment))
    for result in results:
        if "curve" in result.series:
            path = directory / f"{result.name}-recall-latency.svg"
            path.write_text(recall_latency_svg(result.series["curve"], result.title))
            written.append(path)
        if "selectivity" in result.series:
            path = directory / f"{result.name}-recall-selectivity.svg"
            path.write_text(recall_selectivity_svg(result.series["selectivity"], result.title))
            written.append(path)
    return written
