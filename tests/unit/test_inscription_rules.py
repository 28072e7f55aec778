"""The rules of the online enrolment in lycée (guide 3.2): the campaign's dates, the steps and
their order, and the lycée's offer rules for the pedagogical wishes."""

from __future__ import annotations

import datetime as dt

import pytest

from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.rules import (
    FICHE, LV1, LV2, OPTION, RECAPITULATIF, VALIDATION, VOEUX, Avancement, Campagne, Enseignement, Offre, Voeux,
)

D = dt.date
CAMPAGNE = Campagne(D(2027, 6, 25), D(2027, 7, 8))
OFFRE = Offre(
    enseignements=(
        Enseignement("AGL1", "Anglais LV1", LV1), Enseignement("ALL1", "Allemand LV1", LV1),
        Enseignement("ALL2", "Allemand LV2", LV2), Enseignement("ESP2", "Espagnol LV2", LV2),
        Enseignement("AGL2", "Anglais LV2", LV2),
        Enseignement("SES", "Sciences économiques et sociales", OPTION),
        Enseignement("LATIN", "Latin", OPTION), Enseignement("SI", "Sciences de l'ingénieur", OPTION),
    ),
    options_min=1, options_max=2, incompatibles=(("LATIN", "SI"),),
)


@pytest.mark.parametrize("jour, etat", [
    (D(2027, 6, 24), "a_venir"), (D(2027, 6, 25), "ouverte"), (D(2027, 7, 8), "ouverte"), (D(2027, 7, 9), "fermee"),
])
def test_the_campaign_is_open_from_its_first_to_its_last_day(jour, etat):
    assert CAMPAGNE.etat(jour) == etat and CAMPAGNE.ouverte(jour) is (etat == "ouverte")


def test_the_campaign_form_checks_its_dates():
    assert rules.erreur_dates(D(2027, 6, 25), D(2027, 7, 8)) == {}
    assert set(rules.erreur_dates(None, None)) == {"ouverture", "fermeture"}
    assert "avant de commencer" in rules.erreur_dates(D(2027, 7, 8), D(2027, 6, 25))["fermeture"]


def test_steps_are_taken_in_order_and_resume_where_the_parent_left():
    debut = Avancement()
    assert debut.prochaine == VALIDATION and debut.statut == "non commencée"
    assert debut.accessible(VALIDATION) and not debut.accessible(VOEUX) and not debut.accessible(5)
    une = debut.faite(VALIDATION)
    assert une.prochaine == VOEUX and une.accessible(VOEUX) and not une.accessible(FICHE)
    assert une.statut == "en cours" and une.accessible(VALIDATION)  # going back is allowed
    trois = une.faite(VOEUX).faite(FICHE)
    assert trois.prochaine == RECAPITULATIF and trois.accessible(RECAPITULATIF) and not trois.confirmee
    fini = trois.faite(RECAPITULATIF)
    assert fini.confirmee and fini.statut == "validée" and fini.prochaine == RECAPITULATIF


def test_families_write_only_while_open_and_not_confirmed():
    en_cours = Avancement(frozenset({VALIDATION}))
    assert rules.modifiable(en_cours, CAMPAGNE, D(2027, 7, 1))
    assert not rules.modifiable(en_cours, CAMPAGNE, D(2027, 7, 9))  # closed: read-only
    assert not rules.modifiable(en_cours.faite(VOEUX).faite(FICHE).faite(RECAPITULATIF), CAMPAGNE, D(2027, 7, 1))


def test_valid_wishes():
    assert rules.erreurs_voeux(OFFRE, Voeux("AGL1", "ALL2", ("SES",))) == {}
    assert rules.erreurs_voeux(OFFRE, Voeux("ALL1", "AGL2", ("SES", "LATIN"))) == {}


def test_languages_are_required_offered_and_different():
    assert set(rules.erreurs_voeux(OFFRE, Voeux("", "", ("SES",)))) == {LV1, LV2}
    assert "ne propose pas" in rules.erreurs_voeux(OFFRE, Voeux("ITA1", "ALL2", ("SES",)))[LV1]
    assert "autre langue" in rules.erreurs_voeux(OFFRE, Voeux("AGL1", "AGL2", ("SES",)))[LV2]


def test_options_count_offer_and_combinations():
    assert "au moins 1" in rules.erreurs_voeux(OFFRE, Voeux("AGL1", "ALL2", ()))[OPTION]
    assert "au plus 2" in rules.erreurs_voeux(OFFRE, Voeux("AGL1", "ALL2", ("SES", "LATIN", "SI")))[OPTION]
    assert "ne propose pas" in rules.erreurs_voeux(OFFRE, Voeux("AGL1", "ALL2", ("CINEMA",)))[OPTION]
    message = rules.erreurs_voeux(OFFRE, Voeux("AGL1", "ALL2", ("LATIN", "SI")))[OPTION]
    assert "« Latin » et « Sciences de l'ingénieur » ne peuvent pas être suivis ensemble" in message


def test_an_offer_without_lv2_asks_for_none():
    sans_lv2 = Offre(tuple(e for e in OFFRE.enseignements if e.categorie != LV2))
    assert rules.erreurs_voeux(sans_lv2, Voeux("AGL1", "", ())) == {}
    assert rules.langue("AGL1") == rules.langue("AGL2") == "AGL"


@pytest.mark.parametrize("etapes", [[1, 2], "[1, 2]", '[1, 2, 9]', ["1", "2"]])
def test_a_dossier_row_reads_as_its_progress(etapes):
    """The JSON column as either engine gives it (text, or decoded); an unknown step is ignored."""
    assert rules.avancement_de(etapes, None) == rules.Avancement(frozenset({1, 2}))
    assert rules.avancement_de(None, None).statut == "non commencée"
    assert rules.avancement_de("[1, 2, 3, 4]", dt.datetime(2027, 6, 30, 18, 30)).statut == "validée"


def test_a_re_opened_enrolment_must_be_confirmed_again():
    confirmee = rules.Avancement(frozenset({1, 2, 3, 4}), confirmee=True)
    rouverte = rules.rouverte(confirmee)
    assert rouverte == rules.Avancement(frozenset({1, 2, 3}))
    assert rouverte.prochaine == rules.RECAPITULATIF and rouverte.statut == "en cours"
    campagne = rules.Campagne(dt.date(2027, 6, 20), dt.date(2027, 7, 8))
    assert rules.modifiable(rouverte, campagne, dt.date(2027, 7, 1))
    assert not rules.modifiable(confirmee, campagne, dt.date(2027, 7, 1))


def test_a_mef_with_fewer_options_than_the_minimum_asks_for_all_of_them():
    offre = rules.Offre([rules.Enseignement("SES", "Sciences économiques et sociales", rules.OPTION)], options_min=2)
    assert rules.erreurs_voeux(offre, rules.Voeux(options=("SES",))) == {}
    assert "au moins 1 enseignement" in rules.erreurs_voeux(offre, rules.Voeux())[rules.OPTION]
    assert rules.erreurs_voeux(rules.Offre([], options_min=2), rules.Voeux()) == {}
