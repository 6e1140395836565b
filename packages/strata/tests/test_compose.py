"""compose.yaml (Docker cannot run here) matches what strata reads: services, ports, variables.

The variables in its `x-strata-environment` block are resolved through strata's
own settings, then checked against the services they must reach.
"""

import configparser
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import URL
from strata import apps
from strata.connection.settings import configured_url, resolve_read_urls
from strata.connection.urls import parse

COMPOSE = Path(__file__).resolve().parents[3] / "compose.yaml"
KINDS = ("DATABASE_URL", "DIRECT_DATABASE_URL", "READ_DATABASE_URL")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture
def environment(compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    for name in ("DATABASE_URL", "DIRECT_DATABASE_URL", "READ_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    variables: dict[str, str] = compose["x-strata-environment"]
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables


def _published(service: dict[str, Any]) -> dict[int, int]:
    """host port -> container port."""
    pairs = (str(mapping).split(":")[-2:] for mapping in service["ports"])
    return {int(host): int(container) for host, container in pairs}


def _port_of(compose: dict[str, Any], name: str) -> int:
    (host,) = _published(compose["services"][name])
    return host


def _config(compose: dict[str, Any], name: str) -> str:
    content: str = compose["configs"][name]["content"]
    return content


def _pgbouncer_ini(compose: dict[str, Any]) -> configparser.ConfigParser:
    ini = configparser.ConfigParser()
    ini.read_string(_config(compose, "pgbouncer-ini"))
    return ini


def test_every_app_has_its_pooled_direct_and_read_url_and_nothing_else(environment: dict[str, str]) -> None:
    expected = {f"{app.env_prefix}{kind}" for app in apps.discover().values() for kind in KINDS}
    assert set(environment) == expected


def test_pooled_urls_reach_pgbouncer_in_transaction_mode_in_front_of_the_primary(
    compose: dict[str, Any], environment: dict[str, str]
) -> None:
    ini = _pgbouncer_ini(compose)
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    pooler_port = _port_of(compose, "pgbouncer")
    assert _published(compose["services"]["pgbouncer"]) == {pooler_port: int(ini["pgbouncer"]["listen_port"])}
    target = dict(pair.split("=") for pair in ini["databases"]["*"].split())
    assert target["host"] in compose["services"]
    assert int(target["port"]) in _published(compose["services"][target["host"]]).values()
    assert target["host"] == "primary"
    for app in apps.discover().values():
        found = configured_url(app)
        assert found is not None
        url, source = found
        assert source == f"{app.env_prefix}DATABASE_URL"
        assert (url.port, url.database, url.query.get("pgbouncer")) == (pooler_port, app.name, "true")
        _assert_credentials(compose, url)


def test_direct_urls_reach_the_primary_and_read_urls_the_replica(
    compose: dict[str, Any], environment: dict[str, str]
) -> None:
    for app in apps.discover().values():
        source = f"{app.env_prefix}DIRECT_DATABASE_URL"
        direct = parse(environment[source], driver=app.driver, source=source)
        assert (direct.port, direct.database) == (_port_of(compose, "primary"), app.name)
        assert "pgbouncer" not in direct.query
        (replica,) = resolve_read_urls(app)
        assert (replica.port, replica.database) == (_port_of(compose, "replica"), app.name)
        assert replica.drivername == f"postgresql+{app.driver}"
        for url in (direct, replica):
            _assert_credentials(compose, url)


def test_the_primary_creates_each_apps_database_and_the_replica_streams_from_it(compose: dict[str, Any]) -> None:
    services = compose["services"]
    init = _config(compose, "primary-init")
    created = set(re.findall(r"CREATE DATABASE (\w+);", init))
    assert created == set(apps.discover())
    role, password = re.findall(r"CREATE ROLE (\w+) WITH REPLICATION LOGIN PASSWORD '([^']+)'", init)[0]
    assert f"host replication {role} all scram-sha-256" in init
    replica = services["replica"]
    script = replica["command"][-1]
    primary_port = _published(services["primary"])[_port_of(compose, "primary")]
    assert f"pg_basebackup -h primary -p {primary_port} -U {role}" in script
    assert " -R " in script
    assert "hot_standby=on" in script
    assert replica["environment"]["PGPASSWORD"] == password
    assert replica["depends_on"]["primary"]["condition"] == "service_healthy"
    for name in ("primary", "replica"):
        image = services[name]["image"]
        assert image.startswith("pgvector/pgvector:")
        assert image.endswith("-pg18")


def _assert_credentials(compose: dict[str, Any], url: URL) -> None:
    primary = compose["services"]["primary"]["environment"]
    assert (url.username, url.password) == (primary["POSTGRES_USER"], primary["POSTGRES_PASSWORD"])
    assert f'"{url.username}" "{url.password}"' in _config(compose, "pgbouncer-users")
