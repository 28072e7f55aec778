"""Each in-tree service notifies the families at its natural moment, from its staff pages, in the
transaction of the change: the notes when a devoir's grades become visible, the absences when a
half-day counts, the fiche when the school decides (without doubling its decision mail), the
online enrolment when the lycée's campaign opens or a pupil is assigned while it is open. Only
the accounts that may see the pupil and the service are told — never another family."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pytest

from admin_support import form_of
from fiche_support import fiches  # noqa: F401 (fixture)
from notes_support import a_school_day, devoirs_cleaned, make_devoir  # noqa: F401 (fixture)
from notifications_support import account_id, badge, notifications  # noqa: F401 (fixture)
from teleservices.core.api import periods, pupils_of_structure, teaching_services, today
from teleservices.core.tables import Compte, Eleve
from teleservices.core import clock
from teleservices.core.testing import csrf_from, invoke_cli, last_id, run
from teleservices.plugins.absences.tables import AbsencesAbsence
from teleservices.plugins.fiche.tables import ACCEPTEE, REFUSEE
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionCampagne

LEA_ACCOUNTS = {"demo.parent", "demo.parent2", "demo.eleve"}
LEA_PARENTS = {"demo.parent", "demo.parent2"}
NOTES = "/administration/notes"


def post(client: Any, path: str, data: dict | None = None, page: str | None = None) -> Any:
    token = csrf_from(client.get(page or path).text)
    return client.post(path, data={"_csrf": token, **(data or {})}, follow_redirects=False)


# --- the notes ----------------------------------------------------------------------------------------------


@pytest.fixture
def devoir(demo, devoirs_cleaned) -> dict:
    """A devoir of demo.prof's class 4G (Léa's), not published, and another pupil of the class."""
    prof = run(Compte.select(Compte.enseignant).where(Compte.identifiant == "demo.prof").first())["enseignant"]
    service = next(s for s in run(teaching_services(demo.college, prof)) if s["code_structure"] == "4G")
    devoir_id = make_devoir(demo.college, service, date=a_school_day(demo.college), libelle="Contrôle 3")
    pupils = run(pupils_of_structure(service["division_id"]))
    assert demo.lea in {p["id"] for p in pupils}
    other = next(p["id"] for p in pupils if p["id"] != demo.lea)
    return {"id": devoir_id, "path": f"{NOTES}/{devoir_id}", "autre": other}


def test_publishing_a_devoir_tells_the_families_of_its_pupils(notifications, demo, client_as, devoir):
    prof = client_as("demo.prof")
    assert post(prof, f"{devoir['path']}/notes", {f"note-{demo.lea}": "15", f"note-{devoir['autre']}": "9"},
                page=devoir["path"]).status_code == 303
    assert notifications.rows() == []  # not published: families see nothing yet
    assert post(prof, f"{devoir['path']}/publier", page=devoir["path"]).status_code == 303
    assert notifications.recipients() == LEA_ACCOUNTS  # the other pupil's family has no account
    row = notifications.of("demo.parent")[0]
    assert row["type"] == "notes.publiees" and row["lien"] == f"/eleves/{demo.lea}/notes/"
    assert row["titre"].endswith(f"« Contrôle 3 » du {a_school_day(demo.college):%d/%m/%Y}") and "15" not in row["titre"]
    assert "pastille-notifications" in client_as("demo.parent3e").get("/aide").text
    assert badge(client_as("demo.parent3e").get("/aide").text) == 0  # never another family


def test_grades_saved_on_a_published_devoir_tell_only_the_pupils_whose_grade_changed(
        notifications, demo, client_as, devoir):
    prof = client_as("demo.prof")
    post(prof, f"{devoir['path']}/notes", {f"note-{demo.lea}": "15"}, page=devoir["path"])
    post(prof, f"{devoir['path']}/publier", page=devoir["path"])
    published = len(notifications.rows())
    post(prof, f"{devoir['path']}/notes", {f"note-{demo.lea}": "15", f"note-{devoir['autre']}": "11"},
         page=devoir["path"])
    assert len(notifications.rows()) == published  # Léa's grade did not change
    post(prof, f"{devoir['path']}/notes", {f"note-{demo.lea}": "16", f"note-{devoir['autre']}": "11"},
         page=devoir["path"])
    assert len(notifications.rows()) == published + 3
    assert post(prof, f"{devoir['path']}/depublier", page=devoir["path"]).status_code == 303
    post(prof, f"{devoir['path']}/notes", {f"note-{demo.lea}": "17"}, page=devoir["path"])
    assert len(notifications.rows()) == published + 3  # unpublished: nothing to see


def test_grades_visible_only_from_a_later_date_are_not_told_now(
        notifications, demo, client_as, devoir, open_service):
    open_service("notes", options={"publication": "a_partir_du", "publication_t1": "2099-01-04"})
    prof = client_as("demo.prof")
    post(prof, f"{devoir['path']}/notes", {f"note-{demo.lea}": "15"}, page=devoir["path"])
    post(prof, f"{devoir['path']}/publier", page=devoir["path"])
    assert notifications.rows() == []


# --- the absences --------------------------------------------------------------------------------------------

ABSENCES = "/administration/absences/"


@pytest.fixture
def absences_made(demo) -> Iterator[dt.date]:
    """A past school day of the first period (not a Sunday); the absences made are deleted after."""
    jour = run(periods(demo.college))[0]["debut"] + dt.timedelta(days=15)
    jour += dt.timedelta(days=1) if jour.weekday() == 6 else dt.timedelta()
    assert jour < today()
    mark = last_id(AbsencesAbsence)
    yield jour
    run(AbsencesAbsence.delete().where(AbsencesAbsence.id > mark))


def save_half_day(client: Any, demo: Any, jour: dt.date, demi: str = "matin", etat: str = "constatee",
                  classee: bool = True, legitime: bool = True) -> Any:
    division = run(Eleve.select(Eleve.division).where(Eleve.id == demo.lea).first())["division"]
    cle = f"{demo.lea}-{demi}"
    data = {"division": division, "jour": jour.isoformat(), f"etat-{cle}": etat, f"motif-{cle}": "Maladie"}
    data.update({f"classee-{cle}": "on"} if classee else {})
    data.update({f"legitime-{cle}": "on"} if legitime else {})
    return post(client, ABSENCES, data)


def test_a_counted_absence_tells_the_pupils_family_once(notifications, demo, client_as, absences_made):
    cpe = client_as("demo.cpe")
    assert save_half_day(cpe, demo, absences_made, etat="signalee", classee=False, legitime=False).status_code == 303
    assert notifications.rows() == []  # reported, not counted (guide 3.5)
    save_half_day(cpe, demo, absences_made)
    assert notifications.recipients() == LEA_ACCOUNTS
    row = notifications.of("demo.parent")[0]
    assert row["type"] == "absences.comptees" and row["lien"] == f"/eleves/{demo.lea}/absences/"
    jour = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")[absences_made.weekday()]
    assert row["titre"] == f"Absence comptée le {jour} {absences_made:%d/%m/%Y} (matin)"
    save_half_day(cpe, demo, absences_made)  # saved again, unchanged: nothing new
    save_half_day(cpe, demo, absences_made, demi="apres_midi")
    assert len(notifications.rows()) == 6 and notifications.rows()[-1]["titre"].endswith("(après-midi)")


def test_no_absence_is_told_before_the_vie_scolaire_publishes_them(
        notifications, demo, client_as, absences_made, open_service):
    open_service("absences", options={"publication": False})
    save_half_day(client_as("demo.cpe"), demo, absences_made)
    assert notifications.rows() == []


# --- the fiche -------------------------------------------------------------------------------------------------

FICHE = "/administration/fiche/"


def decide(client: Any, fiches: Any, demande_id: int, decision: str = ACCEPTEE) -> Any:
    fields = form_of(client.get(FICHE).text, f"{FICHE}{demande_id}")
    assert fields.get("_csrf"), "the request's form is not on the queue"
    fields.update({f"decision-{row['id']}": decision for row in fiches.changements(demande_id).values()})
    return client.post(f"{FICHE}{demande_id}", data=fields, follow_redirects=False)


def test_a_decision_on_the_pupils_record_tells_both_parents_without_a_second_mail(
        notifications, demo, client_as, fiches):
    notifications.prefer("demo.parent", "fiche.decision", "immediat")
    notifications.prefer("demo.parent2", "fiche.decision", "immediat")
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44"})
    assert decide(client_as("demo.secretariat"), fiches, demande_id).status_code == 303
    assert notifications.recipients() == LEA_PARENTS  # the fiche is the parents' (not the pupil's)
    asked, other = notifications.of("demo.parent")[0], notifications.of("demo.parent2")[0]
    assert "(Élève) traitée : 1 modification(s) acceptée(s), 0 refusée(s)" in asked["titre"]
    assert asked["envoyee_le"] is not None  # told by the decision mail: never mailed again
    [decision] = notifications.mails("sophie.dupont@example.org")
    assert "décision de l'établissement" in decision["sujet"]
    [mail] = notifications.mails("marc.dupont@example.org")  # the other parent, as he chose
    assert mail["sujet"] == "Message des services en ligne - Léa : Réponse de l'établissement à une demande de modification"
    assert other["envoyee_le"] is not None


def test_a_decision_on_a_guardians_own_record_tells_that_guardian_alone(notifications, demo, client_as, fiches):
    demande_id = fiches.demande(demo.lea, {"tel_portable": "06 99 88 77 66"}, resp_legal=2, compte="demo.parent2")
    decide(client_as("demo.secretariat"), fiches, demande_id, REFUSEE)
    assert notifications.recipients() == {"demo.parent2"}
    assert "0 modification(s) acceptée(s), 1 refusée(s)" in notifications.rows()[0]["titre"]


# --- the online enrolment ---------------------------------------------------------------------------------------

INSCRIPTION = "/administration/inscription/"


@pytest.fixture
def campaign_closed(demo) -> Iterator[dict]:
    """The demo lycée's campaign, closed since yesterday for the test; put back after it."""
    row = run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.lycee).first())
    yesterday = today() - dt.timedelta(days=1)
    run(InscriptionCampagne.update({InscriptionCampagne.ouverture: yesterday - dt.timedelta(days=30),
                                    InscriptionCampagne.fermeture: yesterday}).where(InscriptionCampagne.id == row["id"]))
    yield row
    run(InscriptionCampagne.update({InscriptionCampagne.ouverture: row["ouverture"],
                                    InscriptionCampagne.fermeture: row["fermeture"],
                                    InscriptionCampagne.annoncee_le: row["annoncee_le"]}).where(
        InscriptionCampagne.id == row["id"]))


def campaign_form(row: dict, ouverture: dt.date, fermeture: dt.date) -> dict:
    return {"rentree": str(row["rentree"]), "ouverture": ouverture.isoformat(), "fermeture": fermeture.isoformat(),
            "message": row["message"], "options_min": str(row["options_min"]), "options_max": str(row["options_max"])}


def test_opening_the_campaign_tells_the_parents_of_the_assigned_pupils(
        notifications, demo, demo_context, client_as, campaign_closed):
    lycee = client_as("demo.lycee")
    later = today() + dt.timedelta(days=10)
    response = post(lycee, INSCRIPTION + "campagne", campaign_form(campaign_closed, later, later), page=INSCRIPTION)
    assert response.status_code == 303 and notifications.rows() == []  # saved ahead of its first day
    response = post(lycee, INSCRIPTION + "campagne", campaign_form(campaign_closed, today(), later), page=INSCRIPTION)
    assert response.status_code == 303
    melanie = demo_context.eleves["troisieme"]
    assert notifications.recipients() == {"demo.parent3e"}
    row = notifications.rows()[0]
    assert (row["eleve"], row["lien"]) == (melanie, f"/eleves/{melanie}/inscription/")
    assert row["titre"] == (f"L'inscription au LYCEE MARIE CURIE pour la rentrée {campaign_closed['rentree']} est "
                            f"ouverte jusqu'au {later:%d/%m/%Y}")
    # Saved again while open (a message changed): told once only.
    post(lycee, INSCRIPTION + "campagne", {**campaign_form(campaign_closed, today(), later), "message": "Bienvenue"},
         page=INSCRIPTION)
    assert len(notifications.rows()) == 1


def test_a_campaign_saved_ahead_is_told_on_its_first_day_by_the_daily_task(
        notifications, demo, client_as, campaign_closed, monkeypatch):
    lycee = client_as("demo.lycee")
    start, end = today() + dt.timedelta(days=3), today() + dt.timedelta(days=20)
    post(lycee, INSCRIPTION + "campagne", campaign_form(campaign_closed, start, end), page=INSCRIPTION)
    result = invoke_cli(["daily"])
    assert result.exit_code == 0, result.output
    assert notifications.rows() == []  # not before its first day
    three_days_later = clock.now() + dt.timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: three_days_later)
    result = invoke_cli(["daily"])
    assert result.exit_code == 0 and "Tâches quotidiennes faites" in result.output, result.output
    assert notifications.recipients() == {"demo.parent3e"}
    assert notifications.rows()[0]["titre"] == (
        f"L'inscription au LYCEE MARIE CURIE pour la rentrée {campaign_closed['rentree']} est ouverte jusqu'au "
        f"{end:%d/%m/%Y}")
    invoke_cli(["daily"])  # run twice the same day, or the day after: told once
    monkeypatch.setattr(clock, "now", lambda: three_days_later + dt.timedelta(days=1))
    invoke_cli(["daily"])
    assert len(notifications.rows()) == 1


def test_a_daily_task_that_fails_leaves_the_others_and_the_digest(monkeypatch):
    from teleservices.core.api import hookimpl

    class Broken:
        @hookimpl
        def daily(self, today):
            raise RuntimeError("tâche en panne")

    from teleservices.core import plugins as core_plugins

    loaded = core_plugins.load_plugins
    monkeypatch.setattr(core_plugins, "load_plugins", lambda settings, extra=None: loaded(settings, {"panne": Broken()}))
    result = invoke_cli(["daily"])
    assert result.exit_code == 0
    assert "Le plugin « panne » a échoué dans sa tâche quotidienne" in result.output
    assert "Tâches quotidiennes faites" in result.output


@pytest.fixture
def affectations_made() -> Iterator[None]:
    mark = last_id(InscriptionAffectation)
    yield
    run(InscriptionAffectation.delete().where(InscriptionAffectation.id > mark))


def test_a_pupil_assigned_while_the_campaign_is_open_gets_it_told(
        notifications, demo, client_as, affectations_made):
    ine = run(Eleve.select(Eleve.ine).where(Eleve.id == demo.lea).first())["ine"]
    page = INSCRIPTION + "affectations"
    response = post(client_as("demo.lycee"), page, {"numero": ine, "code_mef": "20010018110"})
    assert response.status_code == 303, response.text
    assert notifications.recipients() == LEA_PARENTS  # the enrolment is the parents' (guide 3.2)
    assert notifications.rows()[0]["lien"] == f"/eleves/{demo.lea}/inscription/"


def test_pupils_assigned_by_a_file_while_the_campaign_is_open_get_it_told(
        notifications, demo, client_as, affectations_made):
    ine = run(Eleve.select(Eleve.ine).where(Eleve.id == demo.lea).first())["ine"]
    lycee = client_as("demo.lycee")
    page = INSCRIPTION + "affectations"
    response = lycee.post(page + "/import", data={"_csrf": csrf_from(lycee.get(page).text)},
                          files={"fichier": ("affelnet.csv", f"INE;CODE_MEF\n{ine};20010018110\n".encode(), "text/csv")})
    assert response.status_code == 200
    assert notifications.recipients() == LEA_PARENTS
