"""The chart of a subject: grades brought to 20, codes left out of the curve but kept in its table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from teleservices.plugins.notes.graphique import HAUT, HAUTEUR, BAS, courbe
from teleservices.plugins.notes.rules import Statistiques


@dataclass
class Ligne:
    devoir_id: int
    date: dt.date
    libelle: str
    valeur: float | None
    code: str
    bareme: int
    stats: Statistiques


def test_grades_on_20_in_date_order_and_codes_only_in_the_table():
    chart = courbe(7, "MATHEMATIQUES", [
        Ligne(2, dt.date(2026, 10, 5), "Interro", 5.0, "", 10, Statistiques(6.0, 2.0, 9.0)),
        Ligne(1, dt.date(2026, 9, 20), "Contrôle", 20.0, "", 20, Statistiques(12.0, 4.0, 20.0)),
        Ligne(3, dt.date(2026, 10, 20), "Devoir", None, "ABS", 20, Statistiques(None, None, None)),
    ])
    assert chart.ident == "graphique-7"
    assert [p.valeur for p in chart.eleve] == ["20", "10"]  # 5/10 is 10/20; ABS is not a point
    assert [p.valeur for p in chart.classe] == ["12", "12"]  # 6/10 is 12/20
    assert chart.eleve[0].y == HAUT and chart.eleve[1].y == (HAUT + HAUTEUR - BAS) / 2
    assert chart.eleve[0].x < chart.eleve[1].x
    assert chart.lignes == [("20/09", "Contrôle", "20", "12"), ("05/10", "Interro", "10", "12"), ("20/10", "Devoir", "ABS", "")]
    assert "20/10 : ABS (classe –)" in chart.description
