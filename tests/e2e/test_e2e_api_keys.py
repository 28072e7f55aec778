"""The head makes an API key on a phone, school software pushes the ENT links with it, the head
revokes it and the software is refused; without JavaScript too."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from playwright.sync_api import Page, expect

from api_support import keys_cleaned, links_restored  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
KEY = re.compile(r"ts_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
LINKS = {"liens": [{"libelle": "Cahier de textes numérique", "url": "https://ent.example.org/cdt"}]}


def push_links(base_url: str, key: str) -> int:
    """What school software does: PUT the links with its key. Returns the HTTP status."""
    request = Request(f"{base_url}/api/v1/ent_exemple/liens", method="PUT", data=json.dumps(LINKS).encode(),
                      headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


def create_and_revoke(page: Page, live_portal: str, name: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Clés d'API").click()
    expect(page.get_by_role("heading", name="Clés d'API", level=1)).to_be_visible()

    page.get_by_role("button", name="Créer la clé").click()
    expect(page.locator("#erreur-nom")).to_contain_text("Indiquez le nom de la clé")
    expect(page.locator("#erreur-portees")).to_contain_text("Cochez au moins un service")

    page.get_by_label("Nom de la clé").fill(name)
    page.get_by_label("ENT de l'académie").check()
    page.get_by_role("button", name="Créer la clé").click()
    expect(page.get_by_role("status")).to_contain_text(f"La clé d'API « {name} » a été créée")
    expect(page.get_by_text("elle ne sera plus jamais affichée")).to_be_visible()
    key = page.get_by_label("Clé d'API").input_value()
    assert KEY.fullmatch(key)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"cle-api-creee-{page.viewport_size['width']}.png", full_page=True)

    assert push_links(live_portal, key) == 200

    page.get_by_role("link", name="Revenir aux clés d'API").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert key not in page.content()
    page.get_by_role("link", name=f"Révoquer la clé {name}").click()
    page.get_by_role("button", name="Confirmer la révocation").click()
    expect(page.get_by_role("status")).to_contain_text("La clé a été révoquée")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS / f"cles-api-{page.viewport_size['width']}.png", full_page=True)

    assert push_links(live_portal, key) == 401


def test_the_head_makes_a_key_on_a_phone_and_revokes_it(open_context: Any, login_page: Any, live_portal: str,
                                                       keys_cleaned: None, links_restored: None) -> None:
    page = open_context(viewport={"width": 360, "height": 740}).new_page()
    login_page(page, "demo.chef")
    create_and_revoke(page, live_portal, "Logiciel de vie scolaire")


def test_the_same_without_javascript(page_without_js: Page, login_page: Any, live_portal: str,
                                     keys_cleaned: None, links_restored: None) -> None:
    login_page(page_without_js, "demo.chef")
    create_and_revoke(page_without_js, live_portal, "ENT sans JavaScript")


def test_the_key_pages_have_no_serious_accessibility_violation(audited_page: Page, login_page: Any,
                                                              serious_violations: Any, keys_cleaned: None) -> None:
    login_page(audited_page, "demo.chef")
    audited_page.goto("/administration/api")
    audited_page.get_by_role("button", name="Créer la clé").click()  # with the error messages
    expect(audited_page.locator("#erreur-nom")).to_be_visible()
    assert serious_violations(audited_page) == []
    audited_page.get_by_label("Nom de la clé").fill("Audit")
    audited_page.get_by_label("ENT de l'académie").check()
    audited_page.get_by_role("button", name="Créer la clé").click()
    expect(audited_page.get_by_label("Clé d'API")).to_be_visible()
    assert serious_violations(audited_page) == []
