"""How strata finds Study Assistant: registered in the `strata.apps` entry-point group."""

from pathlib import Path

from strata import App

APP = App(
    name="study_assistant",
    root=Path(__file__).resolve().parents[2],
    models="study_assistant.models:Base",
    driver="psycopg",
    async_migrations=True,
    vector_queries={"document_chunks.embedding": "cosine"},
)
