"""The vie scolaire's page of the absences (« Saisie des absences »): who may use it, the class
and the day, the grid and its labels, saving (portal rows created, updated, deleted; the
software's never touched), refused forms that keep what was typed, forged pupils, CSRF, the
publication and contact settings as families see them, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from absences_famille_support import annee, aujourdhui, lundi  # noqa: F401
from absences_support import absences_cleaned, journal_actions  # noqa: F401
from admin_support import college_settings_kept  # noqa: F401
from teleservices.core.api import pupils_of_structure, structures
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.absences.tables import APRES_MIDI, CONSTATEE, MATIN, SIGNALEE, AbsencesAbsence

PAGE = "/administration/absences/"
REGLAGES = "/administration/absences/reglages"
HTMX_SAISIE = {"HX-Request": "true", "HX-Target": "absences-saisie"}

pytestmark = pytest.mark.usefixtures("absences_cleaned")


# --- helpers -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def classe(demo):
    """Léa's class in the collège (4G), its pupils, and another class of a different size."""
    classes = [s for s in run(structures(demo.college)) if s["type_structure"] == "D"]
    division = next(c for c in classes if c["code_structure"] == "4G")
    pupils = run(pupils_of_structure(division["id"]))
    other = next(c for c in classes if len(run(pupils_of_structure(c["id"]))) not in (0, len(pupils)))
    return {"division": division, "eleves": pupils, "autre": other}


@pytest.fixture
def mercredi(annee, aujourdhui):
    """Today is a Wednesday of T1; absences are entered for the day before, a Tuesday."""
    jour = lundi(annee["T1"][0], 6) + dt.timedelta(days=2)
    aujourdhui(jour)
    return jour


def veille(jour: dt.date) -> dt.date:
    return jour - dt.timedelta(days=1)


def apres_l_annee(annee) -> dt.date:
    """A day after the school year that is not a Sunday (a Sunday has its own message)."""
    jour = annee["T3"][1] + dt.timedelta(days=3)
    return jour + dt.timedelta(days=1) if jour.weekday() == 6 else jour


def url(classe, jour: dt.date | str, **params) -> str:
    query = {"division": classe["division"]["id"], "jour": str(jour), **params}
    return PAGE + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def nom(pupil: dict) -> str:
    return f"{pupil['nom_de_famille']} {pupil['prenom']}"


class GridReader(HTMLParser):
    """The fields a browser submits from the grid's form: hidden and text inputs, checked boxes,
    each select's selected option (else its first)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.fields, self.select, self.first = False, {}, None, None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == PAGE and a.get("method") == "post"
        elif not self.inside:
            return
        elif tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first = a["name"], None
        elif tag == "option" and self.select:
            if self.first is None:
                self.first = self.fields[self.select] = a.get("value", "")
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def grid_of(html: str) -> dict[str, str]:
    reader = GridReader()
    reader.feed(html)
    return reader.fields


def submit(client, page_url: str, **changes) -> object:
    """Post the grid as the page shows it, with ``changes`` (a value of None unchecks a box)."""
    fields = grid_of(client.get(page_url).text)
    assert fields.get("_csrf")
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return client.post(PAGE, data=fields, follow_redirects=False)


def f(kind: str, pupil: dict, demi: str = MATIN) -> str:
    return f"{kind}-{pupil['id']}-{demi}"


def portal_rows(classe, jour: dt.date) -> dict[tuple[int, str], dict]:
    rows = run(AbsencesAbsence.select().where(
        AbsencesAbsence.eleve_id.is_in([p["id"] for p in classe["eleves"]]) & (AbsencesAbsence.date == jour)
        & (AbsencesAbsence.reference == "")))
    return {(row["eleve_id"], row["demi_journee"]): row for row in rows}


def label_texts(html: str) -> dict[str, str]:
    """Each label's text (tags removed), by the id of its field."""
    return {target: " ".join(re.sub(r"<[^>]+>", "", body).split())
            for target, body in re.findall(r'<label for="([^"]+)">(.*?)</label>', html, re.S)}


def software_absence(demo, pupil: dict, jour: dt.date, demi: str = MATIN, **values) -> int:
    row = AbsencesAbsence(
        etablissement_id=demo.college, eleve_id=pupil["id"], date=jour, demi_journee=demi,
        etat=values.get("etat", CONSTATEE), classee=values.get("classee", True),
        motif_legitime=values.get("motif_legitime", True), motif=values.get("motif", "Maladie"),
        saisie_par="Logiciel de test", reference=values.get("reference", "TEST-STAFF-1"),
    )
    run(AbsencesAbsence.insert(row))
    return row.id


# --- who may use the page --------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/connexion" and parse_qs(location.query)["suivant"][0].rstrip("/") == PAGE.rstrip("/")


@pytest.mark.parametrize("identifiant", ["demo.prof", "demo.secretariat", "demo.parent", "demo.eleve"])
def test_teachers_other_staff_and_families_are_refused(client_as, identifiant):
    other = client_as(identifiant)
    assert other.get(PAGE, follow_redirects=False).status_code == 403
    token = csrf_from(other.get("/compte").text)
    for path in (PAGE, REGLAGES):
        assert other.post(path, data={"_csrf": token}, follow_redirects=False).status_code == 403


@pytest.mark.parametrize("identifiant", ["demo.cpe", "demo.chef"])
def test_the_vie_scolaire_and_the_head_reach_the_page_from_their_home(client_as, text, identifiant):
    staff = client_as(identifiant)
    assert 'href="/administration/absences"' in text(staff.get("/"))
    page = text(staff.get(PAGE))
    assert "<h1>Saisie des absences</h1>" in page
    assert 'href="/static/absences/personnels.css?v=' in page


# --- the class, the day and the grid ----------------------------------------------------------------------


def test_the_grid_has_a_labelled_row_per_pupil_and_shows_the_software_rows_read_only(
        client_as, text, demo, classe, mercredi):
    lea = next(p for p in classe["eleves"] if p["id"] == demo.lea)
    jour = veille(mercredi)
    software_absence(demo, lea, jour, APRES_MIDI)
    software_absence(demo, lea, jour, APRES_MIDI, reference="TEST-STAFF-2")  # the same, another hour: shown once
    page = text(client_as("demo.cpe").get(url(classe, jour)))

    assert f"<caption>4G, mardi {jour:%d/%m/%Y} ({len(classe['eleves'])} élèves)</caption>" in page
    assert [re.sub(r"<[^>]+>", "", n) for n in re.findall(r'<th scope="row">(.*?)</th>', page)] == [
        nom(p) for p in classe["eleves"]]
    labels = label_texts(page)
    assert labels[f"etat-{demo.lea}-matin"] == "État – DUPONT Léa – matin"
    assert labels[f"classee-{demo.lea}-apres_midi"] == "Classée – DUPONT Léa – après-midi"
    assert labels[f"legitime-{demo.lea}-matin"] == "Motif légitime – DUPONT Léa – matin"
    assert labels[f"motif-{demo.lea}-apres_midi"] == "Motif – DUPONT Léa – après-midi"
    assert labels["division"] == "Classe" and labels["jour"] == "Jour"
    fields = grid_of(page)
    assert len([name for name in fields if name.startswith("etat-")]) == 2 * len(classe["eleves"])
    assert fields[f"etat-{demo.lea}-apres_midi"] == ""  # the software's row is not the portal's
    assert page.count("reçue du logiciel : constatée, classée, motif légitime — Maladie") == 1
    assert 'name="_csrf"' in page and '<option value="">—</option>' in page


def test_the_day_defaults_to_today_and_must_be_a_school_day(client_as, text, classe, annee, aujourdhui, mercredi):
    cpe = client_as("demo.cpe")
    page = text(cpe.get(PAGE + f"?division={classe['division']['id']}"))
    assert f'<input id="jour" name="jour" type="date" value="{mercredi.isoformat()}"' in page
    assert "<caption>4G, mercredi" in page

    dimanche = mercredi + dt.timedelta(days=4)
    page = text(cpe.get(url(classe, dimanche)))
    assert 'id="erreur-jour">Le dimanche n\'est pas un jour de classe' in page and "<caption>" not in page
    debut, fin = annee["T1"][0], annee["T3"][1]
    page = text(cpe.get(url(classe, apres_l_annee(annee))))
    assert f"Choisissez un jour de l'année scolaire, du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}." in page
    assert "Saisissez le jour" in text(cpe.get(url(classe, "30/02/2026")))
    # A day typed where there is no date picker is understood.
    typed = text(cpe.get(url(classe, f"{veille(mercredi):%d/%m/%Y}")))
    assert f"<caption>4G, mardi {veille(mercredi):%d/%m/%Y}" in typed
    assert f'type="date" value="{veille(mercredi).isoformat()}"' in typed
    aujourdhui(dimanche)  # on a Sunday the page opens on the Saturday before (logged in again: days went by)
    assert f'value="{(dimanche - dt.timedelta(days=1)).isoformat()}"' in text(client_as("demo.cpe").get(PAGE))


def test_another_establishments_class_or_a_group_is_not_offered(client_as, text, demo, classe, mercredi):
    lycee = next(s for s in run(structures(demo.lycee)) if s["type_structure"] == "D")
    groups = [s for s in run(structures(demo.college)) if s["type_structure"] == "G"]
    cpe = client_as("demo.cpe")
    page = text(cpe.get(PAGE))
    assert f'<option value="{classe["division"]["id"]}">4G</option>' in page
    for other in [lycee, *groups]:
        assert f'<option value="{other["id"]}">' not in page
        refused = text(cpe.get(PAGE + f"?division={other['id']}&jour={veille(mercredi)}"))
        assert "Choisissez une classe de l'établissement." in refused and "<caption>" not in refused


def test_with_htmx_the_form_gets_the_grid_region_alone(client_as, text, classe, mercredi):
    response = client_as("demo.cpe").get(url(classe, veille(mercredi)), headers=HTMX_SAISIE)
    page = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    assert page.startswith("<title>Saisie des absences – Téléservices</title>")
    assert '<div id="absences-saisie"' in page and "<caption>4G, mardi" in page
    assert "<html" not in page and "Publication et contact" not in page
    assert 'hx-target="#absences-saisie"' in page and 'hx-push-url="true"' in page


# --- saving -----------------------------------------------------------------------------------------------------


def test_saving_creates_updates_and_deletes_the_portal_rows(client_as, text, demo, classe, mercredi):
    a, b, c = classe["eleves"][:3]
    jour = veille(mercredi)
    cpe = client_as("demo.cpe")
    page_url = url(classe, jour)

    created = submit(cpe, page_url, **{
        f("etat", a): CONSTATEE, f("classee", a): "1", f("legitime", a): "1", f("motif", a): "  Maladie ",
        f("etat", b, APRES_MIDI): SIGNALEE, f("motif", b, APRES_MIDI): "Rendez-vous médical",
        f("etat", c): CONSTATEE,
    })
    assert created.status_code == 303
    location = created.headers["location"]
    assert parse_qs(urlsplit(location).query) == {
        "division": [str(classe["division"]["id"])], "jour": [jour.isoformat()], "ok": ["saisie"],
        "ajoutees": ["3"], "modifiees": ["0"], "supprimees": ["0"]}
    rows = portal_rows(classe, jour)
    assert set(rows) == {(a["id"], MATIN), (b["id"], APRES_MIDI), (c["id"], MATIN)}
    first = rows[(a["id"], MATIN)]
    assert (first["etat"], first["classee"], first["motif_legitime"], first["motif"]) == (
        CONSTATEE, True, True, "Maladie")
    assert first["saisie_par"] == "demo.cpe" and first["etablissement_id"] == demo.college
    page = text(cpe.get(location))
    assert "Les absences sont enregistrées : 3 ajoutée(s), 0 modifiée(s), 0 supprimée(s)." in page
    fields = grid_of(page)
    assert fields[f("etat", a)] == CONSTATEE and fields[f("classee", a)] == "1" and fields[f("motif", a)] == "Maladie"
    assert f("classee", b, APRES_MIDI) not in fields

    changed = submit(cpe, page_url, **{f("legitime", a): None, f("motif", a): "Réveil tardif", f("etat", c): ""})
    assert "ajoutees=0&modifiees=1&supprimees=1" in changed.headers["location"]
    rows = portal_rows(classe, jour)
    assert set(rows) == {(a["id"], MATIN), (b["id"], APRES_MIDI)}
    updated = rows[(a["id"], MATIN)]
    assert (updated["id"], updated["motif_legitime"], updated["motif"]) == (first["id"], False, "Réveil tardif")
    assert updated["modifie_le"] >= first["modifie_le"] and rows[(b["id"], APRES_MIDI)]["etat"] == SIGNALEE

    unchanged = submit(cpe, page_url)
    assert unchanged.headers["location"].endswith("ok=inchange")
    assert "Aucune absence n'a changé" in text(cpe.get(unchanged.headers["location"]))
    lines = journal_actions()
    assert [line["action"] for line in lines] == ["absences.saisie", "absences.saisie"]
    assert lines[0]["detail"] == (f"Absences saisies en 4G pour le {jour:%d/%m/%Y} : 3 ajoutée(s), 0 modifiée(s), "
                                  "0 supprimée(s).")
    assert lines[0]["identifiant"] == "demo.cpe"


def test_two_saves_of_the_same_half_day_from_pages_read_before_either_the_last_one_wins(
        client_as, demo, classe, mercredi):
    a = classe["eleves"][0]
    jour = veille(mercredi)
    cpe, chef = client_as("demo.cpe"), client_as("demo.chef")
    page_url = url(classe, jour)
    grille_cpe, grille_chef = grid_of(cpe.get(page_url).text), grid_of(chef.get(page_url).text)  # both see no row
    grille_cpe.update({f("etat", a): SIGNALEE, f("motif", a): "Prévenu par téléphone"})
    grille_chef.update({f("etat", a): CONSTATEE, f("classee", a): "1", f("motif", a): "Constatée en classe"})
    assert cpe.post(PAGE, data=grille_cpe, follow_redirects=False).status_code == 303
    second = chef.post(PAGE, data=grille_chef, follow_redirects=False)
    assert second.status_code == 303, second.text
    rows = portal_rows(classe, jour)
    assert len(rows) == 1 and (rows[(a["id"], MATIN)]["etat"], rows[(a["id"], MATIN)]["motif"]) == (
        CONSTATEE, "Constatée en classe")
    assert rows[(a["id"], MATIN)]["saisie_par"] == "demo.chef"


def test_the_head_saves_too_and_several_rows_change_in_one_save(client_as, classe, mercredi):
    jour = veille(mercredi)
    chef = client_as("demo.chef")
    pupils = classe["eleves"]
    submit(chef, url(classe, jour), **{f("etat", p, d): SIGNALEE for p in pupils for d in (MATIN, APRES_MIDI)})
    saved = submit(chef, url(classe, jour), **{
        **{f("etat", p, MATIN): CONSTATEE for p in pupils},
        **{f("motif", p, MATIN): f"Motif {i}" for i, p in enumerate(pupils)}})
    assert f"ajoutees=0&modifiees={len(pupils)}&supprimees=0" in saved.headers["location"]
    rows = portal_rows(classe, jour)
    assert [(rows[(p["id"], MATIN)]["etat"], rows[(p["id"], MATIN)]["motif"]) for p in pupils] == [
        (CONSTATEE, f"Motif {i}") for i in range(len(pupils))]
    assert all(rows[(p["id"], APRES_MIDI)]["etat"] == SIGNALEE for p in pupils)
    assert all(row["saisie_par"] == "demo.chef" for row in rows.values())


def test_software_rows_are_never_modified_here(client_as, text, demo, classe, mercredi):
    a = classe["eleves"][0]
    jour = veille(mercredi)
    theirs = software_absence(demo, a, jour, MATIN, etat=CONSTATEE, classee=False, motif_legitime=False, motif="")
    before = run(AbsencesAbsence.select().where(AbsencesAbsence.id == theirs).first())
    cpe = client_as("demo.cpe")
    page = text(cpe.get(url(classe, jour)))
    assert "reçue du logiciel : constatée, non classée" in page

    # The portal's own row beside it, then « — »: only the portal's row goes.
    submit(cpe, url(classe, jour), **{f("etat", a): CONSTATEE, f("classee", a): "1", f("legitime", a): "1"})
    assert set(portal_rows(classe, jour)) == {(a["id"], MATIN)}
    submit(cpe, url(classe, jour), **{f("etat", a): "", f("classee", a): None, f("legitime", a): None})
    assert portal_rows(classe, jour) == {}
    assert run(AbsencesAbsence.select().where(AbsencesAbsence.id == theirs).first()) == before


def test_a_refused_grid_keeps_everything_typed_and_writes_nothing(client_as, text, classe, mercredi):
    a, b, c, d = classe["eleves"][:4]
    cpe = client_as("demo.cpe")
    long_motif = "x" * 121
    refused = submit(cpe, url(classe, veille(mercredi)), **{
        f("classee", a): "1", f("motif", a): "Maladie",  # classée without an absence
        f("etat", b): CONSTATEE, f("legitime", b, MATIN): "1", f("motif", b): long_motif,
        f("etat", c, APRES_MIDI): SIGNALEE, f("motif", c, APRES_MIDI): "Rendez-vous",  # valid, kept too
        f("motif", d): "Un motif seul",
    })
    page = text(refused)
    assert refused.status_code == 200 and "Le formulaire contient 3 erreurs" in page
    assert (f'id="erreur-{f("etat", a)}">« Classée » ou « Motif légitime » est coché sans absence' in page)
    assert f'id="erreur-{f("motif", b)}">Le motif fait au plus 120 caractères (ici 121).' in page
    assert f'id="erreur-{f("etat", d)}">Un motif est saisi sans absence' in page
    assert f'aria-invalid="true" aria-describedby="erreur-{f("etat", a)}"' in page
    fields = grid_of(page)
    assert fields[f("classee", a)] == "1" and fields[f("motif", a)] == "Maladie" and fields[f("etat", a)] == ""
    assert fields[f("etat", b)] == CONSTATEE and fields[f("legitime", b)] == "1" and fields[f("motif", b)] == long_motif
    assert fields[f("etat", c, APRES_MIDI)] == SIGNALEE and fields[f("motif", c, APRES_MIDI)] == "Rendez-vous"
    assert fields[f("motif", d)] == "Un motif seul"
    assert portal_rows(classe, veille(mercredi)) == {} and journal_actions() == []


def test_an_absence_to_come_may_be_signalee_not_constatee(client_as, text, classe, mercredi):
    a, b = classe["eleves"][:2]
    demain = mercredi + dt.timedelta(days=1)
    cpe = client_as("demo.cpe")
    refused = submit(cpe, url(classe, demain), **{f("etat", a): CONSTATEE, f("etat", b): SIGNALEE})
    assert f'id="erreur-{f("etat", a)}">Une absence à venir ne peut pas être constatée' in text(refused)
    assert portal_rows(classe, demain) == {}
    saved = submit(cpe, url(classe, demain), **{f("etat", b): SIGNALEE, f("motif", b): "Prévenu par la famille"})
    assert saved.status_code == 303 and set(portal_rows(classe, demain)) == {(b["id"], MATIN)}
    # Today's absences may be constatées.
    assert submit(cpe, url(classe, mercredi), **{f("etat", a): CONSTATEE}).status_code == 303


def test_a_sunday_or_a_day_outside_the_year_is_refused_on_save(client_as, text, classe, annee, mercredi):
    a = classe["eleves"][0]
    cpe = client_as("demo.cpe")
    fields = grid_of(cpe.get(url(classe, veille(mercredi))).text)
    for day, message in ((mercredi + dt.timedelta(days=4), "Le dimanche n'est pas un jour de classe"),
                         (apres_l_annee(annee), "Choisissez un jour de l'année scolaire")):
        response = cpe.post(PAGE, data={**fields, "jour": day.isoformat(), f("etat", a): SIGNALEE},
                            follow_redirects=False)
        page = text(response)
        assert response.status_code == 200 and f'id="erreur-jour">{message}' in page
        assert grid_of(page)[f("etat", a)] == SIGNALEE
    assert run(AbsencesAbsence.count().where(
        (AbsencesAbsence.eleve_id == a["id"]) & (AbsencesAbsence.reference == ""))) == 0


def test_a_pupil_who_is_not_in_the_class_is_refused(client_as, text, demo, classe, mercredi):
    a = classe["eleves"][0]
    cpe = client_as("demo.cpe")
    for stranger in (demo.hugo, run(pupils_of_structure(classe["autre"]["id"]))[0]["id"]):
        response = submit(cpe, url(classe, veille(mercredi)), **{
            f("etat", a): SIGNALEE, f"etat-{stranger}-matin": CONSTATEE, f"classee-{stranger}-matin": "1"})
        page = text(response)
        assert response.status_code == 200
        assert "Le formulaire nomme un élève qui n'est pas dans cette classe : rien n'a été enregistré." in page
        assert grid_of(page)[f("etat", a)] == SIGNALEE
    assert run(AbsencesAbsence.count().where(AbsencesAbsence.eleve_id.is_in([demo.hugo, a["id"]])
                                             & (AbsencesAbsence.reference == ""))) == 0
    # Another establishment's class named in the form: nothing either.
    lycee = next(s for s in run(structures(demo.lycee)) if s["type_structure"] == "D")
    response = submit(cpe, url(classe, veille(mercredi)), division=str(lycee["id"]), **{f("etat", a): SIGNALEE})
    assert "Choisissez une classe de l'établissement." in text(response)
    assert portal_rows(classe, veille(mercredi)) == {}


def test_a_pupil_left_out_of_the_form_keeps_their_rows(client_as, classe, mercredi):
    """A pupil who joined the class after the page was shown has no field: their rows stay."""
    a, b = classe["eleves"][:2]
    cpe = client_as("demo.cpe")
    submit(cpe, url(classe, veille(mercredi)), **{f("etat", a): SIGNALEE, f("etat", b): SIGNALEE})
    fields = {k: v for k, v in grid_of(cpe.get(url(classe, veille(mercredi))).text).items() if f"-{b['id']}-" not in k}
    fields[f("etat", a)] = ""
    assert cpe.post(PAGE, data=fields, follow_redirects=False).status_code == 303
    assert set(portal_rows(classe, veille(mercredi))) == {(b["id"], MATIN)}


def test_a_save_without_its_csrf_token_is_refused(client_as, classe, mercredi):
    cpe = client_as("demo.cpe")
    fields = grid_of(cpe.get(url(classe, veille(mercredi))).text)
    fields.pop("_csrf")
    fields[f("etat", classe["eleves"][0])] = SIGNALEE
    assert cpe.post(PAGE, data=fields, follow_redirects=False).status_code == 403
    assert cpe.post(REGLAGES, data={"publication": "1"}, follow_redirects=False).status_code == 403
    assert portal_rows(classe, veille(mercredi)) == {}


# --- publication and contact -------------------------------------------------------------------------------------


def settings_post(client, **values: str):
    token = csrf_from(client.get(PAGE).text)
    return client.post(REGLAGES, data={"_csrf": token, **values}, follow_redirects=False)


def test_publication_is_switched_off_and_on_as_families_see_it(client_as, text, demo, classe, mercredi,
                                                               college_settings_kept):
    cpe, parent = client_as("demo.cpe"), client_as("demo.parent")
    family_page = f"/eleves/{demo.lea}/absences/"
    assert "n'a pas encore autorisé" not in text(parent.get(family_page))  # the demo publishes them

    # The class and the day the page showed come back with the confirmation.
    off = settings_post(cpe, division=str(classe["division"]["id"]), jour=veille(mercredi).isoformat(),
                        contact_mel="", contact_telephone="", contact_telecopie="")
    assert off.status_code == 303
    assert parse_qs(urlsplit(off.headers["location"]).query) == {
        "division": [str(classe["division"]["id"])], "jour": [veille(mercredi).isoformat()], "ok": ["reglages"]}
    page = text(cpe.get(off.headers["location"]))
    assert "Les réglages de publication et de contact sont enregistrés." in page
    assert "Publication non autorisée" in page and "<caption>4G, mardi" in page
    assert 'id="publication" name="publication" type="checkbox" value="1" aria-describedby' in page  # unchecked
    family = text(parent.get(family_page))
    assert "La vie scolaire n'a pas encore autorisé la publication des absences en ligne." in family

    on = settings_post(cpe, publication="1")
    assert on.headers["location"] == PAGE + "?jour=" + mercredi.isoformat() + "&ok=reglages"
    assert "n'a pas encore autorisé" not in text(parent.get(family_page))
    assert settings_post(cpe, publication="1").headers["location"].endswith("ok=reglages_inchanges")
    lines = journal_actions()
    assert [line["action"] for line in lines] == ["absences.reglages", "absences.reglages"]
    assert lines[0]["detail"].startswith("Publication des absences aux familles : non autorisée.")


def test_the_contact_is_checked_kept_when_refused_and_shown_to_families(client_as, text, demo, mercredi,
                                                                        college_settings_kept):
    cpe, parent = client_as("demo.cpe"), client_as("demo.parent")
    refused = settings_post(cpe, publication="1", contact_mel="vie-scolaire@", contact_telephone="03 20 ab",
                            contact_telecopie="+33 3 20 00 00 04")
    page = text(refused)
    assert refused.status_code == 200
    assert "Les réglages de publication et de contact n'ont pas été enregistrés" in page
    assert 'id="erreur-contact_mel">Saisissez une adresse électronique valide' in page
    assert 'id="erreur-contact_telephone">Saisissez un numéro fait de chiffres' in page
    assert "erreur-contact_telecopie" not in page
    for value in ('value="vie-scolaire@"', 'value="03 20 ab"', 'value="+33 3 20 00 00 04"'):
        assert value in page
    assert journal_actions() == []

    saved = settings_post(cpe, publication="1", contact_mel="cpe.jean-moulin@ac-lille.fr",
                          contact_telephone="03.20.11.22.33", contact_telecopie="+33 3 20 00 00 04")
    assert saved.status_code == 303
    contact = text(parent.get(f"/eleves/{demo.lea}/absences/vie-scolaire"))
    for value in ("cpe.jean-moulin@ac-lille.fr", "03.20.11.22.33", "+33 3 20 00 00 04"):
        assert value in contact
    page = text(cpe.get(saved.headers["location"]))
    assert 'value="cpe.jean-moulin@ac-lille.fr"' in page
    assert journal_actions()[-1]["detail"] == (
        "Publication des absences aux familles : autorisée. Contact de la vie scolaire : courriel "
        "« cpe.jean-moulin@ac-lille.fr », téléphone « 03.20.11.22.33 », télécopie « +33 3 20 00 00 04 ».")
    assert journal_actions()[-1]["identifiant"] == "demo.cpe"


# --- a constant number of queries --------------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_whatever_the_class(client_as, classe, mercredi, queries):
    cpe = client_as("demo.cpe")
    counts = []
    for division in (classe["division"], classe["autre"]):
        for headers in ({}, HTMX_SAISIE):
            queries.clear()
            response = cpe.get(PAGE + f"?division={division['id']}&jour={veille(mercredi)}", headers=headers)
            assert response.status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_a_save_costs_the_same_queries_for_one_row_or_a_whole_class(client_as, classe, mercredi, queries):
    cpe = client_as("demo.cpe")
    pupils = classe["eleves"]
    page_url = url(classe, veille(mercredi))

    def cost(**changes) -> int:
        fields = grid_of(cpe.get(page_url).text)
        fields.update(changes)
        queries.clear()
        response = cpe.post(PAGE, data=fields, follow_redirects=False)
        assert response.status_code == 303, response.text
        return len(queries)

    one = [cost(**{f("etat", pupils[0]): SIGNALEE}),
           cost(**{f("etat", pupils[0]): CONSTATEE}),
           cost(**{f("etat", pupils[0]): ""})]
    every = [cost(**{f("etat", p): SIGNALEE for p in pupils}),
             cost(**{f("etat", p): CONSTATEE for p in pupils}),
             cost(**{f("etat", p): "" for p in pupils})]
    assert one == every, (one, every)
