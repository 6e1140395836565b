"""How strata finds Code Story: registered in the `strata.apps` entry-point group."""

from pathlib import Path

from strata import App

APP = App(
    name="codestory",
    root=Path(__file__).resolve().parents[2],
    models="codestory.models:Base",
    driver="asyncpg",
    async_migrations=True,
)
