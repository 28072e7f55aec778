"""Notifications in Chromium, on a phone and on a computer: the parent sees the unread count in the
header, opens « Notifications » (per child, newest first), marks one read — htmx swaps it in place
and the header's badge out of band, the focus goes to the notification — then chooses in « gérer
son compte » a mail at each new grade, and the next one comes by mail, its link opening the grades.
Without JavaScript, the same buttons post and come back. Screenshots of the page and of the
preferences at 360 and 1280 px; nothing scrolls sideways; no serious axe-core violation."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import account_menu
from notifications_support import notifications  # noqa: F401 (fixture)
from teleservices.core.testing import login_as

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SOPHIE = "sophie.dupont@example.org"
CONTROLE = "Mathématiques : « Contrôle 3 » du 12/10/2026"
ABSENCE = "Absence comptée le lundi 23/11/2026 (matin)"


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_badge_the_centre_and_a_preference(
        notifications, persona_page: Any, live_portal: str, lea: Any, hugo: Any, mail_sink: Any, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    notifications.emit(lea.id, "notes.publiees", CONTROLE)
    notifications.emit(hugo.id, "absences.comptees", ABSENCE)
    page = persona_page("demo.parent", viewport={"width": width, "height": 800})
    menu = account_menu(page)
    menu.get_by_role("link", name="notifications 2 non lues").click()
    expect(page).to_have_url(f"{live_portal}/notifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("region", name="Léa DUPONT")).to_contain_text(CONTROLE)
    expect(page.get_by_role("region", name="Hugo DUPONT")).to_contain_text(ABSENCE)
    no_horizontal_scroll(page)
    page.screenshot(path=SCREENSHOTS / f"notifications-centre-{width}.png", full_page=True)

    # htmx marks it read in place: no new page, the badge says 1, the focus is on the notification.
    page.evaluate("window.memePage = true")
    lea_region = page.get_by_role("region", name="Léa DUPONT")
    lea_region.get_by_role("button", name=f"marquer comme lue : {CONTROLE}").click()
    expect(menu.get_by_role("link", name="notifications 1 non lue")).to_be_visible()
    expect(lea_region.get_by_role("button")).to_have_count(0)
    expect(lea_region.get_by_role("link", name=CONTROLE)).to_be_focused()
    expect(page.locator("#notifications-statut")).to_have_text("La notification est marquée comme lue.")
    assert page.evaluate("window.memePage === true")
    expect(page.get_by_role("region", name="Hugo DUPONT").get_by_text("non lue", exact=True)).to_be_visible()

    # « gérer son compte »: a mail at each new grade.
    menu.get_by_role("link", name="gérer son compte").click()
    notes = page.get_by_role("group", name=re.compile(r"^Nouvelles notes publiées"))
    expect(notes.get_by_label("Un courriel par jour qui les résume")).to_be_checked()
    notes.get_by_label("Un courriel à chaque notification").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_role("status").filter(has_text="Vos choix")).to_have_text(
        "Vos choix de notifications sont enregistrés.")
    expect(notes.get_by_label("Un courriel à chaque notification")).to_be_checked()
    expect(page.get_by_role("group", name=re.compile(r"^Absences comptées")).get_by_label(
        "Un courriel par jour qui les résume")).to_be_checked()
    assert notifications.preferences("demo.parent") == {"notes.publiees": "immediat"}
    no_horizontal_scroll(page)
    page.locator("#notifications").screenshot(path=SCREENSHOTS / f"notifications-preferences-{width}.png")

    # The next grades come by mail at once; its link opens them (and marks the notification read).
    mark = mail_sink.mark()
    notifications.emit(lea.id, "notes.publiees", "Français : « Dictée » du 13/10/2026")
    message = mail_sink.wait_for(SOPHIE, "Léa : Nouvelles notes publiées", since=mark)
    assert "Français : « Dictée » du 13/10/2026" in mail_sink.body(message)
    mail_sink.follow(page, message, "/notifications/")
    expect(page).to_have_url(f"{live_portal}{lea.home}notes/")
    expect(menu.get_by_role("link", name="notifications 1 non lue")).to_be_visible()  # Hugo's is left


def test_without_javascript_the_buttons_post_and_come_back(notifications, page_without_js: Page, lea: Any) -> None:
    notifications.emit(lea.id, "notes.publiees", CONTROLE)
    notifications.emit(lea.id, "fiche.decision", "Demande de modification traitée")
    login_as(page_without_js, "demo.parent")
    page_without_js.goto("/notifications")
    page_without_js.get_by_role("button", name=f"marquer comme lue : {CONTROLE}").click()
    expect(page_without_js.get_by_role("status").filter(has_text="marquée")).to_have_text(
        "La notification est marquée comme lue.")
    expect(account_menu(page_without_js).get_by_role("link", name="notifications 1 non lue")).to_be_visible()
    page_without_js.get_by_role("button", name="tout marquer comme lu").click()
    expect(page_without_js.get_by_role("status").filter(has_text="Toutes")).to_be_visible()
    expect(account_menu(page_without_js).get_by_role("link", name="notifications", exact=True)).to_be_visible()


def test_no_serious_accessibility_violation(notifications, audited_page: Page, lea: Any, serious_violations: Any) -> None:
    notifications.emit(lea.id, "notes.publiees", CONTROLE)
    login_as(audited_page, "demo.parent")
    for path in ("/notifications", "/compte"):
        audited_page.goto(path)
        assert serious_violations(audited_page) == [], path
