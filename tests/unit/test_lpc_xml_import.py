"""Reading the LPC exchange XML (plugins/lpc/xml_import.py) from the synthetic sample of
tests/data/lpc: the mapping to the grid's codes, and a clear French error, with its line, for
every way a file can be wrong; nothing fetched, no entity expanded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from teleservices.plugins.lpc.api import Validation
from teleservices.plugins.lpc.grille import grille
from teleservices.plugins.lpc.xml_import import MAX_BYTES, EleveLu, contexte_de, lire

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "lpc" / "import-lpc-exemple.xml"
AUJOURDHUI = dt.date(2026, 11, 20)
PUPILS = [
    {"id": 11, "eleve_id": "100001", "nom_de_famille": "DUPONT", "prenom": "Léa"},
    {"id": 12, "eleve_id": "100002", "nom_de_famille": "MARTIN", "prenom": "Noé"},
    {"id": 13, "eleve_id": "100003", "nom_de_famille": "BERNARD", "prenom": "Inès"},
]


def sample_text() -> str:
    return SAMPLE.read_bytes().decode("iso-8859-15")


def read(data: bytes | str, uai: str = "0599901K", pupils: list[dict] = PUPILS):
    raw = data.encode("iso-8859-15") if isinstance(data, str) else data
    return lire(raw, contexte_de(pupils, uai, grille(), AUJOURDHUI))


def errors(data: bytes | str, **kwargs) -> list[tuple[int, str]]:
    apercu = read(data, **kwargs)
    assert not apercu.valide
    return [(e.ligne, e.message) for e in apercu.erreurs]


def changed(old: str, new: str, count: int = 1) -> str:
    text = sample_text()
    assert old in text, old
    return text.replace(old, new, count)


def line_of(fragment: str, occurrence: int = 1) -> int:
    """The line (from 1) of the sample where a fragment appears for the nth time."""
    found = [n for n, line in enumerate(sample_text().splitlines(), 1) if fragment in line]
    return found[occurrence - 1]


def test_the_sample_maps_to_the_grid_codes():
    apercu = read(SAMPLE.read_bytes())
    assert apercu.valide and apercu.erreurs == []
    assert (apercu.uai, apercu.application) == ("0599901K", "SUIVI DES COMPETENCES (EXEMPLE)")
    assert apercu.validations == [
        Validation(11, "P3.C1", dt.date(2026, 11, 5)),
        Validation(11, "P3.C1.D1.I1", dt.date(2026, 10, 12)),
        Validation(11, "P3.C1.D1.I2", dt.date(2026, 10, 12)),
        Validation(11, "P3.C1.D2.I4", dt.date(2026, 10, 19)),
        Validation(11, "P3.C2.D1.I1", None),  # etat 0: not validated, withdrawn if held
        Validation(11, "P2.C3a", dt.date(2024, 6, 14)),
        Validation(12, "P3.C7", dt.date(2026, 11, 16)),
        Validation(12, "P3.C7.D1.I1", dt.date(2026, 11, 16)),
        Validation(12, "P3.C7.D3.I2", dt.date(2026, 11, 16)),
    ]
    assert apercu.eleves == [EleveLu(11, "DUPONT", "Léa", competences=2, items=3, retraits=1),
                             EleveLu(12, "MARTIN", "Noé", competences=1, items=2)]


def test_utf8_without_declaration_and_an_absent_header_are_read():
    text = sample_text().replace('<?xml version="1.0" encoding="ISO-8859-15"?>\r\n', "")
    start, end = text.index("\t<entete>"), text.index("</entete>") + len("</entete>")
    apercu = read((text[:start] + text[end:]).encode("utf-8"))
    assert apercu.valide and len(apercu.validations) == 9 and apercu.uai == ""


@pytest.mark.parametrize("data, expected", [
    (b"", [(0, "Le fichier est vide.")]),
    (sample_text()[:600].encode("iso-8859-15"), None),  # cut short
    (changed("urn:ac-grenoble.fr:lpc:import:v1.0", "urn:ac-lyon.fr:lpc:v2"),
     [(2, "Espace de noms inattendu : « urn:ac-lyon.fr:lpc:v2 » au lieu de « urn:ac-grenoble.fr:lpc:import:v1.0 ».")]),
    ('<?xml version="1.0"?>\n<lpc><donnees/></lpc>',
     [(2, "Espace de noms inattendu : « aucun » au lieu de « urn:ac-grenoble.fr:lpc:import:v1.0 ».")]),
    ('<?xml version="1.0"?>\n<sacoche><donnees/></sacoche>',
     [(2, "Ce n'est pas un fichier d'échange du LPC : l'élément racine est « sacoche » au lieu de « lpc ».")]),
], ids=["vide", "tronque", "autre-espace-de-noms", "sans-espace-de-noms", "autre-racine"])
def test_a_file_that_is_not_an_lpc_exchange_file(data, expected):
    found = errors(data)
    if expected is None:
        [(ligne, message)] = found
        assert ligne > 0 and message.startswith("Le fichier n'est pas un XML bien formé (erreur à la ligne")
    else:
        assert found == expected


def test_a_file_too_large_is_not_read():
    assert errors(b" " * (MAX_BYTES + 1)) == [(0, "Le fichier dépasse 5 Mo.")]


@pytest.mark.parametrize("doctype, reference", [
    ('<!DOCTYPE lpc [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', "&secret;"),
    ('<!DOCTYPE lpc [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>', "&c;"),
    ('<!DOCTYPE lpc SYSTEM "http://127.0.0.1:9/import-lpc.dtd">', "&distante;"),
], ids=["entite-externe", "entites-en-cascade", "dtd-distante"])
def test_a_doctype_is_refused_and_no_entity_is_expanded(doctype, reference):
    text = sample_text().replace("<lpc ", doctype + "\r\n<lpc ", 1)
    text = text.replace("<application>SUIVI DES COMPETENCES (EXEMPLE)</application>",
                        f"<application>{reference}</application>")
    apercu = read(text)
    assert [e.message for e in apercu.erreurs] == ["Le fichier contient une déclaration DOCTYPE, que l'import refuse."]
    assert apercu.application == "" and apercu.validations == []


def test_another_establishment_s_file():
    assert errors(SAMPLE.read_bytes(), uai="0599902L") == [(line_of("<entete>"), (
        "Ce fichier est celui de l'établissement 0599901K, pas du vôtre (0599902L) : rien n'est importé."))]


def test_every_bad_element_is_listed_with_its_line():
    text = sample_text()
    for old, new in [
        ('<eleve id="100002" nom="MARTIN" prenom="Noé">', '<eleve id="999999" nom="INCONNU" prenom="Zoé">'),
        ('<palier id="2">', '<palier id="4">'),
        ('<competence id="7">', '<competence id="8">'),
        ('<competence id="2">', '<competence id="3b">'),  # 3b exists at palier 2 only
        ('<item id="2.4">', '<item id="17">'),
        ('<date>2026-11-09</date>', '<date>09/11/2026</date>'),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    assert errors(text) == [  # in the file's order; what an unknown compétence holds is not read
        (line_of('<item id="2.4">'), "Identifiant d'item « 17 » illisible : attendu « domaine.item », par exemple "
                                     "« 2.4 » pour le 4e item du 2e domaine."),
        (line_of('<competence id="2">'), "Compétence inconnue au palier 3 : « 3b » (compétences : 1, 2, 3, 4, 5, 6, 7)."),
        (line_of('<palier id="2">'), "Palier inconnu « 4 » : 1, 2 ou 3."),
        (line_of('<eleve id="100002"'), "Élève inconnu dans l'établissement, ou sorti : ELEVE_ID 999999 (INCONNU Zoé)."),
    ]


@pytest.mark.parametrize("old, new, expected", [
    ('<item id="1.2">', '<item id="1.9">', "Item « 1.9 » : Code inconnu dans la grille du LPC : P3.C1.D1.I9."),
    ("<date>2026-10-19</date>", "<date>2026-11-21</date>", "P3.C1.D2.I4 : La date de validation ne peut pas être dans le futur."),
    ("<date>2026-10-19</date>", "<date>19/10/2026</date>",
     "P3.C1.D2.I4 : date illisible « 19/10/2026 » (attendue sous la forme AAAA-MM-JJ)."),
    ("<date>2026-10-19</date>", "", "P3.C1.D2.I4 : la date manque."),
    ("<etat>1</etat>", "<etat>2</etat>", "P3.C1.D1.I2 : état « 2 » inconnu (1 : validé, 0 : non validé)."),
    ('<item id="1.2">', '<item id="1.1">', "P3.C1.D1.I1 figure deux fois pour cet élève."),
], ids=["item-hors-grille", "date-a-venir", "date-illisible", "sans-date", "etat-inconnu", "item-en-double"])
def test_a_bad_renseignement(old, new, expected):
    [(ligne, message)] = errors(changed(old, new))
    assert message == expected and ligne > 0


def test_a_pupil_twice_an_item_without_renseignement_and_an_empty_file():
    text = sample_text().replace('id="100002" nom="MARTIN"', 'id="100001" nom="MARTIN"')
    first = line_of('<eleve id="100001"')
    assert errors(text) == [(line_of('<eleve id="100002"'), f"L'élève 100001 (MARTIN Noé) figure déjà ligne {first}.")]
    start = sample_text().index("<renseignement>", sample_text().index('<item id="3.2">'))
    end = sample_text().index("</renseignement>", start) + len("</renseignement>")
    assert [m for _, m in errors(sample_text()[:start] + sample_text()[end:])] == [
        "L'item 3.2 de la compétence P3.C7 n'a pas de « renseignement »."]
    empty = '<?xml version="1.0"?>\n<lpc xmlns="urn:ac-grenoble.fr:lpc:import:v1.0"><donnees/></lpc>'
    assert errors(empty) == [(0, "Le fichier ne contient aucune validation ni aucun renseignement d'item.")]
    assert errors(empty.replace("<donnees/>", "")) == [(2, "Le fichier n'a pas d'élément « donnees ».")]
