"""Every password is masked whole, whatever it holds, in valid and invalid URLs alike."""

import pytest
from sqlalchemy.engine import URL
from strata.connection.urls import mask, mask_text, parse
from strata.errors import StrataError

PASSWORDS = [
    "Can@ary2",
    "pa:ss:word",
    "sl/ash/ed",
    "per%40cent",
    "with space",
    "ünïcødé-密码",
    "all@of:them/ %40ü",
    "@leading",
    "trailing@",
]


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_raw_url_string_is_masked_whole(password: str) -> None:
    shown = mask_text(f"postgresql://user:{password}@127.0.0.1:5432/db")
    assert shown == "postgresql://user:***@127.0.0.1:5432/db"


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_url_object_is_masked_whole(password: str) -> None:
    url = URL.create("postgresql+psycopg", username="user", password=password, host="db.example.com", database="d")
    shown = mask(url)
    assert shown == "postgresql+psycopg://user:***@db.example.com/d"


@pytest.mark.parametrize("password", PASSWORDS)
def test_an_invalid_url_is_masked_in_the_error(password: str) -> None:
    with pytest.raises(StrataError) as caught:
        parse(f"postgresql://user:{password}@host:notaport/db", driver="psycopg", source="X")
    assert str(caught.value).startswith("X is not a valid database URL (postgresql://user:***@host:notaport/db)")
    for fragment in password.split("@"):
        if len(fragment) > 2:
            assert fragment not in str(caught.value)


def test_urls_inside_a_longer_text_are_each_masked() -> None:
    text = (
        "connecting to postgresql://a:fir@st@h1/db failed; retried 'postgres://b:sec ond@h2/db'\n"
        "then postgresql+asyncpg://c:th:ird@h3/db?application_name=x"
    )
    assert mask_text(text) == (
        "connecting to postgresql://a:***@h1/db failed; retried 'postgres://b:***@h2/db'\n"
        "then postgresql+asyncpg://c:***@h3/db?application_name=x"
    )


def test_urls_without_a_password_are_unchanged() -> None:
    for text in ("postgresql://u@h/db", "postgresql://h:5432/db", "postgresql://postgres@/db?host=/run/x", "no url"):
        assert mask_text(text) == text


def test_a_socket_path_stays_readable() -> None:
    url = URL.create("postgresql+psycopg", username="postgres", database="d", query={"host": "/run/strata/x"})
    assert mask(url) == "postgresql+psycopg://postgres@/d?host=/run/strata/x"


def test_a_password_without_a_user_is_masked() -> None:
    assert mask_text("postgresql://:s3cret@h/db failed") == "postgresql://:***@h/db failed"


def test_the_lines_after_a_url_stay_as_they_are() -> None:
    text = "postgresql://u:pw@h/db is down\nmail admin@example.org: it was at 04:00"
    assert mask_text(text) == "postgresql://u:***@h/db is down\nmail admin@example.org: it was at 04:00"


def test_a_url_after_a_line_without_one_is_masked_and_kept() -> None:
    text = "could not connect\nto postgresql://u:pw@h/db\n"
    assert mask_text(text) == "could not connect\nto postgresql://u:***@h/db\n"
