"""A pytest plugin (entry point ``pytest11``) for Téléservices and its plugins' test suites.

Fixtures:

- ``portal_settings``: a fresh, migrated database with the demo data, one per test session.
  SQLite in a temporary folder by default; ``TELESERVICES_TEST_DATABASE_URL`` chooses another
  (``postgres://...``: its ``public`` schema is emptied first). When ``CI`` is set, an
  unreachable PostgreSQL fails the run instead of skipping it.
- ``portal_app``: the Litestar app; ``client``: a test client with its own cookies;
  ``login(client, identifiant, password)``: logs a client in.
- ``live_portal``: the portal served by uvicorn on a free port of 127.0.0.1, for browsers.
  ``base_url`` points Playwright's ``page.goto("/")`` at it.
- ``mail_sink``: a real SMTP server (aiosmtpd) on 127.0.0.1 that the test portal sends to:
  ``mail_sink.wait_for("x@example.org", "Sujet")``, ``mail_sink.links(message)``.
- ``browser_type_launch_args``: Debian's Chromium (``/usr/bin/chromium``), since
  ``playwright install`` cannot download a browser on our machines.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

DEMO_PASSWORD = "Bienvenue-2026"
PROVISIONAL_PASSWORD = "Provisoire-2026"


def database_url(tmp: Path) -> str:
    return os.environ.get("TELESERVICES_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"


async def _empty_postgres(url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn=url, timeout=5)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


def run(awaitable: Any) -> Any:
    """Await a coroutine or a Piccolo query from synchronous test code, even where an event
    loop is already running in this thread (Playwright's sync API runs one)."""

    async def wait() -> Any:
        return await awaitable

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wait()).result()


def last_id(table: Any) -> int:
    """The highest id of a table's rows (0 when empty): a test marks it, then cleans or reads only
    the rows made after it (the session's database is shared, browser tests included)."""
    row = run(table.select(table.id).order_by(table.id, ascending=False).first())
    return row["id"] if row else 0


def invoke_cli(args: list[str], **kwargs: Any) -> Any:
    """Run the ``teleservices`` command with click's CliRunner, in a thread of its own: the
    command calls ``asyncio.run``, which fails where an event loop already runs (Playwright's)."""
    from click.testing import CliRunner

    from teleservices.core.cli import main

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, main, list(args), **kwargs).result()


def _prepare_postgres(url: str) -> None:
    try:
        run(_empty_postgres(url))
    except (OSError, asyncio.TimeoutError) as exc:
        message = f"PostgreSQL injoignable ({url}) : {exc}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


class MailSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=email_policy))
        return "250 Message accepted for delivery"

    def received(self, to: str | None = None, subject: str = "") -> list[EmailMessage]:
        with self._lock:
            return [
                m for m in self.messages
                if (to is None or to in m["To"]) and subject in m["Subject"]
            ]

    def wait_for(self, to: str, subject: str = "", timeout: float = 15) -> EmailMessage:
        """The latest mail to ``to`` whose subject contains ``subject``, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(to, subject)
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"aucun courriel « {subject} » pour {to} (reçus : {[m['Subject'] for m in self.messages]})")

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def links(self, message: EmailMessage) -> list[str]:
        return re.findall(r"https?://\S+", self.body(message))

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def start(self, port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=port or self.port)
        self.controller.start()
        self.port = self.controller.port
        self.up = True

    def go_down(self) -> None:
        """An SMTP outage: connections are refused until ``come_back()``."""
        self.controller.stop()
        self.up = False

    def come_back(self) -> None:
        self.start(self.port)


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    """The SMTP server the test portal sends its mails to (``mail_sink.wait_for(to, subject)``)."""
    sink = MailSink()
    sink.start(_free_port())
    yield sink
    if sink.up:
        sink.controller.stop()


@pytest.fixture(scope="session")
def portal_port() -> int:
    """The port the live portal will use, chosen first so that mailed links point at it."""
    return _free_port()


@pytest.fixture(scope="session")
def portal_settings(tmp_path_factory: pytest.TempPathFactory, mail_sink: MailSink, portal_port: int) -> Any:
    """Settings of a fresh portal database, migrated and filled with the demo data."""
    from teleservices.core.settings import Settings

    var_dir = tmp_path_factory.mktemp("var")
    url = database_url(var_dir)
    if url.startswith("postgres"):
        _prepare_postgres(url)
    # Piccolo's migration commands read the database from the environment (piccolo_conf).
    os.environ["TELESERVICES_DATABASE_URL"] = url
    os.environ["TELESERVICES_VAR_DIR"] = str(var_dir)
    settings = Settings(
        database_url=url, secret_key="clé-de-test", var_dir=var_dir,
        base_url=f"http://127.0.0.1:{portal_port}",
        smtp_url=f"smtp://127.0.0.1:{mail_sink.port}", mail_interval=0.2,
    )

    from teleservices.core.db import bind, engine_from_url, migrate
    from teleservices.core.demo import load_demo
    from teleservices.core.plugins import all_tables, load_plugins

    plugins = load_plugins(settings)
    bind(engine_from_url(url), all_tables(plugins))
    run(migrate())
    run(load_demo(plugins))
    return settings


@pytest.fixture(scope="session")
def portal_app(portal_settings: Any) -> Any:
    from teleservices.core.app import create_app

    return create_app(portal_settings)


@pytest.fixture
def client(portal_app: Any) -> Iterator[Any]:
    from litestar.testing import TestClient

    with TestClient(app=portal_app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


@pytest.fixture
def login() -> Callable[..., Any]:
    """``login(client, identifiant, password=DEMO_PASSWORD)``: returns the response after login."""

    def do_login(client: Any, identifiant: str, password: str = DEMO_PASSWORD) -> Any:
        token = csrf_from(client.get("/connexion").text)
        return client.post(
            "/connexion",
            data={"_csrf": token, "identifiant": identifiant, "mot_de_passe": password, "suivant": "/"},
            follow_redirects=True,
        )

    return do_login


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_portal(portal_app: Any, portal_port: int) -> Iterator[str]:
    """The portal served on 127.0.0.1 for the whole session (``portal_settings.base_url``)."""
    import uvicorn

    port = portal_port
    server = uvicorn.Server(uvicorn.Config(portal_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("Le portail de test n'a pas démarré")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def pytest_configure(config: pytest.Config) -> None:
    # Registered after every setuptools plugin, so that pytest picks these fixtures over
    # pytest-playwright's and pytest-base-url's own, whatever order entry points load in.
    config.pluginmanager.register(importlib.import_module("teleservices.core.testing_browser"))


@pytest.fixture
def login_page() -> Callable[..., Any]:
    """``login_page(page, identifiant, password)``: log in through the form, as a person would."""

    def do_login(page: Any, identifiant: str, password: str = DEMO_PASSWORD) -> Any:
        page.goto("/connexion")
        page.get_by_label("Identifiant").fill(identifiant)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion" not in url)
        return page

    return do_login
