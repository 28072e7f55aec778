"""The CSV import of a devoir's grades, and the reading of a grade as a teacher types it."""

from __future__ import annotations

import pytest

from teleservices.plugins.notes.csv_import import Pupil, columns, decode, read_csv, separator
from teleservices.plugins.notes.saisie import Grade, GradeError, read_grade, shown

CLASSE = [
    Pupil(id=1, eleve_id="100001", ine="070123456AB", nom="DUPONT", prenom="Léa"),
    Pupil(id=2, eleve_id="100002", ine="", nom="N'DIAYE", prenom="Zoé"),
    Pupil(id=3, eleve_id="100003", ine="", nom="ÇELIK", prenom="Ömer"),
    Pupil(id=4, eleve_id="100004", ine="", nom="MARTIN", prenom="Lucas"),
    Pupil(id=5, eleve_id="100005", ine="", nom="MARTIN", prenom="Lucas"),
]


# --- one grade ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, grade", [
    ("12,5", Grade(valeur=12.5)), ("12.5", Grade(valeur=12.5)), (" 0 ", Grade(valeur=0.0)),
    ("20", Grade(valeur=20.0)), ("13,75", Grade(valeur=13.75)), ("abs", Grade(code="ABS")),
    ("Dis", Grade(code="DIS")), ("N.NOT", Grade(code="NNOT")), ("nnot", Grade(code="NNOT")),
    (15, Grade(valeur=15.0)), (7.25, Grade(valeur=7.25)),
])
def test_grades_are_read_with_comma_or_dot_and_codes(typed, grade):
    assert read_grade(typed, 20) == grade


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_grade_is_none(typed):
    assert read_grade(typed, 20) is None


@pytest.mark.parametrize("typed, reason", [
    ("21", "entre 0 et 20"), ("-1", "Note invalide"), ("12,555", "Note invalide"), ("douze", "Note invalide"),
    ("1e1", "Note invalide"), (20.5, "entre 0 et 20"), (float("nan"), "entre 0 et 20"), (True, "Note invalide"),
    (12.345, "deux décimales"), ("ABSENT", "Note invalide"),
])
def test_bad_grades_say_why(typed, reason):
    with pytest.raises(GradeError, match=reason):
        read_grade(typed, 20)


def test_the_scale_bounds_the_grade():
    assert read_grade("10", 10) == Grade(valeur=10.0)
    with pytest.raises(GradeError, match="entre 0 et 10"):
        read_grade("10,5", 10)


def test_grades_are_shown_as_typed_in_french():
    assert [shown(12.5), shown(15.0), shown(13.75), shown(None), shown(None, "NNOT"), shown(None, "ABS")] == [
        "12,5", "15", "13,75", "", "N.NOT", "ABS"]


# --- the file -------------------------------------------------------------------------------------


def test_separators_and_headers():
    assert separator("ELEVE_ID;NOTE") == ";" and separator("eleve_id,note") == "," and separator("INE\tNOTE") == "\t"
    assert separator("NOTE") == ";"
    found = columns(["Nom", "Prénom", "Note"])
    assert (found.nom, found.prenom, found.note) == (0, 1, 2)
    assert "NOTE" in columns(["ELEVE_ID", "RESULTAT"])
    assert "ELEVE_ID, ou INE" in columns(["NOM", "NOTE"])


def test_a_semicolon_file_by_eleve_id():
    preview = read_csv(b"ELEVE_ID;NOTE\n100001;12,5\n100002;ABS\n100003;N.NOT\n", CLASSE, 20)
    assert preview.valide and not preview.erreurs
    assert preview.notes == {1: Grade(valeur=12.5), 2: Grade(code="ABS"), 3: Grade(code="NNOT")}
    assert [line.numero for line in preview.lignes] == [2, 3, 4]


def test_a_comma_file_by_ine_with_a_quoted_decimal_comma():
    preview = read_csv(b'INE,NOTE\r\n070123456ab,"14,5"\r\n', CLASSE, 20)
    assert preview.valide and preview.notes == {1: Grade(valeur=14.5)}


def test_names_in_utf8_with_bom_ignore_case_accents_and_apostrophes():
    data = "\ufeffNOM;PRENOM;NOTE\nndiaye;zoe;8\nCelik;Omer;DIS\n".encode("utf-8")
    preview = read_csv(data, CLASSE, 20)
    assert preview.valide and preview.notes == {2: Grade(valeur=8.0), 3: Grade(code="DIS")}


def test_windows_1252_names():
    data = "NOM;PRÉNOM;NOTE\nDUPONT;Léa;17\nÇELIK;Ömer;3,5\n".encode("cp1252")
    assert decode(data).startswith("NOM;PRÉNOM")
    preview = read_csv(data, CLASSE, 20)
    assert preview.valide and preview.notes == {1: Grade(valeur=17.0), 3: Grade(valeur=3.5)}


def test_every_bad_line_is_listed_with_its_number_and_reason():
    data = (b"ELEVE_ID;NOM;PRENOM;NOTE\n"
            b"100001;;;25\n"  # 2: out of the scale
            b"999999;;;10\n"  # 3: not in the class
            b";MARTIN;Lucas;12\n"  # 4: two pupils of that name
            b";;;12\n"  # 5: nobody
            b"100002;;;11\n"
            b"100002;;;12\n"  # 7: twice
            b"100003;;;onze\n")  # 8: not a grade
    preview = read_csv(data, CLASSE, 20)
    assert not preview.valide
    assert [bad.numero for bad in preview.erreurs] == [2, 3, 4, 5, 7, 8]
    reasons = [bad.motif for bad in preview.erreurs]
    assert "entre 0 et 20" in reasons[0] and "DUPONT Léa" in reasons[0]
    assert "ELEVE_ID « 999999 »" in reasons[1]
    assert "Plusieurs élèves" in reasons[2]
    assert "n'est pas identifié" in reasons[3]
    assert "figure déjà ligne 6" in reasons[4]
    assert "Note invalide" in reasons[5]


def test_empty_grades_are_ignored_and_blank_lines_skipped():
    preview = read_csv(b"ELEVE_ID;NOTE\n\n100001;\n100002;9\n;\n", CLASSE, 20)
    assert preview.valide and preview.notes == {2: Grade(valeur=9.0)} and preview.sans_note == 1


@pytest.mark.parametrize("data, reason", [
    (b"", "vide"), (b"ELEVE_ID;NOTE\n100001;\n", "aucune note"), (b"ELEVE_ID;COMMENTAIRE\n100001;bien\n", "NOTE"),
    (b"x" * (1024 * 1024 + 1), "dépasse"),
])
def test_unusable_files_are_refused(data, reason):
    preview = read_csv(data, CLASSE, 20)
    assert not preview.valide and reason in preview.erreurs[0].motif
