"""Shared by the tests of the fiche de renseignements: change requests made straight in the
tables for demo pupils (``fiches.demande(...)``), and everything put back after each test: the
records of the pupils and guardians a request was made for, the requests, the « fiche.* »
journal lines and the mails of the test. Test modules import the fixtures they use by name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

from teleservices.core.api import (
    GUARDIAN_FIELDS, PUPIL_FIELDS, guardians, pupil_record, update_guardian_record, update_pupil_record,
)
from teleservices.core.tables import Compte, Courriel, Eleve, Journal
from teleservices.core.testing import last_id, run
from teleservices.plugins.fiche import rules
from teleservices.plugins.fiche.tables import ELEVE, EN_ATTENTE, RESPONSABLE, FicheChangement, FicheDemande


@dataclass
class Fiches:
    """Requests made for the running test, and what to put back after it."""

    marks: dict[str, int]
    pupils: dict[int, dict[str, Any]] = field(default_factory=dict)  # eleve id -> record before
    guardians: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (person, eleve) -> before

    def record(self, eleve_id: int, resp_legal: int = 0) -> dict[str, Any]:
        """The pupil's record now (resp_legal 0), or that of their guardian 1 or 2."""
        if not resp_legal:
            return run(pupil_record(eleve_id))
        return next(g for g in run(guardians(eleve_id)) if g["resp_legal"] == resp_legal)

    def demande(self, eleve_id: int, changes: dict[str, Any], *, resp_legal: int = 0, compte: str = "demo.parent",
                etablissement_id: int | None = None) -> int:
        """A pending request from account ``compte`` to change these fields of the pupil's record
        (resp_legal 0) or of their guardian 1 or 2, the old values read from the record. Returns its id."""
        current = self.record(eleve_id, resp_legal)
        if resp_legal:
            self.guardians.setdefault((current["id"], eleve_id), {f: current[f] for f in GUARDIAN_FIELDS})
        else:
            self.pupils.setdefault(eleve_id, {f: current[f] for f in PUPIL_FIELDS})
        account = run(Compte.select(Compte.id).where(Compte.identifiant == compte).first())
        if etablissement_id is None:
            pupil = run(Eleve.select(Eleve.etablissement).where(Eleve.id == eleve_id).first())
            etablissement_id = pupil["etablissement"]
        [row] = run(FicheDemande.insert(FicheDemande(
            etablissement_id=etablissement_id, eleve_id=eleve_id, cible=RESPONSABLE if resp_legal else ELEVE,
            responsable_id=current["id"] if resp_legal else None, resp_legal=resp_legal,
            compte_id=account["id"], identifiant=compte, etat=EN_ATTENTE,
        )).returning(FicheDemande.id))
        run(FicheChangement.insert(*(
            FicheChangement(demande=row["id"], champ=champ, ancienne=rules.texte(champ, current.get(champ)),
                            nouvelle=rules.texte(champ, value))
            for champ, value in changes.items()
        )))
        return row["id"]

    def changements(self, demande_id: int) -> dict[str, dict[str, Any]]:
        """The request's rows by field: ancienne, nouvelle, decision."""
        rows = run(FicheChangement.select().where(FicheChangement.demande == demande_id))
        return {row["champ"]: row for row in rows}

    def ligne(self, demande_id: int) -> dict[str, Any]:
        return run(FicheDemande.select().where(FicheDemande.id == demande_id).first())

    def mails(self, to: str) -> list[dict[str, Any]]:
        """The mails queued for this address during the test."""
        return run(Courriel.select(Courriel.destinataire, Courriel.sujet, Courriel.corps).where(
            (Courriel.id > self.marks["courriel"]) & (Courriel.destinataire == to)).order_by(Courriel.id))

    def journal(self) -> list[dict[str, Any]]:
        """The « fiche.* » journal lines of the test."""
        return run(Journal.select(Journal.action, Journal.detail, Journal.identifiant).where(
            (Journal.id > self.marks["journal"]) & Journal.action.like("fiche.%")).order_by(Journal.id))


@pytest.fixture
def fiches(portal_settings: Any) -> Iterator[Fiches]:
    """``fiches.demande(eleve_id, {"tel_portable": "07 …"}, resp_legal=1)``; after the test the
    records are as they were and the test's requests, journal lines and mails are gone."""
    made = Fiches({"demande": last_id(FicheDemande), "journal": last_id(Journal), "courriel": last_id(Courriel)})
    yield made
    for eleve_id, values in made.pupils.items():
        run(update_pupil_record(eleve_id, values))
    for (responsable_id, eleve_id), values in made.guardians.items():
        run(update_guardian_record(responsable_id, eleve_id, values))
    ids = [r["id"] for r in run(FicheDemande.select(FicheDemande.id).where(FicheDemande.id > made.marks["demande"]))]
    if ids:
        run(FicheChangement.delete().where(FicheChangement.demande.is_in(ids)))
        run(FicheDemande.delete().where(FicheDemande.id.is_in(ids)))
    run(Journal.delete().where((Journal.id > made.marks["journal"]) & Journal.action.like("fiche.%")))
    run(Courriel.delete().where(Courriel.id > made.marks["courriel"]))


def form_of(page: str, action: str | None = None) -> dict[str, str]:
    """The fields of the page's form (the one posting to ``action``, when given) as a browser
    would send them (checked boxes and radios only)."""
    if action is not None:
        start = page.index(f'action="{action}"')
        page = page[page.rindex("<form", 0, start):page.index("</form>", start)]
    fields = {}
    for tag in re.findall(r"<(?:input|select)\b[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or "disabled" in tag:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = re.search(r'value="([^"]*)"', tag)
        if kind in ("checkbox", "radio"):
            if " checked" in tag:
                fields[name.group(1)] = value.group(1)
        elif tag.startswith("<select"):
            block = page[page.index(tag):]
            block = block[:block.index("</select>")]
            chosen = re.search(r'<option value="([^"]*)" selected', block)
            fields[name.group(1)] = chosen.group(1) if chosen else ""
        else:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def submit(client, path: str, **changes):
    page = client.get(path).text
    fields = {**form_of(page, urlsplit(path).path), **changes}
    return client.post(path, data={k: v for k, v in fields.items() if v is not None}, follow_redirects=False)
