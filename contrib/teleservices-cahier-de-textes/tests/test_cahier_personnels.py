"""The teachers' pages of the cahier de textes (``/administration/cahier/``), through the HTTP client:
Claire PETIT (demo.prof) writes in her classes only, and only her own entries."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from cahier_outils import post_form
from teleservices.core.api import pupil_structures, subjects, teaching_services, today
from teleservices.core.testing import run
from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance

pytestmark = pytest.mark.usefixtures("cahier_ouvert")
PAGE = "/administration/cahier"


def texte(response) -> str:
    return html.unescape(response.text)


def lundi() -> dt.date:
    """This week, as families first see it: the demo's entries are around it. (Tests that write
    use ``semaine``, a week of the school year.)"""
    return rules.semaine_par_defaut(today())


def classe_4g(demo) -> dict:
    return next(s for s in run(pupil_structures(demo.lea)) if s["type_structure"] == "D")


def services_de_petit(college: int) -> list[dict]:
    return [s for s in run(teaching_services(college)) if s["nom"] == "PETIT"]


def matiere(college: int, code_gestion: str) -> int:
    return next(m["id"] for m in run(subjects(college)) if m["code_gestion"] == code_gestion)


def test_the_teacher_chooses_among_her_classes(client_of, demo):
    prof = client_of("demo.prof")
    accueil = texte(prof.get("/"))
    assert 'href="/administration/cahier"' in accueil and "Le cahier de textes" in accueil
    page = texte(prof.get(f"{PAGE}/"))
    college = demo.college
    siennes = {s["division_libelle"] or s["code_structure"] for s in services_de_petit(college)}
    proposees = set(re.findall(r'<option value="\d+"[^>]*>([^<(]+?)(?: \(groupe\))?</option>', page))
    assert proposees == siennes and "4G" in proposees


def test_the_week_of_a_class_with_every_teacher_entries_and_hers_to_edit(client_of, demo):
    g4 = classe_4g(demo)
    college = demo.college
    page = texte(client_of("demo.prof").get(f"{PAGE}/?division={g4['id']}&semaine={rules.cle_semaine(lundi())}"))
    assert rules.titre_semaine(lundi())[1:] in page
    assert "Ajouter une séance" in page and "Ajouter du travail à faire" in page
    eps = matiere(college, "EPS")
    siennes = run(CahierSeance.select(CahierSeance.id, CahierSeance.matiere_id).where(
        (CahierSeance.division_id == g4["id"]) & (CahierSeance.date >= lundi())
        & (CahierSeance.date <= lundi() + dt.timedelta(days=6))))
    assert any(s["matiere_id"] != eps for s in siennes)
    for seance in siennes:
        lien = f'href="{PAGE}/seances/{seance["id"]}/modifier"'
        assert (lien in page) == (seance["matiere_id"] == eps), seance
    assert "MATHEMATIQUES" in page and "M. FOURNIER" in page  # a colleague's lessons, read only


def test_adding_a_lesson_refused_then_accepted(client_of, demo, semaine, entrees_nettoyees):
    g4 = classe_4g(demo)
    college = demo.college
    eps, maths = matiere(college, "EPS"), matiere(college, "MATHS")
    prof = client_of("demo.prof")
    formulaire = texte(prof.get(f"{PAGE}/seances/nouvelle?division={g4['id']}"))
    assert 'for="matiere"' in formulaire and 'for="date"' in formulaire and "Travail fait en classe" in formulaire
    assert f'<option value="{eps}" selected>' in formulaire and f'value="{maths}"' not in formulaire
    dimanche = semaine - dt.timedelta(days=1)
    refus = post_form(prof, f"{PAGE}/seances/nouvelle", {
        "division": g4["id"], "matiere": maths, "date": dimanche.isoformat(), "contenu": "   "},
        page=f"{PAGE}/seances/nouvelle?division={g4['id']}")
    assert refus.status_code == 422
    page = texte(refus)
    assert "Le formulaire contient 3 erreurs" in page
    assert "Choisissez une matière que vous enseignez en 4G." in page
    assert "Le dimanche n'est pas un jour de classe" in page and "Décrivez le travail fait en classe." in page
    assert f'value="{dimanche.isoformat()}"' in page  # kept as typed
    contenu = "Course d'orientation dans le parc :\nlecture de carte, balises 1 à 8."
    ok = post_form(prof, f"{PAGE}/seances/nouvelle", {
        "division": g4["id"], "matiere": eps, "date": semaine.isoformat(), "contenu": contenu},
        page=f"{PAGE}/seances/nouvelle?division={g4['id']}")
    assert ok.status_code == 303
    seance = run(CahierSeance.select().where(CahierSeance.contenu == contenu).first())
    assert seance["enseignant_id"] == services_de_petit(college)[0]["enseignant_id"]
    assert seance["division_id"] == g4["id"] and seance["reference"] == "" and seance["saisie_par"] == "demo.prof"
    assert ok.headers["location"] == (f"{PAGE}/?division={g4['id']}&semaine={rules.cle_semaine(semaine)}"
                                      f"&ok=seance_ajoutee#seance-{seance['id']}")
    apres = texte(prof.get(ok.headers["location"]))
    assert '<p class="confirmation" role="status">La séance est ajoutée au cahier de textes.</p>' in apres
    # The family reads it at once.
    assert contenu in texte(client_of("demo.eleve").get(f"/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(semaine)}"))
    # The head's journal says who did it.
    journal = texte(client_of("demo.chef").get("/administration/journal"))
    assert "Séance ajoutée : 4G, ED.PHYSIQUE & SPORT." in journal


def test_editing_and_deleting_her_lesson(client_of, demo, semaine, entrees_nettoyees):
    g4 = classe_4g(demo)
    college = demo.college
    eps = matiere(college, "EPS")
    prof = client_of("demo.prof")
    post_form(prof, f"{PAGE}/seances/nouvelle", {"division": g4["id"], "matiere": eps,
                                                 "date": semaine.isoformat(), "contenu": "Échauffement"},
              page=f"{PAGE}/seances/nouvelle?division={g4['id']}")
    seance = run(CahierSeance.select().where(CahierSeance.contenu == "Échauffement").first())
    chemin = f"{PAGE}/seances/{seance['id']}"
    assert "Échauffement</textarea>" in texte(prof.get(f"{chemin}/modifier"))
    mercredi = semaine + dt.timedelta(days=2)
    modifie = post_form(prof, f"{chemin}/modifier", {"division": g4["id"], "matiere": eps,
                                                    "date": mercredi.strftime("%d/%m/%Y"), "contenu": "Échauffement et relais"})
    assert modifie.status_code == 303 and "ok=seance_modifiee" in modifie.headers["location"]
    lue = run(CahierSeance.select().where(CahierSeance.id == seance["id"]).first())
    assert lue["contenu"] == "Échauffement et relais" and str(lue["date"])[:10] == mercredi.isoformat()
    inchange = post_form(prof, f"{chemin}/modifier", {"division": g4["id"], "matiere": eps,
                                                     "date": mercredi.isoformat(), "contenu": "Échauffement et relais"})
    assert "ok=inchange" in inchange.headers["location"]
    confirmation = texte(prof.get(f"{chemin}/supprimer"))
    assert "<h1>Supprimer la séance</h1>" in confirmation and "Échauffement et relais" in confirmation
    supprime = post_form(prof, f"{chemin}/supprimer", {})
    assert supprime.status_code == 303 and "ok=seance_supprimee" in supprime.headers["location"]
    assert run(CahierSeance.count().where(CahierSeance.id == seance["id"])) == 0


def test_another_teacher_entries_and_other_classes_are_not_found(client_of, demo, entrees_nettoyees):
    g4 = classe_4g(demo)
    college = demo.college
    maths = matiere(college, "MATHS")
    prof = client_of("demo.prof")
    collegue = run(CahierSeance.select().where(
        (CahierSeance.division_id == g4["id"]) & (CahierSeance.matiere_id == maths)).first())
    devoir = run(CahierDevoir.select().where(
        (CahierDevoir.division_id == g4["id"]) & (CahierDevoir.matiere_id == maths)).first())
    # A colleague who teaches EPS in 4G too (a shared class): her subject, not her entry.
    autre_prof = next(s["enseignant_id"] for s in run(teaching_services(college))
                      if s["nom"] != "PETIT" and s["division_id"] == g4["id"])
    [partagee] = run(CahierSeance.insert(CahierSeance(
        etablissement_id=college, division_id=g4["id"], matiere_id=matiere(college, "EPS"), enseignant_id=autre_prof,
        date=lundi(), contenu="Séance du collègue d'EPS")).returning(CahierSeance.id))
    assert f"{PAGE}/seances/{partagee['id']}/modifier" not in prof.get(f"{PAGE}/?division={g4['id']}").text
    for chemin in (f"{PAGE}/seances/{collegue['id']}", f"{PAGE}/devoirs/{devoir['id']}",
                   f"{PAGE}/seances/{partagee['id']}"):
        for geste in ("modifier", "supprimer"):
            assert prof.get(f"{chemin}/{geste}").status_code == 404
            token = re.search(r'name="_csrf" value="([^"]+)"', prof.get(f"{PAGE}/").text)[1]
            refus = prof.post(f"{chemin}/{geste}", data={"_csrf": token, "division": g4["id"], "matiere": maths,
                                                         "date": lundi().isoformat(), "contenu": "Piraté"})
            assert refus.status_code == 404
    assert run(CahierSeance.select().where(CahierSeance.id == collegue["id"]).first()) == collegue
    assert run(CahierSeance.select(CahierSeance.contenu).where(CahierSeance.id == partagee["id"]).first())["contenu"] == (
        "Séance du collègue d'EPS")
    assert run(CahierDevoir.count().where(CahierDevoir.id == devoir["id"])) == 1
    # Hugo's class at the lycée, and a class that does not exist.
    seconde = next(s for s in run(pupil_structures(demo.hugo)) if s["type_structure"] == "D")
    for division in (seconde["id"], 999999):
        assert prof.get(f"{PAGE}/?division={division}").status_code == 404
        assert prof.get(f"{PAGE}/seances/nouvelle?division={division}").status_code == 404
        refus = post_form(prof, f"{PAGE}/seances/nouvelle", {"division": division, "matiere": maths,
                                                             "date": lundi().isoformat(), "contenu": "x"},
                          page=f"{PAGE}/")
        assert refus.status_code == 404
    assert run(CahierSeance.count().where(CahierSeance.contenu.is_in(["x", "Piraté"]))) == 0


def test_homework_with_links(client_of, demo, semaine, entrees_nettoyees):
    g4 = classe_4g(demo)
    eps = matiere(demo.college, "EPS")
    prof = client_of("demo.prof")
    nouveau = f"{PAGE}/devoirs/nouveau?division={g4['id']}"
    formulaire = texte(prof.get(nouveau))
    for libelle in ("Donné le", "À faire pour le", "Travail à faire", "Libellé du lien 1", "Adresse du lien 1"):
        assert f">{libelle}" in formulaire, libelle
    mardi, jeudi = semaine + dt.timedelta(days=1), semaine + dt.timedelta(days=3)
    donnees = {"division": g4["id"], "matiere": eps, "donne_le": jeudi.isoformat(), "pour_le": mardi.isoformat(),
               "description": "Apporter une tenue de sport.",
               "lien_libelle_0": "Règlement", "lien_url_0": "javascript:alert(1)",
               "lien_libelle_1": "", "lien_url_1": "https://ac-lille.fr@pirate.example/",
               "lien_libelle_2": "Vidéo", "lien_url_2": "https://www.lumni.fr/video/badminton"}
    refus = post_form(prof, f"{PAGE}/devoirs/nouveau", donnees, page=nouveau)
    assert refus.status_code == 422
    page = texte(refus)
    assert "Le travail ne peut pas être à faire avant d'être donné" in page
    assert "Seules les adresses web sont acceptées" in page and "nom d'utilisateur" in page
    assert "Donnez un libellé au lien" in page
    assert 'value="javascript:alert(1)"' in page and 'value="https://www.lumni.fr/video/badminton"' in page
    assert run(CahierDevoir.count().where(CahierDevoir.description == "Apporter une tenue de sport.")) == 0
    donnees.update({"donne_le": semaine.isoformat(), "pour_le": jeudi.isoformat(),
                    "lien_url_0": "https://www.ffbad.org/regles", "lien_libelle_1": "", "lien_url_1": ""})
    ok = post_form(prof, f"{PAGE}/devoirs/nouveau", donnees, page=nouveau)
    assert ok.status_code == 303 and "ok=devoir_ajoute" in ok.headers["location"]
    devoir = run(CahierDevoir.select().where(CahierDevoir.description == "Apporter une tenue de sport.").first())
    assert rules.liens_de_json(devoir["liens"]) == [rules.Lien("Règlement", "https://www.ffbad.org/regles"),
                                                    rules.Lien("Vidéo", "https://www.lumni.fr/video/badminton")]
    famille = texte(client_of("demo.parent").get(f"/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(semaine)}"))
    assert ('<a href="https://www.ffbad.org/regles" target="_blank" rel="noopener noreferrer">Règlement'
            in famille)
    # Edited: one link removed; the pupils' « fait » goes with the homework when it is deleted.
    run(CahierFait.insert(CahierFait(devoir_id=devoir["id"], eleve_id=demo.lea)))
    chemin = f"{PAGE}/devoirs/{devoir['id']}"
    assert 'value="https://www.ffbad.org/regles"' in texte(prof.get(f"{chemin}/modifier"))
    donnees.update({"lien_libelle_0": "", "lien_url_0": ""})
    assert "ok=devoir_modifie" in post_form(prof, f"{chemin}/modifier", donnees).headers["location"]
    assert len(rules.liens_de_json(run(CahierDevoir.select().where(CahierDevoir.id == devoir["id"]).first())["liens"])) == 1
    assert "Fait : 1 élève" in texte(prof.get(f"{PAGE}/?division={g4['id']}&semaine={rules.cle_semaine(semaine)}"))
    assert "ok=devoir_supprime" in post_form(prof, f"{chemin}/supprimer", {}).headers["location"]
    assert run(CahierDevoir.count().where(CahierDevoir.id == devoir["id"])) == 0
    assert run(CahierFait.count().where(CahierFait.devoir_id == devoir["id"])) == 0


def test_new_homework_is_told_to_the_families_once(client_of, demo, semaine, entrees_nettoyees):
    from teleservices.core.tables import Notification
    from teleservices.core.testing import last_id

    mark = last_id(Notification)
    g4, jeudi = classe_4g(demo), semaine + dt.timedelta(days=3)
    donnees = {"division": g4["id"], "matiere": matiere(demo.college, "EPS"), "donne_le": semaine.isoformat(),
               "pour_le": jeudi.isoformat(), "description": "Lire la fiche du badminton."}
    prof = client_of("demo.prof")
    ok = post_form(prof, f"{PAGE}/devoirs/nouveau", donnees, page=f"{PAGE}/devoirs/nouveau?division={g4['id']}")
    assert ok.status_code == 303

    def told() -> list[dict]:
        return run(Notification.select(
            Notification.compte.identifiant.as_alias("identifiant"), Notification.eleve, Notification.type,
            Notification.titre, Notification.lien).where(Notification.id > mark))

    rows = told()
    lea = [row for row in rows if row["eleve"] == demo.lea]
    assert {row["identifiant"] for row in lea} == {"demo.parent", "demo.parent2", "demo.eleve"}
    assert {row["type"] for row in rows} == {"cahier.devoir"}
    assert lea[0]["lien"] == f"/eleves/{demo.lea}/cahier/jour/{jeudi.isoformat()}"
    assert lea[0]["titre"].endswith(f" : travail à faire pour le {jeudi:%d/%m/%Y}")
    devoir = run(CahierDevoir.select(CahierDevoir.id).where(
        CahierDevoir.description == "Lire la fiche du badminton.").first())
    post_form(prof, f"{PAGE}/devoirs/{devoir['id']}/modifier", {**donnees, "description": "Lire la fiche."})
    assert len(told()) == len(rows)  # a change is read on the week's page, not told again


def test_the_head_reads_every_class_and_writes_nothing(client_of, demo):
    g4 = classe_4g(demo)
    chef = client_of("demo.chef")
    page = texte(chef.get(f"{PAGE}/?division={g4['id']}"))
    assert "seuls leurs enseignants y écrivent" in page and "MATHEMATIQUES" in page
    assert "Ajouter une séance" not in page and "/modifier" not in page
    assert chef.get(f"{PAGE}/seances/nouvelle?division={g4['id']}").status_code == 404


def test_other_staff_roles_are_refused(client_of):
    for identifiant in ("demo.secretariat", "demo.cpe"):
        assert client_of(identifiant).get(f"{PAGE}/").status_code == 403


def test_the_teacher_page_costs_the_same_queries_whatever_the_entries(client_of, demo, requetes, entrees_nettoyees):
    g4 = classe_4g(demo)
    prof = client_of("demo.prof")
    chemin = f"{PAGE}/?division={g4['id']}&semaine={rules.cle_semaine(lundi())}"

    def compte() -> int:
        requetes.clear()
        assert prof.get(chemin).status_code == 200
        return len(requetes)

    avant = compte()
    modele = run(CahierDevoir.select().where(CahierDevoir.division_id == g4["id"]).first())
    run(CahierDevoir.insert(*(CahierDevoir(
        etablissement_id=modele["etablissement_id"], division_id=g4["id"], matiere_id=modele["matiere_id"],
        enseignant_id=modele["enseignant_id"], donne_le=lundi(), pour_le=lundi() + dt.timedelta(days=n % 5),
        description=f"Devoir {n}", liens="[]") for n in range(25))))
    assert compte() == avant
