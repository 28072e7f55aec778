"""Helpers of the identity tests: throwaway accounts, the outbox, a clock that travels.

Every account made here belongs to a pupil and a guardian made for it, and all of them are
deleted after the test (with their sessions, tokens and mails): the demo data stays as it was.
Test modules import the fixtures they use by name.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from teleservices.core import clock
from teleservices.core.security import hash_password
from teleservices.core.tables import (
    Compte, CompteEleve, Courriel, Division, Eleve, Etablissement, Responsable, ResponsableEleve, Tentative,
)
from teleservices.core.testing import csrf_from, run

MAIL_DOMAIN = "identite.test"
NEW_PASSWORD = "Tournesol-Bleu-47"
# As the school's letters make them: random, not a common password (the demo's one is).
PROVISIONAL = "Hq4t-Rv8w-Xm"
BIRTH = dt.date(2012, 5, 17)


@dataclass
class Account:
    compte_id: int
    identifiant: str
    password: str
    type: str
    eleve_id: int
    birth: dt.date
    mel: str = ""
    siecle_mel: str = ""
    responsable_id: int | None = None
    extra_eleves: list[int] = field(default_factory=list)

    @property
    def birth_fr(self) -> str:
        return self.birth.strftime("%d/%m/%Y")


def address(prefix: str = "famille") -> str:
    """A fresh address of the test domain, so that each test reads only its own mails."""
    return f"{prefix}.{secrets.token_hex(4)}@{MAIL_DOMAIN}"


async def _create(kind: str, etat: str, password: str, mel: str, mel_verifie: bool, siecle_mel: str,
                  birth: dt.date) -> Account:
    suffix = secrets.token_hex(4)
    etab = await Etablissement.select(Etablissement.id).where(Etablissement.nom == "COLLEGE JEAN MOULIN").first()
    division = await Division.select(Division.id).where(
        (Division.etablissement == etab["id"]) & (Division.code_structure == "4G")
    ).first()
    eleve = Eleve(
        eleve_id=f"T{suffix}", etablissement=etab["id"], division=division["id"], nom_de_famille="ESSAI",
        prenom=f"Camille{suffix[:2]}", code_sexe="2", date_naiss=birth,
        mel=siecle_mel if kind == "eleve" else "",
    )
    await eleve.save()
    responsable = None
    lien = None
    if kind == "parent":
        responsable = Responsable(personne_id=f"T{suffix}", lc_civilite="MME", nom_de_famille="ESSAI",
                                  prenom="Dominique", mel=siecle_mel)
        await responsable.save()
        lien = ResponsableEleve(eleve=eleve.id, responsable=responsable.id, resp_legal=1, code_parente="10")
        await lien.save()
    now = clock.now()
    compte = Compte(
        identifiant=f"essai.{kind}{suffix}", mot_de_passe=hash_password(password), type=kind, etat=etat,
        mel=mel, mel_verifie=mel_verifie, responsable=responsable.id if responsable else None,
        active_le=now if etat == "actif" else None, attente_depuis=now if etat == "en_attente" else None,
    )
    await compte.save()
    await CompteEleve.insert(CompteEleve(compte=compte.id, eleve=eleve.id, responsable_eleve=lien.id if lien else None))
    return Account(
        compte_id=compte.id, identifiant=compte.identifiant, password=password, type=kind, eleve_id=eleve.id,
        birth=birth, mel=mel, siecle_mel=siecle_mel, responsable_id=responsable.id if responsable else None,
    )


async def _delete(account: Account) -> None:
    await Compte.delete().where(Compte.id == account.compte_id)
    await Eleve.delete().where(Eleve.id.is_in([account.eleve_id, *account.extra_eleves]))
    if account.responsable_id:
        await Responsable.delete().where(Responsable.id == account.responsable_id)


@pytest.fixture
def make_account(portal_settings: Any) -> Iterator[Callable[..., Account]]:
    """``make_account("parent"|"eleve", etat="provisoire", ...)``: a throwaway account with its
    own pupil (and guardian), deleted after the test."""
    made: list[Account] = []

    def make(kind: str = "parent", etat: str = "provisoire", password: str = PROVISIONAL,
             mel: str = "", mel_verifie: bool = False, siecle_mel: str = "", birth: dt.date = BIRTH) -> Account:
        account = run(_create(kind, etat, password, mel, mel_verifie, siecle_mel, birth))
        made.append(account)
        return account

    yield make
    for account in made:
        run(_delete(account))
    run(Courriel.delete().where(Courriel.destinataire.like(f"%@{MAIL_DOMAIN}")))


@pytest.fixture
def fresh_throttle(portal_settings: Any) -> Iterator[None]:
    """No failed password check counted before or after the test (all test clients share one
    client address)."""
    run(Tentative.delete(force=True))
    yield
    run(Tentative.delete(force=True))


class Travel:
    """``travel(days=92)``: the portal's clock moves forward from now (``clock.now``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.real_now = clock.now
        self.offset = dt.timedelta()

    def __call__(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)
        offset, real_now = self.offset, self.real_now
        self.monkeypatch.setattr(clock, "now", lambda: real_now() + offset)


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> Travel:
    return Travel(monkeypatch)


def mails_to(to: str, subject: str | None = None) -> list[dict[str, Any]]:
    """The outbox rows for this address (oldest first), optionally of one subject."""
    query = Courriel.select(Courriel.id, Courriel.destinataire, Courriel.sujet, Courriel.corps).where(
        Courriel.destinataire == to
    )
    if subject is not None:
        query = query.where(Courriel.sujet == subject)
    return run(query.order_by(Courriel.id).run())


def link_in(body: str) -> str:
    links = re.findall(r"https?://\S+\?code=\S+", body)
    assert len(links) == 1, f"un lien attendu dans : {body!r}"
    return links[0]


def path_of(url: str) -> str:
    """The link's path and query, to follow it with a test client of another base URL."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def code_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["code"][0]


def account_row(compte_id: int) -> dict[str, Any] | None:
    return run(Compte.select().where(Compte.id == compte_id).first().run())


def post_form(client: Any, path: str, data: dict[str, str], page: str | None = None, **kwargs: Any) -> Any:
    """Submit a form of the portal as a browser does: the CSRF token read from its page first."""
    token = csrf_from(client.get(page or path).text)
    return client.post(path, data={"_csrf": token, **data}, follow_redirects=kwargs.pop("follow_redirects", False),
                       **kwargs)


def field_error(html: str, name: str) -> str | None:
    """The error message shown next to a field, checking it is tied to the field for screen readers."""
    import html as html_module

    match = re.search(rf'<span class="erreur-champ" id="erreur-{name}">(.*?)</span>', html, re.S)
    if not match:
        return None
    tag = re.search(rf'<input id="{name}"[^>]*>', html)
    assert tag, f"pas de champ {name}"
    assert 'aria-invalid="true"' in tag.group(0), f"{name} n'est pas marqué invalide"
    assert f"erreur-{name}" in re.search(r'aria-describedby="([^"]*)"', tag.group(0)).group(1)
    return html_module.unescape(match.group(1).strip())


def input_value(html: str, name: str) -> str | None:
    import html as html_module

    tag = re.search(rf'<input id="{name}"[^>]*>', html)
    assert tag, f"pas de champ {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html_module.unescape(value.group(1)) if value else None
