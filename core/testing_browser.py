"""Browser fixtures of the Téléservices pytest plugin (registered by ``testing.pytest_configure``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
