"""The pieces of a connection message: where a URL points, and text without its password."""

from sqlalchemy.engine import make_url
from strata.connection.diagnose import scrub
from strata.connection.urls import where


def test_scrub_removes_the_password_inside_and_outside_urls() -> None:
    url = make_url("postgresql://u:Se-cret9@db.example.com/app")
    text = "failed for postgresql://u:Se-cret9@db.example.com/app (password=Se-cret9)"
    assert scrub(text, url) == "failed for postgresql://u:***@db.example.com/app (password=***)"


def test_scrub_leaves_text_alone_when_the_url_has_no_password() -> None:
    assert scrub("role u does not exist", make_url("postgresql://u@h/app")) == "role u does not exist"


def test_where_names_host_and_port_or_the_socket() -> None:
    assert where(make_url("postgresql://u@db.example.com/app")) == "db.example.com:5432"
    assert where(make_url("postgresql://u@db.example.com:6543/app")) == "db.example.com:6543"
    assert where(make_url("postgresql://u@/app?host=/run/pg")) == "socket /run/pg"
    assert where(make_url("postgresql://u@/app")) == "the default socket"
