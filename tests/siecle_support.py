"""Helpers of the SIECLE import tests: the shared samples, derived files, clean-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from teleservices.core.siecle import synthetic
from teleservices.core.tables import Compte, Etablissement, Responsable

SAMPLES = Path(__file__).resolve().parent / "data" / "siecle-samples"  # a copy of shared/data/siecle-samples
DATA = Path(__file__).parent / "data" / "siecle"
MALFORMED = "dossiersco_eleves_avec_adresse_simple.xml"
RESPONSABLES = "dossiersco_responsables_avec_adresses_simple.xml"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def old_style(new_style: bytes) -> bytes:
    """The new-style guardians sample rewritten as an older export: RESP_LEGAL 1, 2 (the file's
    order for each pupil) instead of NIVEAU_RESPONSABILITE."""
    text = new_style.decode("iso-8859-15")
    rank: dict[str, int] = {}
    out = []
    for block in text.split("<RESPONSABLE_ELEVE>"):
        if "<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>" in block:
            eleve = block.split("<ELEVE_ID>")[1].split("</ELEVE_ID>")[0]
            rank[eleve] = rank.get(eleve, 0) + 1
            block = block.replace("<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>", f"<RESP_LEGAL>{rank[eleve]}</RESP_LEGAL>")
        out.append(block)
    return "<RESPONSABLE_ELEVE>".join(out).replace('VERSION="2.1"', 'VERSION="1.9"').encode("iso-8859-15")


def pupil(eleve_id: str, nom: str = "DURAND", prenom: str = "Zoé", division: str | None = "3A", **extra) -> dict:
    return {
        "eleve_id": eleve_id, "nom": nom, "prenom": prenom, "sexe": "2", "naissance": dt.date(2012, 3, 4),
        "mef": "10310019110", "division": division, "groupes": [], **extra,
    }


def pupils_of_responsables_sample() -> bytes:
    """A pupils' file for the guardians sample's UAI and pupils (610308, 610305)."""
    return synthetic.eleves_xml("0140070A", [pupil("610308", "ROCK", "Jade"), pupil("610305", "LOVELACE", "Ada")])


async def drop_school(uai: str, personne_ids: list[str] = (), identifiants: list[str] = ()) -> None:
    """Delete a test establishment (its rows follow by cascade) and the guardians and accounts
    a test made."""
    if identifiants:
        await Compte.delete().where(Compte.identifiant.is_in(list(identifiants)))
    if personne_ids:
        await Responsable.delete().where(Responsable.personne_id.is_in(list(personne_ids)))
    await Etablissement.delete().where(Etablissement.uai == uai)
