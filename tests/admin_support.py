"""Shared by the administration tests: another establishment with its head, academy
administrators, the services page submitted as a browser would, and putting back what the
tests change (activation rows, the collège's home page settings, journal lines)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Callable, Iterator

import pytest

from teleservices.core.security import hash_password
from teleservices.core.tables import Compte, Etablissement, Journal, ServiceActivation
from teleservices.core.testing import DEMO_PASSWORD, csrf_from, last_id, run

OTHER_UAI = "0629990X"  # an establishment of another academy, made for the tests
OTHER_HEAD = "essai.chef.arras"
OTHER_ADMIN = "essai.admin.amiens"
SERVICES_PAGE = "/administration/services"


@dataclass(frozen=True)
class Other:
    etablissement: int
    head: str


async def _make_other() -> Other:
    [etab] = await Etablissement.insert(Etablissement(
        uai=OTHER_UAI, type="lycee", nom="LYCEE ESSAI ARRAS", commune="ARRAS", academie="AMIENS",
    )).returning(Etablissement.id)
    await Compte.insert(
        Compte(identifiant=OTHER_HEAD, mot_de_passe=hash_password(DEMO_PASSWORD), type="personnel", etat="actif",
               etablissement=etab["id"], role="chef", nom_affiche="Chef ARRAS"),
        Compte(identifiant=OTHER_ADMIN, mot_de_passe=hash_password(DEMO_PASSWORD), type="personnel", etat="actif",
               role="admin_academique", academie="AMIENS", nom_affiche="Admin AMIENS"),
    )
    return Other(etablissement=etab["id"], head=OTHER_HEAD)


async def _drop_other() -> None:
    # Its head, its journal and its activation rows go with it (foreign keys cascade).
    await Etablissement.delete().where(Etablissement.uai == OTHER_UAI)
    await Compte.delete().where(Compte.identifiant.is_in([OTHER_HEAD, OTHER_ADMIN]))


@pytest.fixture
def other() -> Iterator[Other]:
    """A lycée of the academy of AMIENS with its head (``essai.chef.arras``) and the academy's
    administrator (``essai.admin.amiens``); all deleted after the test."""
    run(_drop_other())
    yield run(_make_other())
    run(_drop_other())


@pytest.fixture
def journal_cleaned() -> Iterator[Callable[[], list[dict]]]:
    """``new_lines()``: the journal lines written since the test began; deleted after it."""
    last = last_id(Journal)

    def new_lines() -> list[dict]:
        return run(Journal.select().where(Journal.id > last).order_by(Journal.id))

    yield new_lines
    run(Journal.delete().where(Journal.id > last))


@pytest.fixture
def college_settings_kept(demo: Any) -> Iterator[None]:
    """The collège's activation rows and home page settings are put back after the test."""
    rows = run(ServiceActivation.select().where(ServiceActivation.etablissement == demo.college))
    etab = run(Etablissement.select(Etablissement.afficher_contact, Etablissement.message_accueil).where(
        Etablissement.id == demo.college).first())
    yield
    run(ServiceActivation.delete().where(ServiceActivation.etablissement == demo.college))
    if rows:
        run(ServiceActivation.insert(*[ServiceActivation(**{k: v for k, v in row.items() if k != "id"}) for row in rows]))
    run(Etablissement.update(etab).where(Etablissement.id == demo.college))


class FormReader(HTMLParser):
    """The fields a browser would submit from the page's forms: checked boxes and radios, text,
    date, hidden and textarea values (one form per page is enough here)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields, self.textarea = action, False, {}, None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action and a.get("method") == "post"
        elif self.inside and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            else:
                self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_of(html: str, action: str = SERVICES_PAGE) -> dict[str, str]:
    reader = FormReader(action)
    reader.feed(html)
    return reader.fields


def submit_services(client: Any, **changes: Any) -> Any:
    """Post the services page as displayed, with ``changes`` (a value of None unchecks a box)."""
    fields = form_of(client.get(SERVICES_PAGE).text)
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    assert fields.get("_csrf")
    return client.post(SERVICES_PAGE, data=fields, follow_redirects=False)


def post_with_csrf(client: Any, path: str, data: dict | None = None, page: str = "/") -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(path, data={"_csrf": token, **(data or {})}, follow_redirects=False)
