"""The head of the demo collège closes a service in « Administration Téléservices »: a parent
already logged in (another browser) no longer sees it; re-opening brings it back. The
collège's activation rows are put back as they were at the end."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from teleservices.core.tables import Etablissement, Journal, ServiceActivation
from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SERVICE = "Les absences"


async def _snapshot() -> tuple[int, list[dict], int]:
    college = (await Etablissement.select(Etablissement.id).where(Etablissement.uai == "0599901K").first())["id"]
    rows = await ServiceActivation.select().where(ServiceActivation.etablissement == college)
    last = await Journal.select(Journal.id).order_by(Journal.id, ascending=False).first()
    return college, rows, last["id"] if last else 0


async def _restore(college: int, rows: list[dict], last_line: int) -> None:
    await ServiceActivation.delete().where(ServiceActivation.etablissement == college)
    await ServiceActivation.insert(*[ServiceActivation(**{k: v for k, v in r.items() if k != "id"}) for r in rows])
    await Journal.delete().where(Journal.id > last_line)


@pytest.fixture
def college_restored(live_portal: str) -> Iterator[None]:
    snapshot = run(_snapshot())
    yield
    run(_restore(*snapshot))


def _set_open(page: Page, opened: bool) -> None:
    page.goto("/administration/services")
    box = page.get_by_role("group", name=SERVICE, exact=True).get_by_label("Ouvert")
    box.check() if opened else box.uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Les modifications sont enregistrées")


def test_closing_a_service_hides_it_from_a_parent_at_once(persona_page: Any, college_restored: None) -> None:
    parent = persona_page("demo.parent")
    services = parent.get_by_role("main").get_by_role("list")
    expect(services).to_contain_text(SERVICE)

    page = persona_page("demo.chef")
    page.get_by_role("link", name="Administration Téléservices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration Téléservices")
    _set_open(page, False)
    expect(page.get_by_role("group", name=SERVICE, exact=True).get_by_label("Ouvert")).not_to_be_checked()

    parent.reload()
    expect(services).not_to_contain_text(SERVICE)
    expect(services).to_contain_text("Les notes")

    _set_open(page, True)
    parent.reload()
    expect(services).to_contain_text(SERVICE)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_services_page_on_a_phone_and_a_computer(persona_page: Any, width: int) -> None:
    page = persona_page("demo.chef", viewport={"width": width, "height": 900})
    page.goto("/administration/services")
    expect(page.get_by_role("group", name="Publication des notes")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"administration-services-{width}.png", full_page=True)
