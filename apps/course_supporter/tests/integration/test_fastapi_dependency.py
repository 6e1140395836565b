"""The seed's FastAPI dependency serves a real request against a real database."""

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from course_supporter.storage import database
from course_supporter.storage.database import get_session
from course_supporter.storage.orm import Course
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.connection.urls import Driver, with_driver
from strata.testing.server import subprocess_env

SessionDep = Annotated[AsyncSession, Depends(get_session)]


def _api() -> FastAPI:
    api = FastAPI()

    @api.post("/courses")
    async def create(title: str, session: SessionDep) -> dict[str, str]:
        course = Course(title=title)
        session.add(course)
        await session.commit()
        return {"id": str(course.id), "title": course.title}

    @api.get("/courses")
    async def titles(session: SessionDep) -> list[str]:
        return list((await session.scalars(select(Course.title).order_by(Course.id))).all())

    return api


@pytest.fixture
async def client(
    strata_fresh_url: URL, strata_driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    url = with_driver(strata_fresh_url, strata_driver).render_as_string(hide_password=False)
    monkeypatch.setenv("COURSE_SUPPORTER_DATABASE_URL", url)
    await database.database.dispose()
    transport = httpx.ASGITransport(app=_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    await database.database.dispose()


async def test_get_session_commits_and_reads_through_fastapi(client: httpx.AsyncClient) -> None:
    created = await client.post("/courses", params={"title": "Databases 101"})
    assert created.status_code == 200
    assert created.json()["title"] == "Databases 101"

    listed = await client.get("/courses")
    assert listed.json() == ["Databases 101"]


def test_importing_the_database_module_neither_connects_nor_starts_a_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    probe = (
        "import course_supporter.storage.database as d, course_supporter.config as c; print(d.database._engine is None)"
    )
    env = subprocess_env()
    env["STRATA_HOME"] = str(home)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
    assert not home.exists()
