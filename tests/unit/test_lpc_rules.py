"""The LPC's reference grid and rules: the counts of SOURCES.md, stable codes, the current palier
and the history, colours per palier, progress, the checks of a validation, and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from teleservices.plugins.lpc import rules
from teleservices.plugins.lpc.grille import SOURCE, grille, lire, palier_du_code
from teleservices.plugins.lpc.livret import Langue, livret
from teleservices.plugins.lpc.pdf import livret_pdf

D = dt.date


def test_the_grid_has_the_counts_of_its_sources():
    g = grille()
    counts = {n: (len(p.competences), len(p.items)) for n, p in g.paliers.items()}
    assert counts == {1: (3, 46), 2: (8, 110), 3: (7, 98)}
    assert [c.ref for c in g.palier(2).competences] == ["1", "2", "3a", "3b", "4", "5", "6", "7"]
    assert len(g.competences) == 18 and len(g.items) == 254


def test_codes_are_stable_and_name_the_official_wording():
    g = grille()
    c1 = g.competences["P3.C1"]
    assert c1.libelle == "Compétence 1 – La maîtrise de la langue française"
    assert c1.domaines[0].code == "P3.C1.D1" and c1.items[0].code == "P3.C1.D1.I1"
    competence, item = g.items["P3.C2.D1.I1"]
    assert competence.langue and item.libelle == "Établir un contact social."
    assert g.competences["P2.C3a"].libelle.startswith("Compétence 3a")
    assert palier_du_code("P2.C3a.D1.I2") == 2 and palier_du_code("P4.C1") is None and palier_du_code("x") is None


def test_a_grid_that_does_not_match_its_counts_is_refused(tmp_path):
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    data[2]["competences"][0]["domaines"][0]["items"].pop()
    broken = tmp_path / "grille.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="Grille du LPC inattendue"):
        lire(broken)


def test_the_current_palier_is_the_highest_with_a_validation():
    assert rules.palier_courant([]) == 3  # nothing yet: the collège's palier
    assert rules.palier_courant(["P1.C1", "P2.C1.D1.I1"]) == 2  # a 6e pupil still on palier 2
    assert rules.palier_courant(["P2.C1", "P3.C5.D1.I1"]) == 3
    assert rules.palier_courant([], paliers_langue=[2]) == 2
    assert rules.historique(["P1.C1", "P2.C1", "P3.C1"], [], 3) == [2, 1]


def test_colours_per_palier_are_named_too():
    assert [(rules.couleur(p).classe, rules.couleur(p).nom) for p in (3, 2, 1)] == [
        ("palier-3", "vert"), ("palier-2", "orange"), ("palier-1", "bleu")]


def test_progress_counts_the_items_of_the_competence_only():
    c1 = grille().competences["P3.C1"]
    progress = rules.progression(c1, ["P3.C1.D1.I1", "P3.C1.D2.I1", "P3.C2.D1.I1", "P3.C1"])
    assert (progress.valides, progress.total) == (2, 13) and progress.pourcentage == 15


def test_what_a_validation_must_respect():
    g, today = grille(), D(2026, 11, 29)
    assert rules.erreur_code("P3.C1.D1.I1", g) is None and rules.erreur_code("P3.C1", g) is None
    assert "inconnu" in rules.erreur_code("P3.C9", g) and "inconnu" in rules.erreur_code("P3.C1.D9.I1", g)
    assert rules.erreur_date(today, today) is None and "futur" in rules.erreur_date(D(2026, 11, 30), today)
    assert "l'année" in rules.erreur_date(D(202, 5, 12), today) and rules.erreur_date(D(2006, 7, 11), today) is None
    assert rules.erreur_langue(3, "ANGLAIS LV1", "A2") is None and rules.erreur_langue(2, "ALLEMAND LV1", "A1") is None
    assert "A2" in rules.erreur_langue(3, "ANGLAIS LV1", "A1")
    assert "langue" in rules.erreur_langue(3, "  ", "A2") and "palier 1" in rules.erreur_langue(1, "ANGLAIS", "A1")


def test_the_livret_reads_validations_into_the_grid():
    lu = livret({"P3.C1": D(2026, 3, 12), "P3.C1.D1.I1": D(2026, 1, 5), "P2.C1": D(2024, 6, 20)},
                {3: Langue("ANGLAIS LV1", "A2", D(2026, 5, 2))})
    assert lu.courant.palier.numero == 3 and [p.palier.numero for p in lu.historique] == [2]
    c1, c2 = lu.courant.competences[:2]
    assert c1.validee_le == D(2026, 3, 12) and c1.items == {"P3.C1.D1.I1": D(2026, 1, 5)} and c1.langue is None
    assert c2.validee_le is None and c2.langue.langue == "ANGLAIS LV1" and c1.ancre == "P3-C1"


def test_the_pdf_is_the_guides_detailed_report_with_accents():
    lu = livret({"P3.C1": D(2026, 3, 12), "P3.C1.D1.I1": D(2026, 1, 5)}, {3: Langue("ANGLAIS LV1", "A2", D(2026, 5, 2))})
    etab = SimpleNamespace(nom="COLLÈGE JEAN MOULIN", code_postal="59800", commune="LILLE")
    child = SimpleNamespace(prenom="Maëlys", nom_de_famille="LE GOFF", ne_ou_nee="née", date_naiss=D(2013, 3, 14),
                            division="4G", etablissement=etab)
    content = livret_pdf(child, lu.courant, "Mme PETIT", D(2026, 11, 29))
    assert content.startswith(b"%PDF") and b"/FontFile2" in content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    assert "Livret personnel de compétences — Palier 3 — Bilan détaillé en date du 29/11/2026" in text
    assert "LE GOFF Maëlys" in text and "14/03/2013" in text and "4G" in text and "Mme PETIT" in text
    assert "La compétence 1 est validée le : 12/03/2026" in text
    assert "La compétence 7 n'est pas validée à ce jour." in text
    assert "La maîtrise du niveau A2 est validée en ANGLAIS LV1 le : 02/05/2026" in text
    assert "validé le 05/01/2026" in text and "Établir un contact social." in text
