"""A parent merges the account received for another child: one login then shows every child."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from teleservices.core.security import hash_password
from teleservices.core.tables import Compte, CompteEleve, Eleve
from teleservices.core.testing import run

PASSWORD = "Regroupement-2026!"


async def _two_free_pupils() -> list[dict]:
    linked = [r["eleve"] for r in await CompteEleve.select(CompteEleve.eleve)]
    return await Eleve.select(Eleve.id, Eleve.prenom, Eleve.nom_de_famille).where(
        Eleve.id.not_in(linked)
    ).order_by(Eleve.id).limit(2)


async def _account(identifiant: str, eleve_id: int) -> None:
    compte = Compte(identifiant=identifiant, mot_de_passe=hash_password(PASSWORD), type="parent", etat="actif")
    await compte.save()
    await CompteEleve.insert(CompteEleve(compte=compte.id, eleve=eleve_id))


@pytest.fixture
def two_accounts() -> Iterator[list[dict]]:
    pupils = run(_two_free_pupils())
    run(_account("regroupe.premier", pupils[0]["id"]))
    run(_account("regroupe.second", pupils[1]["id"]))
    yield pupils
    run(Compte.delete().where(Compte.identifiant.is_in(["regroupe.premier", "regroupe.second"])))


def test_parent_merges_two_accounts_and_sees_both_children(page: Page, login_page, two_accounts) -> None:
    first, second = two_accounts
    login_page(page, "regroupe.premier", PASSWORD)
    page.get_by_role("link", name="gérer son compte").click()
    page.get_by_role("link", name="regrouper des comptes").click()
    page.get_by_label("Identifiant du compte à regrouper").fill("regroupe.second")
    page.get_by_label("Mot de passe du compte à regrouper").fill(PASSWORD)
    page.get_by_role("button", name="regrouper des comptes").click()

    expect(page.get_by_role("status")).to_contain_text("Les comptes ont été regroupés")
    page.get_by_role("link", name="accéder aux services").click()
    switcher = page.get_by_role("navigation", name="Vos enfants")
    expect(switcher.get_by_role("link")).to_have_count(2)
    for pupil in (first, second):
        expect(switcher).to_contain_text(f"{pupil['prenom']} {pupil['nom_de_famille']}")

    page.get_by_role("button", name="se déconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
    page.get_by_label("Identifiant").fill("regroupe.second")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
