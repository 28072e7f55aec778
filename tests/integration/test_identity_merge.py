"""Merging two parent accounts (guide 2.2.1): all or nothing, refusals, throttling, sessions."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from teleservices.core.api import hookimpl
from teleservices.core.app import create_app
from teleservices.core.security import hash_password
from teleservices.core.tables import Compte, CompteEleve, Eleve
from teleservices.core.testing import csrf_from, run

PASSWORD = "Fusion-des-comptes-42"


async def _pupils(count: int) -> list[int]:
    """Ordinary demo pupils nobody's account sees."""
    linked = [r["eleve"] for r in await CompteEleve.select(CompteEleve.eleve)]
    rows = await Eleve.select(Eleve.id).where(Eleve.id.not_in(linked)).order_by(Eleve.id).limit(count)
    return [r["id"] for r in rows]


@pytest.fixture
def parent_account() -> Iterator[Callable[..., int]]:
    """``parent_account("x.y", pupils, etat="actif", type="parent")``: a new account seeing these
    pupils; deleted after the test (with any link left)."""
    made: list[str] = []

    def make(identifiant: str, pupils: list[int], etat: str = "actif", type: str = "parent") -> int:
        compte = Compte(identifiant=identifiant, mot_de_passe=hash_password(PASSWORD), type=type, etat=etat)
        run(compte.save())
        if pupils:
            run(CompteEleve.insert(*[CompteEleve(compte=compte.id, eleve=e) for e in pupils]))
        made.append(identifiant)
        return compte.id

    yield make
    run(Compte.delete().where(Compte.identifiant.is_in(made)))


def children_ids(compte_id: int) -> set[int]:
    return {r["eleve"] for r in run(CompteEleve.select(CompteEleve.eleve).where(CompteEleve.compte == compte_id))}


def merge(client: Any, identifiant: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client.get("/compte/regrouper").text)
    return client.post("/compte/regrouper", data={"_csrf": token, "identifiant": identifiant, "mot_de_passe": password})


def test_merge_moves_the_children_and_destroys_the_other_account(parent_account, client_as, text):
    a, b, shared = run(_pupils(3))
    kept = parent_account("fusion.garde", [a, shared])
    merged = parent_account("fusion.absorbe", [b, shared])
    other_browser = client_as("fusion.absorbe", PASSWORD)
    browser = client_as("fusion.garde", PASSWORD)
    cookie_before = browser.cookies.get("ts_session")

    response = merge(browser, "fusion.absorbe")

    assert response.status_code == 200
    assert "Les comptes ont été regroupés" in text(response)
    assert children_ids(kept) == {a, b, shared}
    assert run(Compte.exists().where(Compte.id == merged)) is False
    assert browser.cookies.get("ts_session") != cookie_before, "a merge starts a new session"
    assert "/connexion" in str(other_browser.get("/").url), "the destroyed account's sessions end"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("fusion.garde", "il n'y a rien à regrouper"),
        ("demo.eleve", "Un compte élève ne peut pas être regroupé"),
        ("fusion.attente", "n'est pas encore activé"),
    ],
)
def test_merge_refusals_change_nothing(parent_account, client_as, text, target, message):
    a, b = run(_pupils(2))
    kept = parent_account("fusion.garde", [a])
    waiting = parent_account("fusion.attente", [b], etat="en_attente")
    browser = client_as("fusion.garde", PASSWORD)
    password = "Bienvenue-2026" if target == "demo.eleve" else PASSWORD

    response = merge(browser, target, password)

    assert message in text(response)
    assert children_ids(kept) == {a}
    assert children_ids(waiting) == {b}


def test_wrong_password_and_unknown_identifier_get_the_same_answer(parent_account, client_as, text):
    (a,) = run(_pupils(1))
    parent_account("fusion.garde", [a])
    browser = client_as("fusion.garde", PASSWORD)
    wrong = text(merge(browser, "demo.parent2", "pas-le-bon-mot-de-passe"))
    unknown = text(merge(browser, "personne.inconnue", "pas-le-bon-mot-de-passe"))
    assert "Identifiant ou mot de passe incorrect." in wrong
    assert wrong.replace("demo.parent2", "X") == unknown.replace("personne.inconnue", "X")


def test_password_guessing_on_merge_is_slowed_down(parent_account, client_as, text):
    (a,) = run(_pupils(1))
    parent_account("fusion.garde", [a])
    browser = client_as("fusion.garde", PASSWORD)
    for _ in range(4):
        merge(browser, "demo.parent2", "devinette")
    response = merge(browser, "demo.parent2", "Bienvenue-2026")
    assert "Trop de tentatives" in text(response)
    assert run(Compte.exists().where(Compte.identifiant == "demo.parent2")), "not merged while throttled"


def test_a_pupil_cannot_merge(client_as, text):
    response = merge(client_as("demo.eleve"), "demo.parent2", "Bienvenue-2026")
    assert "Seul un compte de responsable" in text(response)
    assert run(Compte.exists().where(Compte.identifiant == "demo.parent2"))


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    @hookimpl
    def accounts_merged(self, kept: int, merged: int) -> None:
        self.calls.append((kept, merged))


class FailingPlugin:
    @hookimpl
    async def accounts_merged(self, kept: int, merged: int) -> None:
        raise RuntimeError("panne simulée pendant le regroupement")


def test_plugins_learn_of_the_merge(portal_settings, parent_account, client_as):
    a, b = run(_pupils(2))
    kept = parent_account("fusion.garde", [a])
    merged = parent_account("fusion.absorbe", [b])
    recorder = Recorder()
    app = create_app(portal_settings, extra_plugins={"enregistreur": recorder})
    merge(client_as("fusion.garde", PASSWORD, app=app), "fusion.absorbe")
    assert recorder.calls == [(kept, merged)]


def test_a_failure_half_way_leaves_both_accounts_as_they_were(portal_settings, parent_account, client_as, text):
    """Fault injection: a plugin's hook fails after the children moved, inside the transaction."""
    a, b = run(_pupils(2))
    kept = parent_account("fusion.garde", [a])
    merged = parent_account("fusion.absorbe", [b])
    app = create_app(portal_settings, extra_plugins={"en-panne": FailingPlugin()})
    browser = client_as("fusion.garde", PASSWORD, app=app)

    response = merge(browser, "fusion.absorbe")

    assert response.status_code == 200
    assert "Le regroupement n'a pas été fait : le service « en-panne » a rencontré une erreur." in text(response)
    assert children_ids(kept) == {a}
    assert children_ids(merged) == {b}
    assert run(Compte.exists().where(Compte.id == merged))
