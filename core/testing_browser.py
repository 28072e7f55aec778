"""Browser fixtures of the Téléservices pytest plugin (registered by ``testing.pytest_configure``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from teleservices.core.testing import login_as

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def base_url(live_portal: str) -> str:
    """Playwright's ``page.goto("/")`` goes to the live portal."""
    return live_portal


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium: ``playwright install`` cannot download a browser on our machines."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} manque : lancez « make test » (il installe le paquet chromium de Debian)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


# The browser's language: the portal speaks the one it asks for (Accept-Language) when the account
# has chosen none, and the personas' pages, labels and buttons are French.
BROWSER_LOCALE = "fr-FR"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's context options, with a French browser (``locale="en-GB"`` in
    ``new_context(...)`` for an English one)."""
    return {"locale": BROWSER_LOCALE, **browser_context_args}


@pytest.fixture
def persona_page(new_context: Callable[..., Any]) -> Callable[..., Any]:
    """``persona_page("demo.parent", **context_options)``: a new page in a browser context of
    its own (its own cookies: several personas side by side), logged in as this persona through
    the login form; ``context_options`` go to ``browser.new_context`` (``viewport={"width": 360,
    "height": 740}``...). The context is closed after the test."""

    def make(identifiant: str, password: str | None = None, **context_options: Any) -> Any:
        return login_as(new_context(**context_options).new_page(), identifiant, password)

    return make
