"""The school year as families filter it (core/periodes.py): periods, months, « Filtre par »."""

import datetime as dt

from teleservices.core.api import PAR_MOIS, Periode, filtre, mois_de_l_annee, periode_courante, periode_de

PERIODES = [
    Periode("T1", "1er trimestre", dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
    Periode("T2", "2e trimestre", dt.date(2026, 12, 1), dt.date(2027, 2, 28)),
    Periode("T3", "3e trimestre", dt.date(2027, 3, 1), dt.date(2027, 7, 4)),
]


def test_the_period_of_a_day():
    assert periode_de(dt.date(2026, 12, 1), PERIODES).code == "T2"
    assert periode_de(dt.date(2026, 11, 30), PERIODES).code == "T1"
    assert periode_de(dt.date(2027, 8, 15), PERIODES) is None


def test_the_current_period():
    assert periode_courante(dt.date(2027, 1, 10), PERIODES).code == "T2"
    assert periode_courante(dt.date(2027, 8, 15), PERIODES).code == "T3"  # summer: the last one begun
    assert periode_courante(dt.date(2026, 8, 20), PERIODES).code == "T1"  # before the year starts
    assert periode_courante(dt.date(2026, 8, 20), []) is None


def test_months_of_the_school_year():
    mois = mois_de_l_annee(PERIODES)
    assert mois[0] == ("2026-09", "Septembre 2026") and mois[3] == ("2026-12", "Décembre 2026")
    assert mois[4] == ("2027-01", "Janvier 2027") and mois[-1] == ("2027-07", "Juillet 2027")
    assert len(mois) == 11


def test_filter_by_period_month_or_the_whole_year():
    today = dt.date(2027, 1, 10)
    t1 = filtre("T1", PERIODES, today)
    assert t1.garde(dt.date(2026, 11, 30)) and not t1.garde(dt.date(2026, 12, 1))
    fevrier = filtre("2027-02", PERIODES, today)
    assert fevrier.libelle == "Février 2027" and fevrier.fin == dt.date(2027, 2, 28)
    assert fevrier.garde(dt.date(2027, 2, 1)) and not fevrier.garde(dt.date(2027, 3, 1))
    decembre = filtre("2026-12", PERIODES, today)
    assert decembre.fin == dt.date(2026, 12, 31) and decembre.garde(dt.date(2026, 12, 31))
    toutes = filtre("toutes", PERIODES, today)
    assert toutes.garde(dt.date(2026, 9, 1)) and toutes.garde(dt.date(2027, 7, 4))
    assert not toutes.garde(dt.date(2026, 6, 30))  # last school year


def test_an_unknown_filter_is_the_current_period():
    assert filtre(None, PERIODES, dt.date(2027, 1, 10)).valeur == "T2"
    assert filtre("T9", PERIODES, dt.date(2027, 1, 10)).valeur == "T2"
    assert filtre("2027-13", PERIODES, dt.date(2027, 1, 10)).valeur == "T2"


def test_by_month_the_default_is_the_month_in_progress():
    assert filtre(None, PERIODES, dt.date(2027, 1, 10), PAR_MOIS).valeur == "2027-01"
    assert filtre("n'importe quoi", PERIODES, dt.date(2026, 9, 30), PAR_MOIS).libelle == "Septembre 2026"
    # Outside the school year: its first month before it, its last month after it.
    assert filtre(None, PERIODES, dt.date(2026, 8, 20), PAR_MOIS).valeur == "2026-09"
    assert filtre(None, PERIODES, dt.date(2027, 8, 20), PAR_MOIS).valeur == "2027-07"
    # A period or the whole year is still chosen by name.
    assert filtre("T2", PERIODES, dt.date(2027, 1, 10), PAR_MOIS).debut == dt.date(2026, 12, 1)
    assert filtre("toutes", PERIODES, dt.date(2027, 1, 10), PAR_MOIS).fin == dt.date(2027, 7, 4)


def test_a_period_row_of_sqlite_gives_dates():
    row = {"code": "T1", "libelle": "1er trimestre", "debut": "2026-09-01", "fin": "2026-11-30"}
    assert Periode.de_ligne(row) == PERIODES[0]
