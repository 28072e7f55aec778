"""What the benchmark scripts share: the hello-world app the portal is compared with, the ids
and school year of generated data, the PostgreSQL COPY loader, the database preparation, and
serving and logging in on 127.0.0.1. Imported by notes_page.py, academie.py and charge.py (run
from the repository, ``bench/`` is on sys.path)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import httpx

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
LOGIN, PASSWORD = "bench.parent", "Bienvenue-2026"
SUBJECTS = [
    ("020100", "FRANC", "FRANCAIS"), ("061300", "MATHS", "MATHEMATIQUES"), ("030201", "AGL1", "ANGLAIS LV1"),
    ("030602", "ESP2", "ESPAGNOL LV2"), ("040001", "HIGEO", "HISTOIRE-GEOGRAPHIE"),
    ("062900", "SVT", "SCIENCES VIE & TERRE"), ("061800", "PH-CH", "PHYSIQUE-CHIMIE"),
    ("100100", "EPS", "ED.PHYSIQUE & SPORT."), ("080100", "A-PLA", "ARTS PLASTIQUES"),
    ("084100", "EDMUS", "EDUCATION MUSICALE"),
]


def hello_world() -> Any:
    """The bare Litestar app the portal is compared with (`uvicorn commun:hello_world --factory`)."""
    from litestar import Litestar, get

    @get("/", sync_to_thread=False)
    def hello() -> str:
        return "Hello, world!"

    return Litestar([hello])


# --- Generated data ---------------------------------------------------------------------------

Batch = tuple[str, tuple[str, ...], list[tuple]]  # table, columns, rows


class Ids:
    """Row ids chosen here (the database is empty), so that batches can refer to each other."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def take(self, table: str, count: int = 1) -> range:
        first = self.last.get(table, 0) + 1
        self.last[table] = first + count - 1
        return range(first, first + count)


def school_year(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    year = today.year if today.month >= 8 else today.year - 1
    return [
        ("T1", dt.date(year, 9, 1), dt.date(year, 11, 30)),
        ("T2", dt.date(year, 12, 1), dt.date(year + 1, 3, 1) - dt.timedelta(days=1)),
        ("T3", dt.date(year + 1, 3, 1), dt.date(year + 1, 7, 4)),
    ]


class PostgresLoader:
    """COPY in one transaction, foreign keys not re-checked row by row (ids are consistent by
    construction); the sequences follow the loaded ids, then ANALYZE."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def __aenter__(self) -> PostgresLoader:
        import asyncpg

        self.connection = await asyncpg.connect(self.url)
        await self.connection.execute("BEGIN; SET LOCAL session_replication_role = replica")
        return self

    async def copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        await self.connection.copy_records_to_table(table, records=rows, columns=columns)

    async def commit(self, tables: list[str]) -> None:
        for table in tables:  # the next ids the portal gives must follow ours
            await self.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await self.connection.execute("COMMIT")

    async def finish(self, tables: list[str]) -> None:
        await self.commit(tables)
        await self.connection.execute("ANALYZE")

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()


def prepare(env: dict[str, str]) -> None:
    """Empties (PostgreSQL: the public schema) and migrates TELESERVICES_DATABASE_URL."""
    url = env["TELESERVICES_DATABASE_URL"]
    if url.startswith("postgres"):
        subprocess.run(["psql", url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                       check=True, capture_output=True)
    subprocess.run([BIN / "teleservices", "migrate"], env=env, check=True, capture_output=True)


# --- Serving and measuring --------------------------------------------------------------------

def prepare_demo(env: dict[str, str]) -> None:
    """An empty database (PostgreSQL's schema emptied), migrated, with the demo's data."""
    url = env["TELESERVICES_DATABASE_URL"]
    if url.startswith("postgres"):
        subprocess.run(["psql", url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True)
    for command in ("migrate", "demo"):
        subprocess.run([BIN / "teleservices", command], env=env, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[Any], env: dict[str, str], probe: str) -> subprocess.Popen:
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(probe, timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"le serveur ne répond pas : {probe}")


class Servers(NamedTuple):
    portal: str  # http://127.0.0.1:<port>
    hello: str
    portal_pid: int


@contextlib.contextmanager
def serving(env: dict[str, str], workers: int = 1, server: str = "uvicorn") -> Iterator[Servers]:
    """The portal (`teleservices serve`) and the hello world, by the same server (uvicorn or
    granian) with the same number of workers, each on a free port of 127.0.0.1; both stopped
    on the way out."""
    portal_port, hello_port = free_port(), free_port()
    portal = start([BIN / "teleservices", "serve", "--port", str(portal_port), "--workers", str(workers),
                    "--server", server], env, f"http://127.0.0.1:{portal_port}/connexion")
    try:
        if server == "granian":
            command = [BIN / "granian", "--interface", "asgi", "--factory", "--working-dir", str(HERE), "--host",
                       "127.0.0.1", "--port", str(hello_port), "--workers", str(workers), "--log-level", "warning",
                       "--no-ws", "commun:hello_world"]
        else:
            command = [BIN / "uvicorn", "commun:hello_world", "--factory", "--app-dir", str(HERE), "--host", "127.0.0.1",
                       "--port", str(hello_port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
        hello = start(command, env, f"http://127.0.0.1:{hello_port}/")
        try:
            yield Servers(f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{hello_port}", portal.pid)
        finally:
            hello.terminate()
            hello.wait(timeout=20)
    finally:
        portal.terminate()
        portal.wait(timeout=20)


@dataclass
class Figures:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    size: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        return self.latencies[min(len(self.latencies) - 1, int(q * len(self.latencies)))] * 1000

    def line(self) -> str:
        return (f"{self.label:<28} {self.rate:7.0f} req/s   p50 {self.percentile(.5):6.1f} ms   p95 {self.percentile(.95):6.1f} ms"
                f"   p99 {self.percentile(.99):6.1f} ms   {self.size / 1024:5.1f} Ko   ({self.errors} non-200)")


def csrf_token(html: str) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


async def login(client: httpx.AsyncClient, identifiant: str = LOGIN, password: str = PASSWORD) -> httpx.Response:
    """Logs in through the form (GET for the CSRF token, then POST); raises when refused."""
    page = await client.get("/connexion")
    response = await client.post("/connexion", data={
        "_csrf": csrf_token(page.text), "identifiant": identifiant, "mot_de_passe": password, "suivant": "/",
    }, follow_redirects=True)
    response.raise_for_status()
    if "/connexion" in str(response.url):
        raise RuntimeError(f"connexion refusée pour {identifiant}")
    return response
