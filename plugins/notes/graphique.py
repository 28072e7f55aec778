"""A small chart per subject, drawn on the server as SVG: the child's grades against the class
average, assessment after assessment, on 20. No chart library reaches the browser; the template
gives the same figures as a table, for screen readers and for anyone who prefers numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from teleservices.core.api import format_date
from teleservices.core.api import gettext as _
from teleservices.plugins.notes import rules

LARGEUR, HAUTEUR = 320, 150
GAUCHE, DROITE, HAUT, BAS = 30, 10, 10, 24
ECHELLE = (0, 5, 10, 15, 20)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    valeur: str

    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"


@dataclass(frozen=True)
class Courbe:
    ident: str
    matiere: str
    eleve: list[Point]
    classe: list[Point]
    lignes: list[tuple[str, str, str, str]]  # date, contrôle, note /20, moyenne de la classe /20
    graduations: list[tuple[str, str, int]]  # y of the line, y of its label, value
    largeur: int = LARGEUR
    hauteur: int = HAUTEUR
    gauche: int = GAUCHE
    droite: int = LARGEUR - DROITE

    @property
    def trace_eleve(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.eleve)

    @property
    def trace_classe(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.classe)

    @property
    def description(self) -> str:
        notes = ", ".join(
            _("%(date)s : %(note)s (classe %(moyenne)s)", date=date, note=note or _("pas de note"), moyenne=moy or "–")
            for date, _libelle, note, moy in self.lignes
        )
        return _("Notes sur 20 de l'élève et moyenne de la classe, devoir après devoir : %(notes)s.", notes=notes)


def _y(sur_20: float) -> float:
    return HAUT + (HAUTEUR - HAUT - BAS) * (1 - max(0.0, min(20.0, sur_20)) / 20)


def _sur_20(valeur: float | None, bareme: int) -> float | None:
    return None if valeur is None or not bareme else valeur * 20 / bareme


GRADUATIONS = [(f"{_y(v):.1f}", f"{_y(v) + 4:.1f}", v) for v in ECHELLE]


def courbe(matiere_id: int, matiere: str, lignes: Sequence[Any]) -> Courbe:
    """The chart of one subject's grades (rows of the page with date, valeur, code, bareme, stats)."""
    ordonnees = sorted(lignes, key=lambda l: (l.date, l.devoir_id))
    pas = (LARGEUR - GAUCHE - DROITE) / max(len(ordonnees) - 1, 1)
    eleve, classe, tableau = [], [], []
    for i, ligne in enumerate(ordonnees):
        x = GAUCHE + (i * pas if len(ordonnees) > 1 else (LARGEUR - GAUCHE - DROITE) / 2)
        note = None if ligne.code else _sur_20(ligne.valeur, ligne.bareme)
        moyenne = _sur_20(ligne.stats.moyenne, ligne.bareme)
        note_txt = rules.affiche(round(note, 2)) if note is not None else rules.affiche(None, ligne.code)
        moyenne_txt = rules.affiche(round(moyenne, 2)) if moyenne is not None else ""
        if note is not None:
            eleve.append(Point(x, _y(note), note_txt))
        if moyenne is not None:
            classe.append(Point(x, _y(moyenne), moyenne_txt))
        tableau.append((format_date(ligne.date, "dd/MM"), ligne.libelle, note_txt, moyenne_txt))
    return Courbe(
        ident=f"graphique-{matiere_id}", matiere=matiere, eleve=eleve, classe=classe, lignes=tableau,
        graduations=GRADUATIONS,
    )
