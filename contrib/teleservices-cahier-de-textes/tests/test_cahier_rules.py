"""The cahier de textes' rules, as pure functions: weeks, days, links, the week by day and subject."""

from __future__ import annotations

import datetime as dt

import pytest

from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.rules import Lien

LUNDI = dt.date(2026, 11, 30)  # ISO week 49 of 2026


def test_days_are_written_in_french():
    assert rules.jour_long(dt.date(2026, 12, 1)) == "mardi 1er décembre"
    assert rules.jour_titre(dt.date(2026, 11, 30)) == "Lundi 30 novembre"
    assert rules.jour_court(dt.date(2027, 2, 8)) == "lun. 08/02"
    assert rules.titre_semaine(LUNDI) == "Semaine du lundi 30 novembre au vendredi 4 décembre 2026"


@pytest.mark.parametrize("aujourdhui, lundi", [
    (dt.date(2026, 11, 30), LUNDI),  # Monday
    (dt.date(2026, 12, 3), LUNDI),  # Thursday
    (dt.date(2026, 12, 5), LUNDI),  # Saturday: still this week
    (dt.date(2026, 11, 29), LUNDI),  # Sunday: the week that begins tomorrow
])
def test_the_week_shown_first(aujourdhui, lundi):
    assert rules.semaine_par_defaut(aujourdhui) == lundi


def test_weeks_are_named_the_iso_way_and_read_back():
    assert rules.cle_semaine(LUNDI) == "2026-W49"
    assert rules.lundi_de_cle("2026-W49") == LUNDI
    # The ISO year of the week of 31 December 2024 is 2025.
    assert rules.cle_semaine(dt.date(2024, 12, 30)) == "2025-W01"
    assert rules.lundi_de_cle("2025-W01") == dt.date(2024, 12, 30)
    assert rules.lundi_de_cle("2026-W53") == dt.date(2026, 12, 28)
    for wrong in ("2027-W53", "2026-W00", "2026-49", "W49", "", None, "1999-W10", "2026-W49; drop"):
        assert rules.lundi_de_cle(wrong) is None, wrong


def test_school_days_around_a_day():
    assert rules.jour_de_classe_avant(dt.date(2026, 11, 30)) == dt.date(2026, 11, 27)  # Monday -> Friday
    assert rules.jour_de_classe_avant(dt.date(2026, 12, 2)) == dt.date(2026, 12, 1)
    assert rules.jour_de_classe_apres(dt.date(2026, 12, 4)) == dt.date(2026, 12, 7)  # Friday -> Monday
    assert rules.jour_de_classe_apres(dt.date(2026, 12, 5)) == dt.date(2026, 12, 7)  # Saturday -> Monday
    assert rules.jour_ouvre(dt.date(2026, 11, 29)) == LUNDI
    assert rules.jour_ouvre(LUNDI) == LUNDI


def test_a_new_entry_starts_today_in_the_current_week_else_on_its_monday():
    assert rules.jour_propose(LUNDI, dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)
    assert rules.jour_propose(LUNDI, dt.date(2026, 11, 20)) == LUNDI


def test_an_entry_is_dated_on_a_school_day_of_the_year():
    debut, fin = dt.date(2026, 9, 1), dt.date(2027, 7, 4)
    assert rules.erreur_jour(dt.date(2026, 12, 1), debut, fin, "la séance") == ""
    assert "dimanche" in rules.erreur_jour(dt.date(2026, 11, 29), debut, fin, "la séance")
    assert "01/09/2026 au 04/07/2027" in rules.erreur_jour(dt.date(2027, 8, 2), debut, fin, "la séance")
    assert "jj/mm/aaaa" in rules.erreur_jour(None, debut, fin, "la séance")
    assert rules.erreur_jour(dt.date(2027, 8, 2), None, None, "la séance") == ""  # no periods imported yet


def test_texts_are_required_and_bounded():
    assert rules.erreur_texte("  ", "Vide.") == "Vide."
    assert rules.erreur_texte("x" * rules.CONTENU_MAX, "Vide.") == ""
    assert "4000 caractères au plus" in rules.erreur_texte("x" * (rules.CONTENU_MAX + 1), "Vide.")
    assert rules.texte_saisi("  ligne 1\r\nligne 2\r  ") == "ligne 1\nligne 2"


@pytest.mark.parametrize("url", [
    "https://www.ac-lille.fr/cahier", "http://exemple.fr", "https://fr.wikipedia.org/wiki/Théorème_de_Pythagore",
    "HTTPS://EXEMPLE.FR/A?b=c#d",
])
def test_web_addresses_are_accepted(url):
    assert rules.erreur_url(url) == ""


@pytest.mark.parametrize("url, motif", [
    ("javascript:alert(1)", "https://"),
    ("JavaScript://exemple.fr/%0aalert(1)", "https://"),
    ("data:text/html,<script>alert(1)</script>", "https://"),
    ("ftp://exemple.fr/fichier", "https://"),
    ("//exemple.fr/page", "https://"),
    ("https://ac-lille.fr@pirate.example/", "nom d'utilisateur"),
    ("https://exemple.fr/une page", "espace"),
    ("https://exemple.fr/\nSet-Cookie", "espace"),
    ("https://", "site"),
    ("https://localhost/", "site"),
    ("", "Saisissez"),
    ("https://exemple.fr/" + "a" * rules.URL_MAX, "500"),
])
def test_other_addresses_are_refused(url, motif):
    assert motif in rules.erreur_url(url)


def test_link_rows_of_a_form():
    liens, erreurs = rules.lire_liens([("Fiche", "https://exemple.fr/fiche"), ("", ""), ("", "https://x.fr"),
                                       ("Vidéo", "javascript:alert(1)")])
    assert liens == [Lien("Fiche", "https://exemple.fr/fiche"), Lien("", "https://x.fr"),
                     Lien("Vidéo", "javascript:alert(1)")]
    assert set(erreurs) == {"lien_libelle_2", "lien_url_3"}
    _, erreurs = rules.lire_liens([(f"L{i}", f"https://exemple.fr/{i}") for i in range(rules.LIENS_MAX + 1)])
    assert erreurs == {"liens": "5 liens au plus par travail à faire."}


def test_stored_links_are_checked_again_when_read():
    texte = rules.liens_en_json([Lien("Fiche", "https://exemple.fr/fiche")])
    assert rules.liens_de_json(texte) == [Lien("Fiche", "https://exemple.fr/fiche")]
    forged = '[{"libelle": "Piège", "url": "javascript:alert(1)"}, {"libelle": "", "url": "https://x.fr"}, 3, ' \
             '{"libelle": "Bon", "url": "https://bon.fr"}]'
    assert rules.liens_de_json(forged) == [Lien("Bon", "https://bon.fr")]
    assert rules.liens_de_json("pas du JSON") == []
    assert rules.liens_de_json('{"libelle": "x"}') == []


def _seance(id_, jour, matiere):
    return {"id": id_, "date": jour, "matiere": matiere}


def _devoir(id_, pour_le, matiere, donne_le=None):
    return {"id": id_, "pour_le": pour_le, "donne_le": donne_le or pour_le - dt.timedelta(days=2), "matiere": matiere}


def test_the_week_by_day_then_subject():
    mardi, samedi = LUNDI + dt.timedelta(days=1), LUNDI + dt.timedelta(days=5)
    seances = [_seance(3, mardi, "MATHEMATIQUES"), _seance(1, mardi, "ANGLAIS LV1"), _seance(2, LUNDI, "FRANCAIS"),
               _seance(9, LUNDI + dt.timedelta(days=7), "FRANCAIS")]
    devoirs = [_devoir(5, mardi, "français"), _devoir(4, mardi, "ANGLAIS LV1")]
    jours = rules.semaine(LUNDI, seances, devoirs)
    assert [j.date.weekday() for j in jours] == [0, 1, 2, 3, 4]  # no Saturday: nothing on it
    assert [s["id"] for s in jours[1].seances] == [1, 3]
    assert [d["id"] for d in jours[1].devoirs] == [4, 5]
    assert jours[0].titre == "Lundi 30 novembre" and not jours[0].vide and jours[2].vide
    avec_samedi = rules.semaine(LUNDI, seances, [*devoirs, _devoir(6, samedi, "EPS")])
    assert [j.date for j in avec_samedi][-1] == samedi and avec_samedi[-1].devoirs[0]["id"] == 6


def test_a_day_by_subject():
    mardi = LUNDI + dt.timedelta(days=1)
    seances = [_seance(1, mardi, "MATHEMATIQUES"), _seance(2, mardi, "ANGLAIS LV1"), _seance(3, LUNDI, "SVT")]
    devoirs = [_devoir(4, mardi, "MATHEMATIQUES"),
               _devoir(5, mardi + dt.timedelta(days=2), "ANGLAIS LV1", donne_le=mardi),
               _devoir(6, mardi + dt.timedelta(days=2), "SVT", donne_le=LUNDI)]
    matieres = rules.par_matiere(mardi, seances, devoirs)
    assert [m.libelle for m in matieres] == ["ANGLAIS LV1", "MATHEMATIQUES"]
    anglais, maths = matieres
    assert [s["id"] for s in anglais.seances] == [2] and [d["id"] for d in anglais.donnes] == [5]
    assert anglais.pour_ce_jour == [] and [d["id"] for d in maths.pour_ce_jour] == [4]
