"""How strata finds Course Supporter: registered in the `strata.apps` entry-point group."""

from pathlib import Path

from strata import App

APP = App(
    name="course_supporter",
    root=Path(__file__).resolve().parents[2],
    models="course_supporter.storage.orm:Base",
    driver="psycopg",
    vector_queries={"concepts.embedding": "cosine"},
)
