"""A third-party plugin ("ENT de l'académie", key ent_exemple) opened by the lycée only."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import COLLEGE_SERVICES, LYCEE_SERVICES, named, services_listed
from teleservices.core.demo import LYCEE
from teleservices.core.testing import run


async def _set_opened(uai: str, key: str, ouvert: bool) -> bool:
    """Open or close a service for one establishment; return whether it was open before."""
    from teleservices.core.tables import Etablissement, ServiceActivation

    etab = await Etablissement.select(Etablissement.id).where(Etablissement.uai == uai).first()
    where = (ServiceActivation.etablissement == etab["id"]) & (ServiceActivation.service == key)
    row = await ServiceActivation.select(ServiceActivation.ouvert).where(where).first()
    assert row is not None, f"no ServiceActivation row for {key} at {uai}"
    await ServiceActivation.update({ServiceActivation.ouvert: ouvert}).where(where)
    return bool(row["ouvert"])


@pytest.fixture
def ent_opened_at_lycee(portal_settings) -> Iterator[None]:
    before = run(_set_opened(LYCEE["uai"], "ent_exemple", True))
    try:
        yield
    finally:
        run(_set_opened(LYCEE["uai"], "ent_exemple", before))


def test_hugo_home_offers_the_ent_and_its_links(ent_opened_at_lycee, parent_home: Page, switch_to, hugo) -> None:
    page = parent_home
    switch_to(hugo)
    expect(services_listed(page)).to_have_text(named([*LYCEE_SERVICES, "ENT de l'académie"]))
    page.get_by_role("main").get_by_role("link", name="ENT de l'académie").click()
    expect(page.get_by_role("heading", name="ENT de l'académie")).to_be_visible()
    expect(page.get_by_role("link", name="Espace numérique (lycee)")).to_have_attribute(
        "href", "https://ent.example.org/lycee"
    )


def test_lea_home_does_not_offer_the_ent(ent_opened_at_lycee, parent_home: Page, lea) -> None:
    page = parent_home
    expect(services_listed(page)).to_have_text(named(COLLEGE_SERVICES))
    expect(page.get_by_role("main").get_by_text("ENT de l'académie")).to_have_count(0)
