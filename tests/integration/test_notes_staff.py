"""The notes' staff pages: who may work on which devoir, creating and editing one, entering its
grades, publishing it; every action in the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from admin_support import college_settings_kept  # noqa: F401
from notes_support import (  # noqa: F401
    PAGE, Services, a_school_day, devoirs_cleaned, grades_of, journal_actions, make_devoir, services,
)
from teleservices.core.api import pupils_of_structure
from teleservices.core.tables import ServiceActivation
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.notes.tables import NotesDevoir, NotesNote

pytestmark = pytest.mark.usefixtures("devoirs_cleaned")


def post(client, path: str, data: dict | None = None, page: str = PAGE, **kwargs):
    token = csrf_from(client.get(page).text)
    return client.post(path, data={"_csrf": token, **(data or {})}, follow_redirects=False, **kwargs)


def devoir_form(service: str, day: dt.date, **changes: str) -> dict:
    return {"service": service, "libelle": "Contrôle de géométrie", "date": day.isoformat(), "coefficient": "2",
            "bareme": "20", **changes}


def entry_times(devoir_id: int) -> dict:
    rows = run(NotesNote.select(NotesNote.eleve_id, NotesNote.saisie_le).where(NotesNote.devoir == devoir_id))
    return {row["eleve_id"]: row["saisie_le"] for row in rows}


def devoir_row(devoir_id: int) -> dict:
    return run(NotesDevoir.select().where(NotesDevoir.id == devoir_id).first())


# --- who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize("identifiant", ["demo.secretariat", "demo.cpe", "demo.parent", "demo.eleve"])
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}/nouveau"])
def test_other_roles_and_families_are_refused(client_as, identifiant, path):
    assert client_as(identifiant).get(path, follow_redirects=False).status_code == 403


def test_the_teacher_sees_and_creates_devoirs_of_their_own_classes_only(client_as, text, demo, services):
    prof = client_as("demo.prof")
    home = text(prof.get("/"))
    assert 'href="/administration/notes"' in home
    form = text(prof.get(f"{PAGE}/nouveau"))
    assert Services.value(services.mine) in form and Services.value(services.other) not in form
    assert '<label for="libelle">Libellé du contrôle' in form

    refused = post(prof, f"{PAGE}/nouveau", devoir_form(Services.value(services.other), a_school_day(demo.college)))
    assert refused.status_code == 200 and "Choisissez la classe" in text(refused)
    assert 'value="Contrôle de géométrie"' in text(refused)  # nothing typed is lost

    created = post(prof, f"{PAGE}/nouveau", devoir_form(Services.value(services.mine), a_school_day(demo.college)))
    assert created.status_code == 303
    devoir_id = int(re.search(r"/administration/notes/(\d+)\?ok=cree", created.headers["location"])[1])
    row = devoir_row(devoir_id)
    assert (row["division_id"], row["matiere_id"], row["enseignant_id"]) == (
        services.mine["division_id"], services.mine["matiere_id"], services.mine["enseignant_id"])
    assert row["coefficient"] == 2.0 and row["publie"] is False and row["reference"] == ""
    page = text(prof.get(created.headers["location"]))
    assert "Le devoir est créé" in page and "Non publié" in page
    assert "Devoir créé" in journal_actions("notes.devoir.creer")[-1]["detail"]

    theirs = make_devoir(demo.college, services.other, date=a_school_day(demo.college), libelle="Devoir d'un collègue")
    listing = text(prof.get(PAGE))
    assert "Contrôle de géométrie" in listing and "Devoir d'un collègue" not in listing
    for path in (f"{PAGE}/{theirs}", f"{PAGE}/{theirs}/modifier"):
        assert prof.get(path).status_code == 404
    for path in (f"{PAGE}/{theirs}/notes", f"{PAGE}/{theirs}/publier", f"{PAGE}/{theirs}/modifier"):
        assert post(prof, path).status_code == 404
    assert devoir_row(theirs)["publie"] is False


def test_the_head_works_on_every_class_of_the_establishment(client_as, text, demo, services):
    chef = client_as("demo.chef")
    mine = make_devoir(demo.college, services.mine, date=a_school_day(demo.college), libelle="Devoir de Mme PETIT")
    theirs = make_devoir(demo.college, services.other, date=a_school_day(demo.college), libelle="Devoir d'un collègue")
    listing = text(chef.get(PAGE))
    assert "Devoir de Mme PETIT" in listing and "Devoir d'un collègue" in listing
    assert chef.get(f"{PAGE}/{theirs}").status_code == 200
    assert post(chef, f"{PAGE}/{mine}/publier").status_code == 303
    assert devoir_row(mine)["publie"] is True
    # Another establishment's devoir does not exist for the collège's head.
    lycee = make_devoir(demo.lycee, services.other, date=a_school_day(demo.college), libelle="Devoir du lycée")
    assert chef.get(f"{PAGE}/{lycee}").status_code == 404


def test_the_list_filters_by_class_and_shows_the_period(client_as, text, demo, services):
    chef = client_as("demo.chef")
    make_devoir(demo.college, services.mine, date=a_school_day(demo.college), libelle="Devoir de Mme PETIT")
    make_devoir(demo.college, services.other, date=a_school_day(demo.college), libelle="Devoir d'un collègue")
    page = text(chef.get(PAGE, params={"division": services.mine["division_id"]}))
    assert "Devoir de Mme PETIT" in page and "Devoir d'un collègue" not in page
    assert "<td data-libelle=\"Période\">T1</td>" in page and "non publié" in page


# --- editing a devoir -------------------------------------------------------------------------------


def test_editing_checks_the_form_and_the_scale_against_the_grades(client_as, text, demo, services):
    prof = client_as("demo.prof")
    devoir_id = make_devoir(demo.college, services.mine, date=a_school_day(demo.college))
    pupil = run(pupils_of_structure(services.mine["division_id"]))[0]
    assert post(prof, f"{PAGE}/{devoir_id}/notes", {f"note-{pupil['id']}": "18"}).status_code == 303

    mine = Services.value(services.mine)
    bad = post(prof, f"{PAGE}/{devoir_id}/modifier", devoir_form(
        mine, a_school_day(demo.college), libelle="", date="31/02/2026", coefficient="0", bareme="10"))
    page = text(bad)
    assert bad.status_code == 200 and "Le formulaire contient 4 erreurs" in page
    for message in ("Saisissez le libellé", "Saisissez la date", "Le coefficient est un nombre", "vaut 18"):
        assert message in page
    outside = post(prof, f"{PAGE}/{devoir_id}/modifier", devoir_form(mine, dt.date(2000, 1, 1)))
    assert "La date doit tomber dans une période" in text(outside)

    good = post(prof, f"{PAGE}/{devoir_id}/modifier", devoir_form(
        mine, a_school_day(demo.college), libelle="Contrôle corrigé", date=a_school_day(demo.college).strftime("%d/%m/%Y"),
        coefficient="0,5", bareme="40"))
    assert good.status_code == 303 and good.headers["location"].endswith("?ok=modifie")
    row = devoir_row(devoir_id)
    assert (row["libelle"], row["coefficient"], row["bareme"]) == ("Contrôle corrigé", 0.5, 40)
    assert journal_actions("notes.devoir.modifier")[-1]["identifiant"] == "demo.prof"


# --- grades ---------------------------------------------------------------------------------------------


def test_grades_are_entered_in_one_form_and_errors_lose_nothing(client_as, text, demo, services):
    prof = client_as("demo.prof")
    devoir_id = make_devoir(demo.college, services.mine, date=a_school_day(demo.college))
    pupils = run(pupils_of_structure(services.mine["division_id"]))
    a, b, c, d = (p["id"] for p in pupils[:4])
    page = text(prof.get(f"{PAGE}/{devoir_id}"))
    assert f'<label for="note-{a}">{pupils[0]["nom_de_famille"]} {pupils[0]["prenom"]}</label>' in page

    refused = post(prof, f"{PAGE}/{devoir_id}/notes", {f"note-{a}": "12,5", f"note-{b}": "25", f"note-{c}": "douze"})
    page = text(refused)
    assert refused.status_code == 200 and "Le formulaire contient 2 erreurs" in page
    assert f'id="erreur-note-{b}">La note doit être comprise entre 0 et 20.' in page
    assert f'id="erreur-note-{c}">Note invalide' in page
    assert f'name="note-{a}" type="text" value="12,5"' in page and f'value="douze"' in page
    assert grades_of(devoir_id) == {}

    saved = post(prof, f"{PAGE}/{devoir_id}/notes",
                 {f"note-{a}": "12,5", f"note-{b}": "abs", f"note-{c}": "n.not", f"note-{d}": "7.25"})
    assert saved.status_code == 303
    assert grades_of(devoir_id) == {a: (12.5, ""), b: (None, "ABS"), c: (None, "NNOT"), d: (7.25, "")}
    page = text(prof.get(saved.headers["location"]))
    assert "Les notes sont enregistrées. 4 note(s) ajoutée(s)" in page
    assert f'value="N.NOT"' in page and "moyenne 9,88" in page

    # A field emptied removes that grade; unchanged grades keep their entry time.
    before = entry_times(devoir_id)
    again = post(prof, f"{PAGE}/{devoir_id}/notes",
                 {f"note-{a}": "12.5", f"note-{b}": "ABS", f"note-{c}": "", f"note-{d}": "8"})
    assert "ajoutees=0&modifiees=1&supprimees=1" in again.headers["location"]
    after = entry_times(devoir_id)
    assert after[a] == before[a] and c not in after and after[d] >= before[d]
    unchanged = post(prof, f"{PAGE}/{devoir_id}/notes", {f"note-{a}": "12,50", f"note-{b}": "ABS", f"note-{d}": "8"})
    assert unchanged.headers["location"].endswith("?ok=inchange")
    assert [line["action"] for line in journal_actions()] == ["notes.saisie", "notes.saisie"]


def test_publish_and_unpublish_are_audited(client_as, text, demo, services):
    prof = client_as("demo.prof")
    devoir_id = make_devoir(demo.college, services.mine, date=a_school_day(demo.college), libelle="Contrôle à publier")
    published = post(prof, f"{PAGE}/{devoir_id}/publier")
    assert published.status_code == 303 and published.headers["location"].endswith("?ok=publie")
    row = devoir_row(devoir_id)
    assert row["publie"] is True and row["publie_le"] is not None
    page = text(prof.get(published.headers["location"]))
    assert "Les notes du devoir sont publiées" in page and "Retirer la publication" in page
    assert "au fil de l'eau : les familles voient ces notes depuis le" in page

    post(prof, f"{PAGE}/{devoir_id}/publier")  # twice: nothing more happens
    assert post(prof, f"{PAGE}/{devoir_id}/depublier").status_code == 303
    row = devoir_row(devoir_id)
    assert row["publie"] is False and row["publie_le"] is None
    lines = journal_actions()
    assert [line["action"] for line in lines] == ["notes.publier", "notes.depublier"]
    assert "« Contrôle à publier »" in lines[0]["detail"]


def test_the_page_says_when_families_see_the_grades_under_a_date_rule(client_as, text, demo, services,
                                                                      college_settings_kept):
    where = (ServiceActivation.etablissement == demo.college) & (ServiceActivation.service == "notes")
    prof = client_as("demo.prof")
    devoir_id = make_devoir(demo.college, services.mine, date=a_school_day(demo.college))
    run(ServiceActivation.update({ServiceActivation.options: {"publication": "a_partir_du"}}).where(where))
    assert "une fois le devoir publié" in text(prof.get(f"{PAGE}/{devoir_id}"))
    post(prof, f"{PAGE}/{devoir_id}/publier")
    assert "pas encore fixée pour la période de ce devoir" in text(prof.get(f"{PAGE}/{devoir_id}"))
    run(ServiceActivation.update({ServiceActivation.options: {
        "publication": "a_partir_du", "publication_t1": "2099-01-04"}}).where(where))
    assert "les familles verront ces notes à partir du 04/01/2099" in text(prof.get(f"{PAGE}/{devoir_id}"))
