"""The rules of the absences (guide 3.5): which absences count, ISO weeks and their edges, the
count per week inside a filter, the iCalendar export, the chart."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from teleservices.core.api import Periode, filtre
from teleservices.plugins.absences import graphique, rules
from teleservices.plugins.absences.tables import APRES_MIDI, CONSTATEE, MATIN, SIGNALEE

D = dt.date
PERIODES = [
    Periode("T1", "1er trimestre", D(2026, 9, 1), D(2026, 11, 30)),
    Periode("T2", "2e trimestre", D(2026, 12, 1), D(2027, 2, 28)),
    Periode("T3", "3e trimestre", D(2027, 3, 1), D(2027, 7, 4)),
]
LATER = D(2027, 8, 1)  # every week of the year has begun


# Counting


@pytest.mark.parametrize("etat, classee, legitime", list(itertools.product((SIGNALEE, CONSTATEE), (False, True), (False, True))))
def test_only_constatee_classee_with_motif_legitime_counts(etat, classee, legitime):
    assert rules.est_comptee(etat, classee, legitime) is (etat == CONSTATEE and classee and legitime)


def test_a_half_day_with_several_absences_counts_once():
    jour = D(2026, 11, 16)
    absences = [
        (jour, MATIN, CONSTATEE, True, True),
        (jour, MATIN, CONSTATEE, True, True),  # a second hour of the same morning
        (jour, APRES_MIDI, CONSTATEE, True, True),
        (jour, APRES_MIDI, CONSTATEE, True, False),  # not counted, and the afternoon already is
        (D(2026, 11, 17), MATIN, CONSTATEE, False, True),  # not classée
        (D(2026, 11, 18), MATIN, SIGNALEE, True, True),  # only signalée
    ]
    assert rules.demi_journees(absences) == {(jour, MATIN), (jour, APRES_MIDI)}


# Weeks


def test_the_guides_week_26_of_2014():
    semaine = rules.semaine_de(D(2014, 6, 25))
    assert (semaine.annee, semaine.numero, semaine.cle) == (2014, 26, "2014-W26")
    # The guide prints « sam. 29/06/2014 », but the 29th was a Sunday: the Saturday is the 28th.
    assert rules.jour_court(semaine.lundi) == "lun. 23/06/2014" and rules.jour_court(semaine.samedi) == "sam. 28/06/2014"


def test_june_2014_lists_its_weeks_latest_first_and_the_shared_last_one():
    juin = rules.semaines(D(2014, 6, 1), D(2014, 6, 30), LATER)
    assert [s.numero for s in juin] == [27, 26, 25, 24, 23]  # week 22 only has Sunday 1 June: no school day
    assert juin[0].partagee and (juin[0].debut, juin[0].fin) == (D(2014, 6, 30), D(2014, 6, 30))
    assert not any(s.partagee for s in juin[1:])


def test_iso_week_53_and_the_change_of_year():
    # 2026 begins on a Thursday: it has 53 ISO weeks, the last one running into January 2027.
    assert rules.semaine_de(D(2026, 12, 31)).cle == "2026-W53"
    assert rules.semaine_de(D(2027, 1, 2)).cle == "2026-W53"
    assert rules.semaine_de(D(2027, 1, 4)).cle == "2027-W01"
    assert rules.semaine_de(D(2025, 12, 29)).cle == "2026-W01"  # a week 1 that begins in December
    decembre = rules.semaines(D(2026, 12, 1), D(2026, 12, 31), LATER)
    janvier = rules.semaines(D(2027, 1, 1), D(2027, 1, 31), LATER)
    assert decembre[0].cle == "2026-W53" and (decembre[0].debut, decembre[0].fin) == (D(2026, 12, 28), D(2026, 12, 31))
    assert janvier[-1].cle == "2026-W53" and (janvier[-1].debut, janvier[-1].fin) == (D(2027, 1, 1), D(2027, 1, 3))


def test_week_keys():
    assert rules.semaine_de_cle("2026-W53") == D(2026, 12, 28)
    assert rules.semaine_de_cle("2027-W53") is None  # 2027 has 52 weeks
    assert rules.semaine_de_cle("2026-W00") is None and rules.semaine_de_cle("semaine") is None


def test_weeks_not_yet_begun_are_not_listed():
    novembre = rules.semaines(D(2026, 11, 1), D(2026, 11, 30), aujourdhui=D(2026, 11, 18))
    assert [s.numero for s in novembre] == [47, 46, 45]


def test_a_week_across_two_months_counts_its_days_in_each():
    # Week 49 of 2026 runs from Monday 30 November to Saturday 5 December.
    comptees = {(D(2026, 11, 30), MATIN), (D(2026, 12, 1), MATIN), (D(2026, 12, 1), APRES_MIDI)}
    novembre = rules.par_semaine(rules.semaines(D(2026, 11, 1), D(2026, 11, 30), LATER), comptees)
    decembre = rules.par_semaine(rules.semaines(D(2026, 12, 1), D(2026, 12, 31), LATER), comptees)
    w49_nov = next(l for l in novembre if l.semaine.numero == 49)
    w49_dec = next(l for l in decembre if l.semaine.numero == 49)
    assert w49_nov.nombre == 1 and w49_dec.nombre == 2
    assert w49_nov.semaine.partagee and w49_dec.semaine.partagee
    annee = rules.par_semaine(rules.semaines(D(2026, 9, 1), D(2027, 7, 4), LATER), comptees)
    assert sum(l.nombre for l in annee) == 3 == w49_nov.nombre + w49_dec.nombre


def test_the_edges_of_periods_split_their_week_too():
    comptees = {(D(2026, 11, 30), APRES_MIDI), (D(2026, 12, 2), MATIN)}  # T1 ends on Monday 30 November
    t1, t2 = (filtre(code, PERIODES, LATER) for code in ("T1", "T2"))
    compte = {f.valeur: sum(l.nombre for l in rules.par_semaine(rules.semaines(f.debut, f.fin, LATER), comptees))
              for f in (t1, t2)}
    assert compte == {"T1": 1, "T2": 1}
    premiere = rules.semaines(t1.debut, t1.fin, LATER)[-1]
    assert premiere.numero == 36 and premiere.debut == D(2026, 9, 1)  # the year starts on a Tuesday


def test_weeks_with_nothing_are_listed_with_zero():
    lignes = rules.par_semaine(rules.semaines(D(2026, 11, 1), D(2026, 11, 30), LATER), set())
    assert [l.nombre for l in lignes] == [0] * len(lignes) and len(lignes) == 5


def test_a_filter_starting_on_a_sunday_skips_that_week():
    assert rules.semaines(D(2026, 11, 1), D(2026, 11, 1), LATER) == []


# iCalendar


def test_the_calendar_lists_counted_half_days_in_order_with_escaped_text():
    maintenant = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)
    texte = rules.calendrier(
        "Absences de Léa D.",
        [(D(2026, 11, 16), APRES_MIDI, "Maladie"), (D(2026, 11, 16), MATIN, "Rendez-vous, dentiste; 10h\\")],
        "eleve7", maintenant,
    )
    assert texte.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and texte.endswith("END:VCALENDAR\r\n")
    assert "\n" not in texte.replace("\r\n", "")
    assert texte.index("DTSTART:20261116T080000") < texte.index("DTSTART:20261116T133000")
    assert "UID:20261116-matin-eleve7@teleservices" in texte
    assert "DESCRIPTION:Motif : Rendez-vous\\, dentiste\\; 10h\\\\" in texte
    assert "DTSTAMP:20261129T100000Z" in texte and texte.count("BEGIN:VEVENT") == 2


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character():
    texte = rules.calendrier("é" * 100, [], "x", dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc))
    for ligne in texte.split("\r\n"):
        assert len(ligne.encode()) <= 75
    deplie = texte.replace("\r\n ", "")
    assert "X-WR-CALNAME:" + "é" * 100 in deplie


def test_control_characters_never_reach_the_calendar():
    texte = rules.calendrier("Léa\x07\r\nBEGIN:VEVENT", [], "x", dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc))
    # The newline is escaped inside the value: no line of the file begins an event.
    assert "BEGIN:VEVENT" not in texte.split("\r\n") and "\x07" not in texte


# The chart


def test_the_chart_scales_to_the_busiest_week_with_a_floor():
    semaines = rules.semaines(D(2026, 11, 1), D(2026, 11, 30), LATER)[::-1]
    assert graphique.barres([]) is None
    calme = graphique.barres([rules.LigneSemaine(s, n) for s, n in zip(semaines, (0, 1, 0, 0, 0))])
    assert [v for _, v in calme.graduations] == [0, 1, 2, 3, 4]
    charge = graphique.barres([rules.LigneSemaine(s, n) for s, n in zip(semaines, (0, 10, 5, 0, 2))])
    hauteurs = [b.hauteur for b in charge.barres]
    assert hauteurs[0] == 0 and hauteurs[1] == max(hauteurs) and hauteurs[2] == pytest.approx(hauteurs[1] / 2)
    assert [b.numero for b in charge.barres] == [45, 46, 47, 48, 49] and charge.barres[-1].partagee
    assert "semaine 46 : 10" in charge.description
