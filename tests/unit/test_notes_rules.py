"""The rules of the grades service: statistics, codes, averages, periods and months, publication."""

from __future__ import annotations

import datetime as dt

import pytest

from teleservices.core.api import Periode
from teleservices.plugins.notes.rules import (
    NoteComptee, Statistiques, affiche, est_nouvelle, est_visible,
    moyenne_generale, moyenne_matiere, statistiques, visible_le,
)

UTC = dt.timezone.utc
PERIODES = [
    Periode("T1", "1er trimestre", dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
    Periode("T2", "2e trimestre", dt.date(2026, 12, 1), dt.date(2027, 2, 28)),
    Periode("T3", "3e trimestre", dt.date(2027, 3, 1), dt.date(2027, 7, 4)),
]
PUBLIE_LE = dt.datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def note(valeur=None, code="", bareme=20, coefficient=1.0, libelle="Contrôle"):
    return NoteComptee(libelle, dt.date(2026, 12, 10), valeur, code, bareme, coefficient)


# Statistics and codes


def test_statistics_use_numeric_grades_only():
    stats = statistiques([(12.0, ""), (None, "ABS"), (8.0, ""), (None, "DIS"), (None, "NNOT"), (16.0, "")])
    assert stats == Statistiques(12.0, 8.0, 16.0)


def test_statistics_of_an_assessment_without_any_number_are_empty():
    assert statistiques([(None, "ABS"), (None, "NNOT")]) == Statistiques(None, None, None)
    assert Statistiques.agregat(0, None, None, None) == Statistiques(None, None, None)


def test_sql_aggregates_give_the_same_statistics():
    assert Statistiques.agregat(3, 36.0, 8.0, 16.0) == statistiques([(12.0, ""), (8.0, ""), (16.0, "")])


@pytest.mark.parametrize("valeur, code, shown", [
    (12.5, "", "12,5"), (15.0, "", "15"), (13.333333, "", "13,33"), (0.0, "", "0"),
    (None, "ABS", "ABS"), (None, "DIS", "DIS"), (None, "NNOT", "N.NOT"), (None, "", ""),
])
def test_grades_and_codes_as_shown(valeur, code, shown):
    assert affiche(valeur, code) == shown


# Averages


def test_subject_average_is_weighted_by_coefficients_on_20():
    # 12/20 coefficient 1, 8/10 (16/20) coefficient 2: (12 + 2 × 16) / 3
    moyenne = moyenne_matiere([note(12.0), note(8.0, bareme=10, coefficient=2.0)])
    assert moyenne.valeur == pytest.approx(44 / 3)
    assert len(moyenne.prises) == 2 and moyenne.ecartees == []


def test_codes_and_zero_coefficients_are_left_out_with_their_reason():
    moyenne = moyenne_matiere([
        note(10.0), note(code="ABS"), note(code="DIS"), note(code="NNOT"), note(20.0, coefficient=0.0),
    ])
    assert moyenne.valeur == 10.0
    assert [n.raison_ecartee for n in moyenne.ecartees] == [
        "ABS : absent", "DIS : dispensé", "N.NOT : non noté", "coefficient 0",
    ]


def test_a_subject_with_only_codes_has_no_average():
    assert moyenne_matiere([note(code="ABS")]).valeur is None
    assert moyenne_matiere([]).valeur is None


def test_general_average_weighs_every_subject_the_same():
    assert moyenne_generale([10.0, 16.0, None]) == 13.0
    assert moyenne_generale([None]) is None


# Publication

AU_FIL = {"publication": "au_fil_de_l_eau", "publication_t1": "", "publication_t2": "", "publication_t3": ""}


def test_not_yet_published_is_never_visible():
    assert visible_le(False, None, dt.date(2026, 12, 10), AU_FIL, PERIODES) is None


def test_as_they_come_visible_from_the_teachers_publication():
    depuis = visible_le(True, PUBLIE_LE, dt.date(2026, 12, 10), AU_FIL, PERIODES)
    assert depuis == PUBLIE_LE
    assert est_visible(depuis, PUBLIE_LE) and not est_visible(depuis, PUBLIE_LE - dt.timedelta(seconds=1))


def test_from_a_date_per_period():
    options = {**AU_FIL, "publication": "a_partir_du", "publication_t2": "2027-01-15"}
    depuis = visible_le(True, PUBLIE_LE, dt.date(2026, 12, 10), options, PERIODES)
    assert depuis == dt.datetime(2027, 1, 15, tzinfo=UTC)
    assert not est_visible(depuis, dt.datetime(2027, 1, 14, 23, 59, tzinfo=UTC))
    assert est_visible(depuis, dt.datetime(2027, 1, 15, 0, 0, tzinfo=UTC))
    # A publication after the date counts from the publication.
    late = dt.datetime(2027, 2, 1, tzinfo=UTC)
    assert visible_le(True, late, dt.date(2026, 12, 10), options, PERIODES) == late


def test_from_a_date_without_a_date_for_the_period_is_not_visible():
    options = {**AU_FIL, "publication": "a_partir_du", "publication_t1": "2026-12-01"}
    assert visible_le(True, PUBLIE_LE, dt.date(2026, 12, 10), options, PERIODES) is None  # T2 has no date
    assert visible_le(True, PUBLIE_LE, dt.date(2027, 8, 10), options, PERIODES) is None  # outside every period
    broken = {**options, "publication_t2": "pas une date"}
    assert visible_le(True, PUBLIE_LE, dt.date(2026, 12, 10), broken, PERIODES) is None


def test_a_revoked_publication_is_not_visible_again():
    # The teacher took the publication back: publie is false again, whatever the date.
    options = {**AU_FIL, "publication": "a_partir_du", "publication_t2": "2026-12-01"}
    assert visible_le(False, PUBLIE_LE, dt.date(2026, 12, 10), options, PERIODES) is None
    assert visible_le(False, PUBLIE_LE, dt.date(2026, 12, 10), AU_FIL, PERIODES) is None


# "nouveau" since the last visit


def test_new_grades_since_the_previous_visit():
    previous = dt.datetime(2026, 12, 9, tzinfo=UTC)
    assert est_nouvelle(PUBLIE_LE, None, previous)
    assert not est_nouvelle(PUBLIE_LE, None, PUBLIE_LE + dt.timedelta(hours=1))
    # Changed by the teacher after the visit: new again.
    assert est_nouvelle(PUBLIE_LE, PUBLIE_LE + dt.timedelta(days=2), PUBLIE_LE + dt.timedelta(days=1))


