"""A real PgBouncer in front of a server, for tests and benchmarks of the deployed topology.

It listens on a free 127.0.0.1 port with its own password authentication and
reaches the server through the server's unix socket, in transaction mode (the
mode Supabase, Neon and Heroku poolers run). PgBouncer refuses to run as
root, so as root it runs as the server's own OS user, which the server's
local authentication already admits. With `Certificates` it only accepts TLS
clients (`client_tls_sslmode=require`): the embedded server is built without
OpenSSL, so this is the TLS endpoint strata's TLS paths are tested against.

Certificates come from the `openssl` command: PgBouncer is itself linked
against OpenSSL, so wherever PgBouncer is installed the CLI is too, and the
tests need no extra Python dependency.
"""

import secrets
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from strata.connection.params import POOLER_MARKER
from strata.server import process

USER = "postgres"


@dataclass(frozen=True)
class Certificates:
    """A throw-away CA and a server certificate it signed for localhost and 127.0.0.1."""

    ca: Path
    cert: Path
    key: Path


def make_certificates(openssl: str, directory: Path) -> Certificates:
    """Generate a CA and a server certificate (EC P-256, valid one day) in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = directory / "ca.crt", directory / "ca.key"
    cert, key, request = directory / "server.crt", directory / "server.key", directory / "server.csr"
    names = directory / "names.ext"
    names.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        openssl, "req", "-x509", *new_key, "-keyout", ca_key, "-out", ca, "-days", "1", "-subj", "/CN=strata test CA"
    )
    _openssl(openssl, "req", *new_key, "-keyout", key, "-out", request, "-subj", "/CN=localhost")
    _openssl(openssl, "x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
             "-out", cert, "-days", "1", "-extfile", names)  # fmt: skip
    return Certificates(ca=ca, cert=cert, key=key)


def _openssl(openssl: str, *args: str | Path) -> None:
    subprocess.run([openssl, *map(str, args)], check=True, capture_output=True, stdin=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PgBouncer:
    """One PgBouncer process; `url(database)` is how clients reach a database through it."""

    def __init__(self, binary: str, server: URL, directory: Path, *, tls: Certificates | None = None):
        self.binary = binary
        self.server = server
        self.directory = directory
        self.tls = tls
        self.port = free_port()
        self.password = secrets.token_hex(8)
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database: str, *, marked: bool = True, **query: str) -> URL:
        """A client URL for `database`, marked `?pgbouncer=true` unless `marked=False`."""
        params = {POOLER_MARKER: "true", **query} if marked else query
        return URL.create(
            "postgresql",
            username=USER,
            password=self.password,
            host="127.0.0.1",
            port=self.port,
            database=database,
            query=params,
        )

    def _config(self) -> Path:
        users = self.directory / "users.txt"
        users.write_text(f'"{USER}" "{self.password}"\n')
        lines = [
            "[databases]",
            f"* = {self._server_address()}",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {self.port}",
            "unix_socket_dir =",
            "auth_type = scram-sha-256",
            f"auth_file = {users}",
            "pool_mode = transaction",
            "max_client_conn = 500",
            "default_pool_size = 20",
            # Hand each transaction the least recently used server connection, as a busy pooler
            # effectively does: a client's consecutive transactions land on different server connections.
            "server_round_robin = 1",
            "ignore_startup_parameters = extra_float_digits",
            f"logfile = {self.directory / 'pgbouncer.log'}",
        ]
        if self.tls:
            lines += [
                "client_tls_sslmode = require",
                f"client_tls_cert_file = {self.tls.cert}",
                f"client_tls_key_file = {self.tls.key}",
                f"client_tls_ca_file = {self.tls.ca}",  # checks client certificates when one is sent
            ]
        config = self.directory / "pgbouncer.ini"
        config.write_text("\n".join(lines) + "\n")
        return config

    def _server_address(self) -> str:
        """Where PgBouncer finds the server: its socket directory, or host and port, and its login."""
        server = self.server
        host = server.query.get("host") or server.host or "localhost"
        parts = [f"host={host}", f"port={server.port or 5432}", f"user={server.username or USER}"]
        if server.password:
            parts.append(f"password={server.password}")
        return " ".join(parts)

    def start(self) -> "PgBouncer":
        """Start PgBouncer and return once it accepts connections."""
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self._config()
        files = [self.directory, *self.directory.iterdir()]
        process.prepare_for_server_user(*files)
        user = process.run_as()
        command = [self.binary, *(["-u", user] if user else []), str(config)]
        with (self.directory / "output.log").open("wb") as output:  # a file, not a pipe: a full pipe would block it
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self, attempts: int = 200) -> None:
        assert self._process is not None
        for _ in range(attempts):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                try:  # wait for the process to exit, briefly: it either fails or starts listening
                    self._process.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    continue
                output = (self.directory / "output.log").read_text(errors="replace")
                raise RuntimeError(f"pgbouncer exited with {self._process.returncode}: {output.strip()}") from None
        raise RuntimeError(f"pgbouncer did not listen on 127.0.0.1:{self.port}; see {self.directory}/pgbouncer.log")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._process = None

    def __enter__(self) -> "PgBouncer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tls_refusal(bouncer: PgBouncer) -> tuple[str, str]:
    """How strata's one-line error for `sslmode=disable` against this TLS-only PgBouncer starts and ends."""
    return (
        f"error: 127.0.0.1:{bouncer.port} accepts only TLS connections (",
        "use sslmode=require, or verify-full with sslrootcert=<CA file>, instead of sslmode=disable",
    )
