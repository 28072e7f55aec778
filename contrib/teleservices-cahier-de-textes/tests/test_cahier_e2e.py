"""Le cahier de textes in Chromium, from end to end: the head opens it in « Administration
Téléservices », Claire PETIT (demo.prof) gives homework with a link to 4G, Léa ticks « Fait » on
her phone (360 px, htmx), her mother reads it on a computer (1280 px) and opens the link in a new
tab; without JavaScript the pupil unticks it through the form. Screenshots at 360 and 1280 px
(``TELESERVICES_SCREENSHOTS_DIR``, else a temporary folder), no sideways scrolling on a phone.

Only the kit's fixtures: ``live_portal``, ``persona_page`` (one browser context per persona); the
service is closed again and the homework deleted after the test.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from cahier_outils import logged_in, set_opened
from teleservices.core.api import today
from teleservices.core.testing import run
from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.tables import CahierDevoir

pytestmark = pytest.mark.e2e
DESCRIPTION = "Lire le chapitre 3 du « Horla » et relever trois indices du fantastique."
TELEPHONE = {"width": 360, "height": 740}
ORDINATEUR = {"width": 1280, "height": 800}


@pytest.fixture
def captures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = os.environ.get("TELESERVICES_SCREENSHOTS_DIR")
    chemin = Path(dossier) if dossier else tmp_path_factory.mktemp("cahier-captures")
    chemin.mkdir(parents=True, exist_ok=True)
    return chemin


@pytest.fixture
def remis_en_etat(portal_app: Any, entrees_nettoyees: None) -> Iterator[None]:
    """The service as it was at the collège, and no homework left by the test."""
    with logged_in(portal_app, "demo.chef") as chef:
        avant = set_opened(chef, False)
    yield
    with logged_in(portal_app, "demo.chef") as chef:
        set_opened(chef, avant)


def sans_defilement_lateral(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "défilement horizontal"


def test_homework_from_the_teacher_to_the_pupil_and_her_parent(persona_page, live_portal, captures, semaine,
                                                               remis_en_etat) -> None:
    # This week, unless it is outside the school year (then the first week of the year).
    jeudi = semaine + dt.timedelta(days=3)
    autre_semaine = "" if semaine == rules.semaine_par_defaut(today()) else f"?semaine={rules.cle_semaine(semaine)}"

    # The head opens the service.
    chef = persona_page("demo.chef", viewport=ORDINATEUR)
    chef.goto("/administration/services")
    chef.get_by_role("group", name="Le cahier de textes").get_by_label("Ouvert").check()
    chef.get_by_role("button", name="Enregistrer").click()
    expect(chef.get_by_role("status")).to_contain_text("Les modifications sont enregistrées")

    # The teacher gives homework to 4G, with a link; a wrong address is refused next to its field.
    prof = persona_page("demo.prof", viewport=TELEPHONE)
    prof.goto("/administration/cahier/")
    prof.get_by_label("Classe ou groupe").select_option(label="4G")
    prof.get_by_role("button", name="Afficher").click()
    expect(prof.get_by_role("heading", name=re.compile(r"^4G"))).to_be_visible()
    prof.get_by_role("link", name="Ajouter du travail à faire").click()
    expect(prof.get_by_role("heading", name="Ajouter du travail à faire")).to_be_visible()
    prof.get_by_label("Donné le").fill(semaine.isoformat())
    prof.get_by_label("À faire pour le").fill(jeudi.isoformat())
    prof.get_by_label("Travail à faire").fill(DESCRIPTION)
    prof.get_by_label("Libellé du lien 1").fill("Le texte en ligne")
    prof.get_by_label("Adresse du lien 1").fill("javascript:alert(1)")
    prof.get_by_role("button", name="Ajouter le travail à faire").click()
    expect(prof.locator("#erreur-lien_url_0")).to_contain_text("Seules les adresses web sont acceptées")
    expect(prof.get_by_label("Travail à faire")).to_have_value(DESCRIPTION)
    prof.screenshot(path=str(captures / "cahier-enseignant-erreur-360.png"), full_page=True)
    sans_defilement_lateral(prof)
    prof.get_by_label("Adresse du lien 1").fill(f"{live_portal}/aide")
    prof.get_by_role("button", name="Ajouter le travail à faire").click()
    expect(prof.get_by_role("status")).to_have_text("Le travail à faire est ajouté au cahier de textes.")
    devoir_id = run(CahierDevoir.select(CahierDevoir.id).where(CahierDevoir.description == DESCRIPTION).first())["id"]
    carte = prof.locator(f"#devoir-{devoir_id}")
    expect(carte).to_contain_text("ED.PHYSIQUE & SPORT.")
    expect(carte).to_contain_text("Fait : 0 élève")
    prof.screenshot(path=str(captures / "cahier-enseignant-360.png"), full_page=True)
    sans_defilement_lateral(prof)

    # Léa, on her phone, finds it in « Cette semaine » and ticks « Fait » (htmx, in place).
    eleve = persona_page("demo.eleve", viewport=TELEPHONE)
    eleve.get_by_role("main").get_by_role("link", name="Le cahier de textes").click()
    expect(eleve.get_by_role("heading", name="Le cahier de textes", level=1)).to_be_visible()
    if autre_semaine:
        eleve.goto(eleve.url + autre_semaine)
    jour = eleve.get_by_role("region", name=re.compile("^" + rules.jour_titre(jeudi)))
    expect(jour).to_contain_text(f"À faire pour le {rules.jour_long(jeudi)}")
    carte = eleve.locator(f"#devoir-{devoir_id}")
    expect(carte).to_contain_text(DESCRIPTION)
    bouton = carte.get_by_role("button", name="Fait")
    expect(bouton).to_have_attribute("aria-pressed", "false")
    url = eleve.url
    bouton.click()
    expect(carte.get_by_role("button", name="Fait")).to_have_attribute("aria-pressed", "true")
    expect(carte).to_contain_text("Marqué comme fait")
    assert eleve.url == url  # swapped in place, no navigation
    eleve.reload()
    expect(eleve.locator(f"#devoir-{devoir_id}").get_by_role("button", name="Fait")).to_have_attribute(
        "aria-pressed", "true")
    eleve.locator(f"#devoir-{devoir_id}").scroll_into_view_if_needed()
    eleve.screenshot(path=str(captures / "cahier-eleve-360.png"), full_page=True)
    sans_defilement_lateral(eleve)
    # The subject filter keeps one subject.
    eleve.get_by_label("Matière").select_option(label="ED.PHYSIQUE & SPORT.")
    eleve.get_by_role("button", name="Afficher").click()
    expect(eleve).to_have_url(re.compile(r"matiere=\d+"))
    matieres = eleve.locator(".cahier-carte .cahier-matiere").all_inner_texts()
    assert matieres and all(m.startswith("ED.PHYSIQUE & SPORT.") for m in matieres)

    # Her mother, on a computer, reads it and opens the link in a new tab.
    parent = persona_page("demo.parent", viewport=ORDINATEUR)
    parent.get_by_role("main").get_by_role("link", name="Le cahier de textes").click()
    if autre_semaine:
        parent.goto(parent.url + autre_semaine)
    carte = parent.locator(f"#devoir-{devoir_id}")
    expect(carte).to_contain_text("✓ Fait : coché par Léa")
    expect(carte.get_by_role("button")).to_have_count(0)
    lien = carte.get_by_role("link", name="Le texte en ligne")
    expect(lien).to_have_attribute("target", "_blank")
    expect(lien).to_have_attribute("rel", "noopener noreferrer")
    with parent.context.expect_page() as onglet:
        lien.click()
    onglet.value.wait_for_load_state()
    assert onglet.value.url == f"{live_portal}/aide"
    onglet.value.close()
    parent.screenshot(path=str(captures / "cahier-parent-1280.png"), full_page=True)
    parent.get_by_role("link", name=rules.jour_titre(jeudi)).click()
    expect(parent.get_by_role("heading", name=f"{rules.jour_titre(jeudi)} {jeudi.year}")).to_be_visible()
    expect(parent.get_by_role("region", name="ED.PHYSIQUE & SPORT.")).to_contain_text(DESCRIPTION)
    parent.screenshot(path=str(captures / "cahier-jour-1280.png"), full_page=True)

    # Without JavaScript, the pupil unticks it through the form.
    sans_js = persona_page("demo.eleve", viewport=TELEPHONE, java_script_enabled=False)
    sans_js.goto(eleve.url.replace(live_portal, "").split("?")[0] + autre_semaine)
    sans_js.locator(f"#devoir-{devoir_id}").get_by_role("button", name="Fait").click()
    expect(sans_js.get_by_role("status").first).to_have_text("C'est noté : ce travail n'est plus marqué comme fait.")
    expect(sans_js.locator(f"#devoir-{devoir_id}").get_by_role("button", name="Fait")).to_have_attribute(
        "aria-pressed", "false")

    # The teacher deletes it, after a confirmation.
    prof.reload()
    prof.locator(f"#devoir-{devoir_id}").get_by_role("link", name=re.compile("^Supprimer")).click()
    expect(prof.get_by_role("heading", name="Supprimer le travail à faire")).to_be_visible()
    prof.get_by_role("button", name="Supprimer le travail à faire").click()
    expect(prof.get_by_role("status")).to_have_text("Le travail à faire est supprimé.")
    assert run(CahierDevoir.count().where(CahierDevoir.id == devoir_id)) == 0
