"""Where a test server's folders live: a clone on a fresh server on disk against one in memory.

Part of `testdb`: the test plugin's servers keep their folders on the RAM disk when there is one
(`strata.server.memory`), because writing a clone's files costs the kernel far more on a disk file
system. Both servers are fresh and configured alike, and run side by side in one run.
"""

import tempfile
from pathlib import Path

from sqlalchemy.engine import URL

from strata import apps
from strata.bench.harness import Result, Stats, measure
from strata.server import memory, running, throwaway_server
from strata.testing import templates
from strata.testing.server import environment


def clone_by_placement(repeat: int, result: Result) -> None:
    """Add a row per app and placement: a clone and its drop, on a fresh server on disk and in memory."""
    if memory.servers_base() is None:
        result.notes.append(f"placement: {memory.RAM_DISK} is no tmpfs with room here, so test servers stay on disk")
        return
    with tempfile.TemporaryDirectory(prefix="strata-bench-placement-") as directory:
        with environment(**{memory.ENV_VARIABLE: "0"}), running(throwaway_server(Path(directory) / "disk")) as on_disk:
            disk = _clones(on_disk, repeat)
        with (
            environment(**{memory.ENV_VARIABLE: "1"}),
            running(throwaway_server(Path(directory) / "memory")) as in_memory,
        ):
            ram = _clones(in_memory, repeat)
    for app, stats in disk.items():
        for variant, timed in (("clone, fresh server on disk", stats), ("clone, fresh server in memory", ram[app])):
            result.rows.append(
                {
                    "app": app,
                    "variant": variant,
                    "median ms": round(timed.median * 1000, 2),
                    "spread": f"±{timed.spread / 2:.0%}",
                    "vs migrate": "",
                }
            )
        ratio = stats.median / ram[app].median
        result.notes.append(f"{app}: a clone on a fresh server costs {ratio:.1f}× as much on disk as in memory")


def _clones(server: URL, repeat: int) -> dict[str, Stats]:
    cloner = templates.Cloner(server)
    try:
        timings = {}
        for app in apps.discover().values():
            template, _built = templates.ensure_template(server, app)

            def clone(template: str = template) -> None:
                cloner.clone(template, "bench_placement")
                cloner.drop("bench_placement")

            timings[app.name] = measure(clone, repeat=repeat)
        return timings
    finally:
        cloner.close()
