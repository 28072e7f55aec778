"""The home screen of guide 3.1, for a parent of two children in two schools, and for a pupil."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e_portail import (
    COLLEGE_SERVICES, LYCEE_SERVICES, PUPIL_SERVICES, account_menu, children_switcher, expect_home_of,
    pupil_header,
)
from teleservices.core.demo import COLLEGE, LYCEE


def test_parent_logs_in_and_lands_on_lea_home(parent_home: Page, lea) -> None:
    page = parent_home
    expect_home_of(page, lea, "4G", COLLEGE, COLLEGE_SERVICES)
    expect(page).to_have_title(re.compile("Léa D."))
    menu = account_menu(page)
    expect(menu.get_by_role("link", name="aide")).to_be_visible()
    expect(menu.get_by_role("link", name="gérer son compte")).to_be_visible()
    expect(menu.get_by_role("button", name="se déconnecter")).to_be_visible()
    expect(children_switcher(page).get_by_role("link", name=lea.full_name)).to_have_attribute("aria-current", "page")


def test_parent_switches_to_hugo(parent_home: Page, switch_to, live_portal: str, hugo) -> None:
    page = parent_home
    switch_to(hugo)
    expect(page).to_have_url(live_portal + hugo.home)
    expect_home_of(page, hugo, "2NDE1", LYCEE, LYCEE_SERVICES)
    main = page.get_by_role("main")
    expect(main.get_by_text("Le livret personnel de compétences")).to_have_count(0)
    expect(main.get_by_text("L'inscription au lycée")).to_have_count(0)
    expect(children_switcher(page).get_by_role("link", name=hugo.full_name)).to_have_attribute("aria-current", "page")


def test_hugo_page_title_names_hugo_after_switching(parent_home: Page, switch_to, hugo) -> None:
    """The tab, the history list and screen readers name the page by its title."""
    page = parent_home
    switch_to(hugo)
    expect(pupil_header(page)).to_contain_text("la scolarité de Hugo D.")
    expect(page).to_have_title(re.compile("Hugo D."))


def test_reloading_hugo_address_shows_the_same_page(parent_home: Page, switch_to, live_portal: str, hugo) -> None:
    page = parent_home
    switch_to(hugo)
    expect(page).to_have_url(live_portal + hugo.home)
    page.reload()
    expect(page).to_have_url(live_portal + hugo.home)
    expect_home_of(page, hugo, "2NDE1", LYCEE, LYCEE_SERVICES)
    expect(page).to_have_title(re.compile("Hugo D."))


def test_back_button_returns_to_lea(parent_home: Page, switch_to, live_portal: str, lea, hugo) -> None:
    page = parent_home
    switch_to(hugo)
    expect(pupil_header(page)).to_contain_text("la scolarité de Hugo D.")
    page.go_back()
    expect(page).to_have_url(live_portal + lea.home)
    expect_home_of(page, lea, "4G", COLLEGE, COLLEGE_SERVICES)


def test_pupil_sees_only_the_services_for_pupils(page: Page, login_page, lea) -> None:
    login_page(page, "demo.eleve")
    expect_home_of(page, lea, "4G", COLLEGE, PUPIL_SERVICES)
    main = page.get_by_role("main")
    expect(main.get_by_text("La fiche de renseignements")).to_have_count(0)
    expect(main.get_by_text("L'inscription au lycée")).to_have_count(0)
    expect(children_switcher(page)).to_have_count(0)
