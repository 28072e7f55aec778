"""Importing a devoir's grades from a CSV file: preview, then confirm; nothing written while a
line is bad; every encoding a school's spreadsheet produces."""

from __future__ import annotations

import re

import pytest

from notes_support import (  # noqa: F401
    PAGE, a_school_day, devoirs_cleaned, grades_of, journal_actions, make_devoir, services,
)
from teleservices.core.api import pupils_of_structure
from teleservices.core.testing import csrf_from, run

pytestmark = pytest.mark.usefixtures("devoirs_cleaned")


def upload(client, devoir_id: int, content: bytes, name: str = "notes.csv"):
    token = csrf_from(client.get(f"{PAGE}/{devoir_id}").text)
    return client.post(f"{PAGE}/{devoir_id}/import", data={"_csrf": token},
                       files={"fichier": (name, content, "text/csv")}, follow_redirects=False)


def confirm_fields(html: str) -> dict[str, str]:
    """The hidden fields of the preview's confirmation form, as a browser would send them."""
    form = re.search(r'<form method="post" action="[^"]*/import/confirmer">(.*?)</form>', html, re.S)
    assert form, "no confirmation form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


@pytest.fixture
def devoir(demo, services):
    devoir_id = make_devoir(demo.college, services.mine, date=a_school_day(demo.college))
    pupils = run(pupils_of_structure(services.mine["division_id"]))
    return devoir_id, pupils


def test_a_good_file_is_previewed_then_written_on_confirmation(client_as, text, devoir):
    devoir_id, pupils = devoir
    a, b, c = pupils[:3]
    content = (f"ELEVE_ID;NOTE\n{a['eleve_id']};15,5\n{b['eleve_id']};ABS\n"
               f"{c['eleve_id']};\n").encode()
    prof = client_as("demo.prof")
    preview = upload(prof, devoir_id, content)
    page = text(preview)
    assert preview.status_code == 200 and "Le fichier est lisible : 2 note(s), 1 ligne(s) sans note" in page
    assert f"{a['nom_de_famille']} {a['prenom']}" in page and "rien n'est encore enregistré" in page
    assert grades_of(devoir_id) == {}

    confirmed = prof.post(f"{PAGE}/{devoir_id}/import/confirmer", data=confirm_fields(preview.text),
                          follow_redirects=False)
    assert confirmed.status_code == 303 and "ok=import&ajoutees=2" in confirmed.headers["location"]
    assert grades_of(devoir_id) == {a["id"]: (15.5, ""), b["id"]: (None, "ABS")}
    [line] = journal_actions("notes.import")
    assert "2 note(s) ajoutée(s)" in line["detail"] and line["identifiant"] == "demo.prof"
    assert "Les notes du fichier sont enregistrées" in text(prof.get(confirmed.headers["location"]))


def test_a_bad_file_lists_every_bad_line_and_writes_nothing(client_as, text, devoir):
    devoir_id, pupils = devoir
    content = (f"NOM;PRENOM;NOTE\n{pupils[0]['nom_de_famille']};{pupils[0]['prenom']};12\n"
               f"INCONNU;Personne;10\n{pupils[1]['nom_de_famille']};{pupils[1]['prenom']};22\n").encode()
    preview = upload(client_as("demo.prof"), devoir_id, content)
    page = text(preview)
    assert "2 ligne(s) en erreur : aucune note n'a été enregistrée" in page
    assert "<td>3</td><td>Aucun élève de la classe ne s'appelle INCONNU Personne.</td>" in page
    assert "<td>4</td>" in page and "La note doit être comprise entre 0 et 20." in page
    assert "/import/confirmer" not in page
    assert grades_of(devoir_id) == {} and journal_actions("notes.import") == []


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_names_with_accents_in_every_encoding_and_a_comma_separator(client_as, text, demo, services, encoding, bom):
    devoir_id = make_devoir(demo.college, services.mine, date=a_school_day(demo.college))
    pupil = run(pupils_of_structure(services.mine["division_id"]))[0]
    content = f'Nom,Prénom,Note\n{pupil["nom_de_famille"]},{pupil["prenom"]},"9,5"\n'.encode(encoding)
    if bom:
        content = b"\xef\xbb\xbf" + content
    prof = client_as("demo.prof")
    preview = upload(prof, devoir_id, content)
    assert "Le fichier est lisible : 1 note(s)" in text(preview)
    prof.post(f"{PAGE}/{devoir_id}/import/confirmer", data=confirm_fields(preview.text), follow_redirects=False)
    assert grades_of(devoir_id) == {pupil["id"]: (9.5, "")}


def test_no_file_and_another_teachers_devoir(client_as, text, demo, services, devoir):
    devoir_id, _ = devoir
    prof = client_as("demo.prof")
    token = csrf_from(prof.get(f"{PAGE}/{devoir_id}").text)
    empty = prof.post(f"{PAGE}/{devoir_id}/import", data={"_csrf": token}, files={"fichier": ("", b"", "text/csv")})
    assert "Choisissez un fichier CSV." in text(empty)
    theirs = make_devoir(demo.college, services.other, date=a_school_day(demo.college))
    assert upload(prof, devoir_id, b"ELEVE_ID;NOTE\n").status_code == 200
    refused = prof.post(f"{PAGE}/{theirs}/import", data={"_csrf": token},
                        files={"fichier": ("n.csv", b"ELEVE_ID;NOTE\n1;2\n", "text/csv")})
    assert refused.status_code == 404
    assert prof.post(f"{PAGE}/{theirs}/import/confirmer", data={"_csrf": token}).status_code == 404
