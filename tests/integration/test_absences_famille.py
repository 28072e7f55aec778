"""The families' absences pages (guide 3.5): the label contract, the counting rule through the
page, filters and their default, the fragment, a week's detail, the vie scolaire's dialog,
publication, the guard on every route, the calendar and its private link, and a constant number
of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from absences_famille_support import absences, absences_options, annee, aujourdhui, lundi  # noqa: F401
from teleservices.core.tables import Compte, Etablissement, LienPrive
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.absences.tables import APRES_MIDI, MATIN, SIGNALEE

HTMX_RESULTATS = {"HX-Request": "true", "HX-Target": "absences-resultats"}
HTMX_DIALOGUE = {"HX-Request": "true", "HX-Target": "absences-dialogue-contenu"}
TITRE = "Le nombre par semaine des demi-journées où au moins une absence a été signalée et traitée"


@pytest.fixture(autouse=True)
def links_deleted():
    """The private links made by a test are deleted after it."""
    yield
    run(LienPrive.delete(force=True))


def url(demo, path=""):
    return f"/eleves/{demo.lea}/absences/{path}"


def rows(page: str) -> list[list[str]]:
    """The weekly table's body rows, tags removed."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", r, re.S)]
            for r in re.findall(r"<tr\b.*?</tr>", body, re.S)]


def week_row(page: str, numero: int) -> list[str]:
    return next(r for r in rows(page) if r[0] == str(numero))


@pytest.fixture
def mi_t2(annee, aujourdhui):
    """Today is a Wednesday in the middle of T2."""
    jour = lundi(annee["T2"][0], 6) + dt.timedelta(days=2)
    aujourdhui(jour)
    return jour


def test_the_page_follows_the_guide(client_as, demo, text, absences, mi_t2):
    page = text(client_as("demo.parent").get(url(demo)))
    assert f"<h1>{TITRE}</h1>" in page
    assert "la vie scolaire de" in page and "Léa D." in page
    assert '<label for="absences-periode">Filtre par</label>' in page and ">Valider</button>" in page
    assert '<option value="toutes">(Toutes les périodes)</option>' in page and '<option value="T3">T3</option>' in page
    assert "> Contacter la vie scolaire" in page and f'href="/eleves/{demo.lea}/absences/vie-scolaire"' in page
    headers = re.findall(r'<th scope="col">(.*?)</th>', page.split("<thead>")[1].split("</thead>")[0])
    assert headers == ["Numéro semaine", "Du", "Au", "Nombre de demi-journées"]
    # By default the current month, its weeks latest first, from Monday to Saturday, the empty ones too.
    mois = f"{mi_t2.year}-{mi_t2.month:02d}"
    assert f'<option value="{mois}" selected>' in page
    premiere = rows(page)[0]
    semaine = lundi(mi_t2)
    assert premiere[:3] == [str(semaine.isocalendar()[1]), f"lun. {semaine:%d/%m/%Y}",
                            f"sam. {semaine + dt.timedelta(days=5):%d/%m/%Y}"]
    assert all(r[3].startswith("0") for r in rows(page))
    # Months not begun yet are not offered.
    suivant = (mi_t2.replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
    assert f'<option value="{suivant}"' not in page


def test_only_constatees_classees_with_motif_legitime_count_once_per_half_day(client_as, demo, text, absences, mi_t2):
    semaine = lundi(mi_t2, -1)
    absences(semaine, MATIN)
    absences(semaine, MATIN, motif="Maladie (2e heure)")  # the same half-day: once
    absences(semaine, APRES_MIDI)
    absences(semaine + dt.timedelta(days=1), MATIN, classee=False)
    absences(semaine + dt.timedelta(days=1), APRES_MIDI, motif_legitime=False)
    absences(semaine + dt.timedelta(days=2), MATIN, etat=SIGNALEE)
    page = text(client_as("demo.parent").get(url(demo) + "?periode=toutes"))
    assert week_row(page, semaine.isocalendar()[1])[3].startswith("2")
    assert "<strong>2</strong> demi-journées au total" in page


def test_filter_by_period_and_month_and_the_htmx_fragment(client_as, demo, text, absences, annee, mi_t2):
    t1_jour = lundi(annee["T1"][0], 3)
    absences(t1_jour, MATIN)
    absences(lundi(mi_t2, -1), MATIN)
    parent = client_as("demo.parent")
    t1 = text(parent.get(url(demo) + "?periode=T1"))
    assert "Période : T1" in t1 and "<strong>1</strong> demi-journée au total" in t1
    assert week_row(t1, t1_jour.isocalendar()[1])[3].startswith("1")
    mois = f"{t1_jour.year}-{t1_jour.month:02d}"
    fragment = parent.get(url(demo) + f"?periode={mois}", headers=HTMX_RESULTATS)
    assert "<html" not in fragment.text and 'id="absences-resultats"' in fragment.text
    assert "<strong>1</strong> demi-journée au total" in text(fragment)
    assert fragment.headers["vary"].lower().count("hx-request") == 1
    toutes = text(parent.get(url(demo) + "?periode=toutes"))
    assert "Toutes les périodes" in toutes and "<strong>2</strong> demi-journées au total" in toutes
    assert 'role="img"' in toutes and "semaine " in toutes.split("<desc")[1]


def test_a_week_across_two_months_shows_in_both_with_its_own_days(client_as, demo, text, absences, annee, aujourdhui):
    # The first week whose Monday is the last day of a month... or any week straddling two months.
    jour = annee["T1"][0] + dt.timedelta(days=30)
    while (jour + dt.timedelta(days=5)).month == jour.month or jour.weekday() != 0:
        jour += dt.timedelta(days=1)
    fin_du_mois = max(d for d in (jour + dt.timedelta(days=i) for i in range(6)) if d.month == jour.month)
    debut_suivant = fin_du_mois + dt.timedelta(days=1)
    aujourdhui(jour + dt.timedelta(days=60))
    absences(fin_du_mois, APRES_MIDI)
    absences(debut_suivant, MATIN)
    absences(debut_suivant, APRES_MIDI)
    parent = client_as("demo.parent")
    numero = jour.isocalendar()[1]
    avant = text(parent.get(url(demo) + f"?periode={jour:%Y-%m}"))
    apres = text(parent.get(url(demo) + f"?periode={debut_suivant:%Y-%m}"))
    assert week_row(avant, numero)[3].startswith("1") and "semaine partagée" in week_row(avant, numero)[3]
    assert week_row(apres, numero)[3].startswith("2") and "semaine partagée" in week_row(apres, numero)[3]


def test_the_detail_of_a_week_as_a_dialog_and_as_a_page(client_as, demo, text, absences, mi_t2):
    semaine = lundi(mi_t2, -1)
    absences(semaine + dt.timedelta(days=3), APRES_MIDI, motif="Rendez-vous médical")
    absences(semaine + dt.timedelta(days=3), MATIN, motif="Rendez-vous médical")
    absences(semaine + dt.timedelta(days=4), MATIN, motif_legitime=False, motif="Réveil tardif")
    parent = client_as("demo.parent")
    cle = f"{semaine.isocalendar()[0]}-W{semaine.isocalendar()[1]:02d}"
    page = text(parent.get(url(demo) + "?periode=toutes"))
    assert f'href="/eleves/{demo.lea}/absences/semaine/{cle}?periode=toutes"' in page
    dialogue = parent.get(url(demo, f"semaine/{cle}?periode=toutes"), headers=HTMX_DIALOGUE)
    contenu = text(dialogue)
    assert "<html" not in dialogue.text and f"Semaine {semaine.isocalendar()[1]}" in contenu
    assert contenu.index("matin — Rendez-vous médical") < contenu.index("après-midi — Rendez-vous médical")
    assert "Réveil tardif" not in contenu and "2 demi-journées comptées" in contenu
    pleine = text(parent.get(url(demo, f"semaine/{cle}?periode=toutes")))
    assert "<html" in pleine and "Retour aux absences" in pleine and "jeudi" in pleine
    assert parent.get(url(demo, "semaine/2027-W53")).status_code == 404
    assert parent.get(url(demo, "semaine/n-importe")).status_code == 404
    assert parent.get(url(demo, f"semaine/{cle}?periode=T1")).status_code == 404  # not a week of T1


def test_contacter_la_vie_scolaire(client_as, demo, text, absences_options):
    parent = client_as("demo.parent")
    etab = run(Etablissement.select().where(Etablissement.id == demo.college).first())
    dialogue = text(parent.get(url(demo, "vie-scolaire"), headers=HTMX_DIALOGUE))
    assert "La vie scolaire" in dialogue and "Adresse" in dialogue and etab["nom"] in dialogue
    assert f'href="mailto:{etab["vie_scolaire_mel"]}"' in dialogue
    assert etab["vie_scolaire_telephone"] in dialogue and etab["telecopie"] in dialogue
    assert "email" in dialogue and "téléphone" in dialogue and "télécopie" in dialogue
    absences_options(contact_mel="cpe@college.example", contact_telecopie="03 20 99 99 99")
    page = text(parent.get(url(demo, "vie-scolaire")))
    assert "<html" in page and 'href="mailto:cpe@college.example"' in page and "03 20 99 99 99" in page


def test_nothing_is_shown_until_the_vie_scolaire_publishes(client_as, demo, text, absences, absences_options, mi_t2):
    absences(lundi(mi_t2, -1), MATIN, motif="Motif secret")
    absences_options(publication=False)
    parent = client_as("demo.parent")
    page = text(parent.get(url(demo) + "?periode=toutes"))
    assert "n'a pas encore autorisé la publication" in page and "<tbody>" not in page
    assert "> Contacter la vie scolaire" in page
    fragment = text(parent.get(url(demo) + "?periode=toutes", headers=HTMX_RESULTATS))
    assert "<tbody>" not in fragment
    cle = f"{lundi(mi_t2, -1).isocalendar()[0]}-W{lundi(mi_t2, -1).isocalendar()[1]:02d}"
    assert parent.get(url(demo, f"semaine/{cle}?periode=toutes")).status_code == 404
    ics = parent.get(url(demo, "absences.ics"))
    assert ics.status_code == 200 and "BEGIN:VEVENT" not in ics.text and "Motif secret" not in ics.text


ROUTES = ["", "?periode=toutes", "semaine/2026-W48", "vie-scolaire", "calendrier", "absences.ics"]


def test_every_route_is_refused_to_a_pupil_whose_access_was_removed(client_as, demo, pupil_access_removed):
    pupil = client_as("demo.eleve")
    assert pupil.get(url(demo)).status_code == 200
    pupil_access_removed(demo.lea)
    for path in ROUTES:
        assert pupil.get(url(demo, path)).status_code == 403, path
    assert pupil.get(url(demo), headers=HTMX_RESULTATS).status_code == 403
    assert pupil.get(url(demo, "vie-scolaire"), headers=HTMX_DIALOGUE).status_code == 403


def test_every_route_is_refused_to_others(client, client_as, demo):
    other = client_as("demo.parent2")  # Léa's father: not Hugo's guardian
    for path in ROUTES:
        assert other.get(f"/eleves/{demo.hugo}/absences/{path}").status_code == 404, path
        anonymous = client.get(url(demo, path), follow_redirects=False)
        assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/connexion"), path
    staff = client_as("demo.cpe")
    assert staff.get(url(demo)).status_code == 404


def test_the_calendar_file_holds_the_counted_half_days(client_as, demo, absences, mi_t2):
    semaine = lundi(mi_t2, -1)
    absences(semaine, MATIN, motif="Maladie")
    absences(semaine, APRES_MIDI, classee=False, motif="Pas encore classée")
    response = client_as("demo.parent").get(url(demo, "absences.ics"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.count("BEGIN:VEVENT") == 1 and f"DTSTART:{semaine:%Y%m%d}T080000" in response.text
    assert "Pas encore classée" not in response.text and "Motif : Maladie" in response.text


def lien_de(page: str) -> str:
    return re.search(r'id="absences-lien"[^>]*value="([^"]+)"', page).group(1)


def test_a_private_link_is_shown_once_works_without_a_session_and_is_revocable(
        client, client_as, demo, text, absences, mi_t2, account_state):
    absences(lundi(mi_t2, -1), MATIN)
    parent = client_as("demo.parent")
    page = parent.get(url(demo, "calendrier"))
    token = csrf_from(page.text)
    assert parent.post(url(demo, "calendrier/lien"), data={}).status_code == 403  # no CSRF token
    created = text(parent.post(url(demo, "calendrier/lien"), data={"_csrf": token}))
    lien = lien_de(created)
    assert "/flux/absences/" in lien and lien.endswith("/absences.ics") and "Copiez-le maintenant" in created
    chemin = lien.split("127.0.0.1:8000")[1]
    again = text(parent.get(url(demo, "calendrier")))
    assert "Un lien d'abonnement existe" in again and chemin not in again  # shown once
    stored = run(LienPrive.select().where(LienPrive.eleve == demo.lea))
    assert len(stored) == 1 and chemin.split("/")[3] not in str(stored)  # only its hash is kept
    feed = client.get(chemin)
    assert feed.status_code == 200 and feed.text.count("BEGIN:VEVENT") == 1 and "ts_session" not in feed.headers.get("set-cookie", "")
    # A new link replaces the old one.
    nouveau = lien_de(text(parent.post(url(demo, "calendrier/lien"), data={"_csrf": token})))
    assert client.get(chemin).status_code == 404
    chemin = nouveau.split("127.0.0.1:8000")[1]
    assert client.get(chemin).status_code == 200
    # A disabled account's links stop at once.
    account_state("demo.parent", "desactive")
    assert client.get(chemin).status_code == 404


def test_a_revoked_link_and_a_removed_access_answer_404(client, client_as, demo, text, pupil_access_removed):
    pupil = client_as("demo.eleve")
    token = csrf_from(pupil.get(url(demo, "calendrier")).text)
    chemin = lien_de(text(pupil.post(url(demo, "calendrier/lien"), data={"_csrf": token}))).split("127.0.0.1:8000")[1]
    assert client.get(chemin).status_code == 200
    pupil_access_removed(demo.lea)
    assert client.get(chemin).status_code == 404
    assert client.get(chemin.replace("/absences/", "/notes/", 1)).status_code == 404
    assert client.get("/flux/absences/pas-un-jeton/absences.ics").status_code == 404
    run(Compte.select(Compte.id))  # the database is still reachable: nothing broke


def test_revoking_the_link(client, client_as, demo, text):
    parent = client_as("demo.parent")
    hugo = f"/eleves/{demo.hugo}/absences/"
    token = csrf_from(parent.get(hugo + "calendrier").text)
    chemin = lien_de(text(parent.post(hugo + "calendrier/lien", data={"_csrf": token}))).split("127.0.0.1:8000")[1]
    revoked = parent.post(hugo + "calendrier/revoquer", data={"_csrf": token})
    assert "Le lien d'abonnement est révoqué" in text(revoked)
    assert client.get(chemin).status_code == 404
    assert not run(LienPrive.select().where(LienPrive.eleve == demo.hugo))


def test_page_fragment_and_detail_cost_the_same_queries_for_3_and_120_absences(
        client_as, demo, absences, annee, mi_t2, queries, queries_of):
    parent = client_as("demo.parent")
    semaine = lundi(mi_t2, -1)
    cle = f"{semaine.isocalendar()[0]}-W{semaine.isocalendar()[1]:02d}"
    paths = [(url(demo) + "?periode=toutes", {}), (url(demo) + "?periode=toutes", HTMX_RESULTATS),
             (url(demo, f"semaine/{cle}?periode=toutes"), HTMX_DIALOGUE), (url(demo, "absences.ics"), {})]

    for i in range(3):
        absences(semaine + dt.timedelta(days=i), MATIN)
    few = queries_of(parent, *paths)
    jour = annee["T1"][0]
    while jour < semaine:
        if jour.weekday() < 5:
            absences(jour, MATIN)
            absences(jour, APRES_MIDI)
        jour += dt.timedelta(days=2)
    assert queries_of(parent, *paths) == few, queries
    assert max(few) <= 8
