"""How strata finds NarraForge: registered in the `strata.apps` entry-point group."""

from pathlib import Path

from strata import App

APP = App(
    name="narraforge",
    root=Path(__file__).resolve().parents[2],
    models="narraforge.models.schema:Base",
    driver="psycopg",
    async_migrations=True,
)
