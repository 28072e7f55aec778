"""The notification letters (guide 1.2) as a PDF and as a CSV, from letters built by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from teleservices.core.identity.creation import Batch, Letter, Pupil
from teleservices.core.identity.letters import filename, letters_csv, letters_pdf, services_text
from teleservices.core.pdf import typo

ETAB = dict(id=1, uai="0599901K", nom="COLLÈGE JEAN MOULIN", sigle="CLG", adresse_ligne1="12 rue des Écoles",
            adresse_ligne2="", code_postal="59800", commune="LILLE", telephone="03 20 00 00 01", mel="ce@ac.fr")
MAELYS = Pupil(1, "Maëlys", "LE GOFF-KERVELLA", "4G")
ZOE = Pupil(2, "Zoé", "N'DIAYE", "6A")
LETTERS = [
    Letter(1, "maelys.legoff-kervella", "TaEYbwy2KL", "eleve", "", "Maëlys", "LE GOFF-KERVELLA", (MAELYS,)),
    Letter(2, "anne.legoff-kervella", "Hk7pQr3sWz", "parent", "MME", "Anne", "LE GOFF-KERVELLA", (MAELYS, ZOE),
           ("12 rue de l'Église", "59000 LILLE")),
    Letter(3, "omer.celik", None, "parent", "M.", "Ömer", "ÇELIK", (ZOE,), ("1 place d'Armes", "59000 LILLE")),
    Letter(4, "=cmd.x", None, "eleve", "", "@Zoé", "N'DIAYE", (ZOE,)),
]


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_one_page_per_letter():
    pdf = letters_pdf(Batch(ETAB, "4G", LETTERS), "https://teleservices.example.fr", ["Les notes"], dt.date(2026, 9, 1))
    assert pdf.startswith(b"%PDF")
    assert pages(pdf) == 4


def test_an_empty_batch_still_gives_a_readable_pdf():
    pdf = letters_pdf(Batch(ETAB, None, []), "https://teleservices.example.fr")
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1


def test_the_pdf_embeds_a_unicode_font():
    pdf = letters_pdf(Batch(ETAB, None, LETTERS[:1]), "https://teleservices.example.fr")
    assert b"/FontFile2" in pdf  # a TrueType font, so that accents print


def test_csv_for_mail_merge():
    content = letters_csv(Batch(ETAB, "4G", LETTERS), "https://teleservices.example.fr")
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("identifiant;mot_de_passe_provisoire;compte_existant;type;")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["identifiant"] for r in rows][:3] == ["maelys.legoff-kervella", "anne.legoff-kervella", "omer.celik"]
    anne = rows[1]
    assert anne["mot_de_passe_provisoire"] == "Hk7pQr3sWz" and anne["compte_existant"] == "non"
    assert anne["civilite"] == "Madame" and anne["adresse_1"] == "12 rue de l'Église"
    assert anne["eleves"] == "Maëlys LE GOFF-KERVELLA, Zoé N'DIAYE" and anne["classes"] == "4G, 6A"
    assert rows[2]["mot_de_passe_provisoire"] == "" and rows[2]["compte_existant"] == "oui"
    assert rows[0]["type"] == "Élève" and rows[0]["civilite"] == ""


def test_csv_cells_are_never_formulas():
    rows = list(csv.reader(io.StringIO(letters_csv(Batch(ETAB, None, LETTERS), "u").decode("utf-8-sig")), delimiter=";"))
    assert rows[4][0] == "'=cmd.x" and rows[4][5] == "'@Zoé"


def test_file_names_are_ascii():
    assert filename(Batch(ETAB, None, []), "pdf") == "courriers-0599901K.pdf"
    assert filename(Batch(ETAB, "2NDE 3é", []), "csv") == "courriers-0599901K-2NDE3.csv"


def test_french_spacing_and_services_sentence():
    assert typo("Identifiant : x ; « oui »") == "Identifiant\u00a0: x\u00a0; «\u00a0oui\u00a0»"
    assert services_text(["Les notes", "Les absences", "L'inscription au lycée"]) == (
        "les notes, les absences et l'inscription au lycée"
    )
    assert services_text([]) == ""
