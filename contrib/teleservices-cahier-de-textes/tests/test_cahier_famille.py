"""The families' pages of the cahier de textes, through the HTTP client: « Cette semaine », the
weeks, the subject filter, a day per subject, « Fait » ticked by the pupil and read by the parents."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from cahier_outils import post_form
from teleservices.core.api import pupil_structures, subjects, today
from teleservices.core.testing import run
from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance

pytestmark = pytest.mark.usefixtures("cahier_ouvert")


def texte(response) -> str:
    return html.unescape(response.text)


def semaine_courante() -> dt.date:
    return rules.semaine_par_defaut(today())


def classe_de(eleve_id: int) -> dict:
    return next(s for s in run(pupil_structures(eleve_id)) if s["type_structure"] == "D")


def devoirs_de(division_id: int, lundi: dt.date) -> list[dict]:
    return run(CahierDevoir.select().where(
        (CahierDevoir.division_id == division_id) & (CahierDevoir.pour_le >= lundi)
        & (CahierDevoir.pour_le <= lundi + dt.timedelta(days=6))).order_by(CahierDevoir.id))


def test_this_week_shows_the_lessons_and_the_homework_due_each_day(client_of, demo):
    page = texte(client_of("demo.parent").get(f"/eleves/{demo.lea}/cahier/"))
    lundi = semaine_courante()
    assert "<h1>Le cahier de textes</h1>" in page
    assert "Cette semaine" in page and rules.titre_semaine(lundi)[1:] in page
    for jour in range(5):
        assert rules.jour_titre(lundi + dt.timedelta(days=jour)) in page
    assert rules.jour_titre(lundi + dt.timedelta(days=5)) not in page  # nothing on Saturday
    assert "Travail fait en classe" in page
    seances = run(CahierSeance.select(CahierSeance.contenu).where(
        (CahierSeance.division_id == classe_de(demo.lea)["id"]) & (CahierSeance.date >= lundi)
        & (CahierSeance.date <= lundi + dt.timedelta(days=6))))
    assert len(seances) > 10 and all(s["contenu"] in page for s in seances)
    assert f"À faire pour le {rules.jour_long(lundi)}" in page
    assert "Mme PETIT" in page  # the teacher of EPS in 4G
    # The links open in a new tab, without the opener nor the referrer.
    liens = re.findall(r'<a href="(https?://[^"]+)"([^>]*)>', page)
    assert liens and all('target="_blank"' in attrs and 'rel="noopener noreferrer"' in attrs for _, attrs in liens)
    assert "(nouvel onglet)" in page


def test_only_the_child_class_and_groups_are_shown(client_of, demo, entrees_nettoyees):
    lea = classe_de(demo.lea)
    lundi = semaine_courante()
    college = demo.college
    matiere = run(subjects(college))[0]["id"]
    autre = run(CahierSeance.select(CahierSeance.division_id).where(CahierSeance.division_id != lea["id"]).first())
    run(CahierSeance.insert(CahierSeance(etablissement_id=college, division_id=autre["division_id"], matiere_id=matiere,
                                         date=lundi, contenu="Séance d'une autre classe")))
    page = texte(client_of("demo.eleve").get(f"/eleves/{demo.lea}/cahier/"))
    assert "Séance d'une autre classe" not in page


def test_the_weeks_before_and_after(client_of, demo):
    client = client_of("demo.parent")
    lundi = semaine_courante()
    avant = lundi - dt.timedelta(days=7)
    page = texte(client.get(f"/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(avant)}"))
    assert rules.titre_semaine(avant) in page and "Cette semaine" in page  # a link back to this week
    assert f'href="/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(lundi)}"' in page  # « Semaine suivante »
    loin = texte(client.get(f"/eleves/{demo.lea}/cahier/?semaine=2031-W10"))
    assert "Rien n'est inscrit au cahier de textes cette semaine." in loin
    # A week that does not exist is this week.
    assert rules.titre_semaine(lundi)[1:] in texte(client.get(f"/eleves/{demo.lea}/cahier/?semaine=2026-W99"))


def test_htmx_gets_the_week_region_alone(client_of, demo):
    response = client_of("demo.parent").get(f"/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(semaine_courante())}",
                                            headers={"HX-Request": "true", "HX-Target": "cahier-semaine"})
    assert response.status_code == 200 and "HX-Request" in {v.strip() for v in response.headers["vary"].split(",")}
    assert '<div id="cahier-semaine"' in response.text and "<h1>" not in response.text


def test_the_subject_filter(client_of, demo):
    client = client_of("demo.parent")
    page = texte(client.get(f"/eleves/{demo.lea}/cahier/"))
    options = dict((libelle, int(i)) for i, libelle in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page))
    assert {"MATHEMATIQUES", "FRANCAIS", "ED.PHYSIQUE & SPORT."} <= set(options)
    maths = texte(client.get(f"/eleves/{demo.lea}/cahier/?matiere={options['MATHEMATIQUES']}"))
    assert re.search(rf'<option value="{options["MATHEMATIQUES"]}" selected>', maths)
    cartes = re.findall(r'<p class="cahier-matiere">([^<]+?)\s*(?:<span|</p>)', maths)
    assert cartes and set(cartes) == {"MATHEMATIQUES"}
    # An unknown subject is no filter.
    tout = texte(client.get(f"/eleves/{demo.lea}/cahier/?matiere=999999"))
    assert {"MATHEMATIQUES", "FRANCAIS"} <= set(re.findall(r'<p class="cahier-matiere">([^<]+?)\s*(?:<span|</p>)', tout))


def test_saturday_shows_when_something_is_written_on_it(client_of, demo, entrees_nettoyees):
    lea = classe_de(demo.lea)
    samedi = semaine_courante() + dt.timedelta(days=5)
    modele = run(CahierSeance.select().where(CahierSeance.division_id == lea["id"]).first())
    run(CahierSeance.insert(CahierSeance(etablissement_id=modele["etablissement_id"], division_id=lea["id"],
                                         matiere_id=modele["matiere_id"], date=samedi,
                                         contenu="Sortie au musée des Beaux-Arts")))
    page = texte(client_of("demo.eleve").get(f"/eleves/{demo.lea}/cahier/"))
    assert rules.jour_titre(samedi) in page and "Sortie au musée des Beaux-Arts" in page


def test_a_day_per_subject(client_of, demo):
    lea = classe_de(demo.lea)
    mardi = semaine_courante() + dt.timedelta(days=1)
    client = client_of("demo.parent")
    page = texte(client.get(f"/eleves/{demo.lea}/cahier/jour/{mardi.isoformat()}"))
    assert f"{rules.jour_titre(mardi)} {mardi.year}" in page
    seances = run(CahierSeance.select(CahierSeance.contenu).where(
        (CahierSeance.division_id == lea["id"]) & (CahierSeance.date == mardi)))
    assert seances and all(s["contenu"] in page for s in seances)
    donnes = run(CahierDevoir.select(CahierDevoir.description).where(
        (CahierDevoir.division_id == lea["id"]) & (CahierDevoir.donne_le == mardi)))
    if donnes:
        assert "Donné ce jour" in page and all(d["description"] in page for d in donnes)
    assert client.get(f"/eleves/{demo.lea}/cahier/jour/2026-02-30").status_code == 404
    assert client.get(f"/eleves/{demo.lea}/cahier/jour/demain").status_code == 404


def test_the_pupil_ticks_done_and_the_parents_read_it(client_of, demo, entrees_nettoyees):
    lundi = semaine_courante()
    devoir = devoirs_de(classe_de(demo.lea)["id"], lundi)[0]
    base = f"/eleves/{demo.lea}/cahier"
    eleve = client_of("demo.eleve")
    page = texte(eleve.get(f"{base}/"))
    assert re.search(rf'<form id="fait-{devoir["id"]}"[^>]*method="post"', page)
    assert f'id="fait-bouton-{devoir["id"]}" class="cahier-fait-bouton" aria-pressed="false"' in page
    # Without JavaScript: a form, then back to the week with a confirmation.
    response = post_form(eleve, f"{base}/devoirs/{devoir['id']}/fait", {"fait": "1", "retour": f"{base}/?semaine=x"},
                         page=f"{base}/")
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}/?semaine=x&ok=fait#devoir-{devoir['id']}"
    assert run(CahierFait.count().where((CahierFait.devoir_id == devoir["id"]) & (CahierFait.eleve_id == demo.lea))) == 1
    again = post_form(eleve, f"{base}/devoirs/{devoir['id']}/fait", {"fait": "1"}, page=f"{base}/")
    assert again.status_code == 303 and again.headers["location"].startswith(f"{base}/?ok=fait")  # no foreign return
    assert run(CahierFait.count().where(CahierFait.devoir_id == devoir["id"])) == 1
    page = texte(eleve.get(f"{base}/?ok=fait"))
    assert "C'est noté : ce travail est marqué comme fait." in page
    assert f'id="fait-bouton-{devoir["id"]}" class="cahier-fait-bouton" aria-pressed="true"' in page
    # The parents see it, read-only; they may not tick for the pupil.
    parent = client_of("demo.parent")
    vue = texte(parent.get(f"{base}/"))
    assert "✓ Fait</strong> : coché par Léa" in vue and "cahier-fait-bouton" not in vue
    refus = post_form(parent, f"{base}/devoirs/{devoir['id']}/fait", {"fait": "0"}, page=f"{base}/")
    assert refus.status_code == 403
    assert run(CahierFait.count().where(CahierFait.devoir_id == devoir["id"])) == 1
    # With htmx, the form alone comes back, swapped in place; unticking removes the mark.
    token = re.search(r'name="_csrf" value="([^"]+)"', page)[1]
    fragment = eleve.post(f"{base}/devoirs/{devoir['id']}/fait", data={"_csrf": token, "fait": "0", "retour": f"{base}/"},
                          headers={"HX-Request": "true", "HX-Target": f"fait-{devoir['id']}"})
    assert fragment.status_code == 200 and "<h1>" not in fragment.text
    assert f'id="fait-bouton-{devoir["id"]}" class="cahier-fait-bouton" aria-pressed="false"' in fragment.text
    assert run(CahierFait.count().where(CahierFait.devoir_id == devoir["id"])) == 0


def test_done_only_on_homework_of_the_pupil_class(client_of, demo, entrees_nettoyees):
    autre = run(CahierDevoir.select(CahierDevoir.id).where(
        CahierDevoir.division_id != classe_de(demo.lea)["id"]).first())
    base = f"/eleves/{demo.lea}/cahier"
    eleve = client_of("demo.eleve")
    for devoir_id in (autre["id"], 999999):
        response = post_form(eleve, f"{base}/devoirs/{devoir_id}/fait", {"fait": "1"}, page=f"{base}/")
        assert response.status_code == 404
    assert run(CahierFait.count().where(CahierFait.devoir_id == autre["id"])) == 0


def test_another_family_child_is_not_found(client_of, demo):
    assert client_of("demo.parent3e").get(f"/eleves/{demo.lea}/cahier/").status_code == 404


def test_a_pupil_whose_follow_up_access_was_removed_keeps_the_cahier(client_of, demo):
    """Guide 1.2: the national follow-up services close, academic services stay."""
    head, eleve = client_of("demo.chef"), client_of("demo.eleve")
    retirer = post_form(head, f"/administration/eleves/{demo.lea}/acces-suivi/retirer", {},
                        page="/administration/comptes")
    assert retirer.status_code in (302, 303)
    try:
        accueil = texte(eleve.get(f"/eleves/{demo.lea}/"))
        assert "Le cahier de textes" in accueil and "Les notes" not in accueil
        assert eleve.get(f"/eleves/{demo.lea}/notes/").status_code == 403
        assert eleve.get(f"/eleves/{demo.lea}/cahier/").status_code == 200
    finally:
        post_form(head, f"/administration/eleves/{demo.lea}/acces-suivi/retablir", {}, page="/administration/comptes")
    assert "Les notes" in texte(eleve.get(f"/eleves/{demo.lea}/"))


def test_a_page_costs_the_same_queries_whatever_the_number_of_entries(client_of, demo, requetes, entrees_nettoyees):
    client = client_of("demo.eleve")
    lea = classe_de(demo.lea)
    lundi = semaine_courante()
    base = f"/eleves/{demo.lea}/cahier"

    def compte(path: str) -> int:
        requetes.clear()
        assert client.get(path).status_code == 200
        return len(requetes)

    avant = [compte(f"{base}/"), compte(f"{base}/jour/{lundi.isoformat()}")]
    modele = run(CahierDevoir.select().where(CahierDevoir.division_id == lea["id"]).first())
    for jour in range(5):
        date = lundi + dt.timedelta(days=jour)
        run(CahierSeance.insert(*(CahierSeance(
            etablissement_id=modele["etablissement_id"], division_id=lea["id"], matiere_id=modele["matiere_id"],
            date=date, contenu=f"Séance {jour}-{n}") for n in range(6))))
        run(CahierDevoir.insert(*(CahierDevoir(
            etablissement_id=modele["etablissement_id"], division_id=lea["id"], matiere_id=modele["matiere_id"],
            donne_le=date, pour_le=date, description=f"Devoir {jour}-{n}", liens="[]") for n in range(4))))
    apres = [compte(f"{base}/"), compte(f"{base}/jour/{lundi.isoformat()}")]
    assert apres == avant
    assert max(apres) <= 10, requetes
