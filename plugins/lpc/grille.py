"""The reference grid of the livret personnel de compétences (socle commun, LPC of 2010), loaded
once from ``data/lpc_socle_commun_2010.json`` (see ``data/SOURCES.md``): paliers, compétences,
domaines and items with their official wording, never retyped.

The grid is a frozen national text, the same for every establishment: it lives in memory, and
the pupils' validations name its compétences and items by stable codes: « P3.C1 » for compétence
1 of palier 3, « P3.C1.D2.I4 » for the 4th item of its 2nd domaine (« P2.C3a » at palier 2, where
compétence 3 is split). Every write checks its codes against the grid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from teleservices.core.api import lazy_gettext as _l

SOURCE = Path(__file__).resolve().parent / "data" / "lpc_socle_commun_2010.json"
# The counts SOURCES.md gives: (compétences, items) per palier. Loading checks them.
COMPTES = {1: (3, 46), 2: (8, 110), 3: (7, 98)}
# Compétence 2 (a modern language) is validated at a CECRL level: A1 at palier 2, A2 at palier 3.
NIVEAU_LANGUE = {2: "A1", 3: "A2"}
LANGUE = "2"  # the ref of compétence 2
# The paliers' names as the pages show them, in the page's language (the French ones are the
# grid's own, « Palier 3 (fin troisième) »); the compétences' and items' wording is never translated.
NOMS_PALIERS = {
    1: _l("Palier 1 (fin CE1)"),
    2: _l("Palier 2 (fin CM2)"),
    3: _l("Palier 3 (fin troisième)"),
}


@dataclass(frozen=True)
class Item:
    code: str
    libelle: str


@dataclass(frozen=True)
class Domaine:
    code: str
    libelle: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Competence:
    code: str  # « P3.C1 »
    palier: int
    ref: str  # « 1 », « 3a »
    libelle: str  # « Compétence 1 – La maîtrise de la langue française »
    domaines: tuple[Domaine, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for domaine in self.domaines for item in domaine.items)

    @property
    def numero(self) -> str:
        """« 1 », « 3a »: how the guide names it in « La compétence 1 est validée le : »."""
        return self.ref

    @property
    def langue(self) -> bool:
        return self.ref == LANGUE


@dataclass(frozen=True)
class Palier:
    numero: int
    nom: str  # « Palier 3 (fin troisième) », the grid's
    competences: tuple[Competence, ...]

    @property
    def titre(self) -> Any:
        """The palier's name in the page's language (a lazy string): « Palier 3 (fin troisième) »."""
        return NOMS_PALIERS.get(self.numero, self.nom)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for competence in self.competences for item in competence.items)


@dataclass(frozen=True)
class Grille:
    paliers: dict[int, Palier]
    competences: dict[str, Competence]  # by code
    items: dict[str, tuple[Competence, Item]]  # by code, with their compétence

    def palier(self, numero: int) -> Palier:
        return self.paliers[numero]


def _competence(palier: int, data: dict) -> Competence:
    code = f"P{palier}.C{data['ref']}"
    domaines = tuple(
        Domaine(f"{code}.D{d}", domaine["nom"],
                tuple(Item(f"{code}.D{d}.I{i}", libelle) for i, libelle in enumerate(domaine["items"], 1)))
        for d, domaine in enumerate(data["domaines"], 1)
    )
    return Competence(code, palier, data["ref"], data["nom"], domaines)


def lire(source: Path = SOURCE) -> Grille:
    """The grid of the JSON file, checked against the counts of SOURCES.md."""
    paliers = {}
    for data in json.loads(source.read_text(encoding="utf-8")):
        numero = data["palier"]
        paliers[numero] = Palier(numero, data["nom"], tuple(_competence(numero, c) for c in data["competences"]))
    comptes = {n: (len(p.competences), len(p.items)) for n, p in paliers.items()}
    if comptes != COMPTES:
        raise ValueError(f"Grille du LPC inattendue : {comptes} au lieu de {COMPTES} (compétences, items).")
    competences = {c.code: c for p in paliers.values() for c in p.competences}
    items = {i.code: (c, i) for c in competences.values() for i in c.items}
    return Grille(paliers, competences, items)


@cache
def grille() -> Grille:
    return lire()


CODE = re.compile(r"^P([123])\.C(\w{1,2})(?:\.D(\d{1,2})\.I(\d{1,2}))?$")


def palier_du_code(code: str) -> int | None:
    """The palier a compétence's or an item's code belongs to, if it looks like one."""
    match = CODE.match(code)
    return int(match.group(1)) if match else None
