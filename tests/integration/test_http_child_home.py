"""Guide 3.1, the home screen: the child's header and only the services their school opened
and this user type may see."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from teleservices.core.api import today
from teleservices.core.tables import Eleve
from teleservices.core.testing import run
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionCampagne

NOTES, ABSENCES, LPC = "Les notes", "Les absences", "Le livret personnel de compétences"
FICHE, INSCRIPTION, ENT = "La fiche de renseignements", "L'inscription au lycée", "ENT de l'académie"
NATIONAL = [NOTES, ABSENCES, LPC]


@pytest.fixture
def parent(client_as):
    return client_as("demo.parent")


@pytest.fixture
def pupil(client_as):
    return client_as("demo.eleve")


@pytest.fixture
def lea_affectee(demo, service_opened):
    """Léa has an affectation to the demo lycée, which opened the online enrolment and whose
    campaign begins ``ouverture_dans`` days from today (the demo's campaign dates come back after)."""
    [avant] = run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.lycee))

    def affect(ouverture_dans: int = -1) -> None:
        service_opened(demo.lycee, "inscription")
        debut = today() + dt.timedelta(days=ouverture_dans)
        run(InscriptionCampagne.update({InscriptionCampagne.ouverture: debut,
                                        InscriptionCampagne.fermeture: debut + dt.timedelta(days=14)}).where(
            InscriptionCampagne.id == avant["id"]))
        run(InscriptionAffectation.insert(InscriptionAffectation(lycee_id=demo.lycee, eleve_id=demo.lea)))

    yield affect
    run(InscriptionAffectation.delete().where(InscriptionAffectation.eleve_id == demo.lea))
    run(InscriptionCampagne.update({InscriptionCampagne.ouverture: avant["ouverture"],
                                    InscriptionCampagne.fermeture: avant["fermeture"]}).where(
        InscriptionCampagne.id == avant["id"]))


def birth_date(eleve_id: int) -> str:
    row = run(Eleve.select(Eleve.date_naiss).where(Eleve.id == eleve_id).first().run())
    return row["date_naiss"].strftime("%d/%m/%Y")


def service_entry(response, label: str) -> str:
    """The HTML of the entry of the services list that shows ``label``."""
    entries = re.findall(r'<li class="service">(.*?)</li>', response.text, re.S)
    return next(entry for entry in entries if label in html.unescape(entry))


def test_home_sends_a_parent_to_their_first_child(parent, demo):
    response = parent.get("/", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].rstrip("/") == f"/eleves/{demo.lea}"


def test_home_sends_a_pupil_to_their_own_page(pupil, demo):
    assert pupil.get("/").url.path.rstrip("/") == f"/eleves/{demo.lea}"


def test_child_header_follows_the_guide(parent, demo, text):
    page = text(parent.get(f"/eleves/{demo.lea}/"))
    for expected in ("la scolarité de", "Léa D.", f"née le <strong>{birth_date(demo.lea)}</strong>",
                     "élève de <strong>4G</strong>", "COLLEGE JEAN MOULIN", "12 rue des Écoles", "59800 LILLE"):
        assert expected in page


def test_child_header_of_a_boy_in_a_lycee(parent, demo, text):
    page = text(parent.get(f"/eleves/{demo.hugo}/"))
    for expected in ("Hugo D.", f"né le <strong>{birth_date(demo.hugo)}</strong>", "élève de <strong>2NDE1</strong>",
                     "LYCEE MARIE CURIE", "5 avenue de la République", "BP 42", "59000 LILLE"):
        assert expected in page


def test_school_contact_link_only_where_the_school_wants_it(parent, demo, text):
    assert 'href="mailto:ce.0599901K@ac-lille.fr">Contacter l\'établissement' in text(parent.get(f"/eleves/{demo.lea}/"))
    assert "Contacter l'établissement" not in text(parent.get(f"/eleves/{demo.hugo}/"))


def test_header_menu_links(parent, demo, text):
    page = text(parent.get(f"/eleves/{demo.lea}/"))
    assert '<a href="/aide">aide</a>' in page
    assert re.search(r'<form method="post" action="/deconnexion">.*?se déconnecter</button>', page, re.S)
    assert '<a href="/compte">gérer son compte</a>' in page


def test_college_child_lists_the_opened_services(parent, demo, main_text):
    page = main_text(parent.get(f"/eleves/{demo.lea}/"))
    for label in (NOTES, ABSENCES, LPC, FICHE):
        assert label in page
    assert ENT not in page  # installed, closed everywhere
    assert INSCRIPTION not in page  # no affectation to a lycée: no lycée offers it (the collège does not decide)


def test_the_lycee_of_the_affectation_offers_the_enrolment_once_its_campaign_began(parent, demo, main_text,
                                                                                   lea_affectee):
    lea_affectee(ouverture_dans=3)
    assert INSCRIPTION not in main_text(parent.get(f"/eleves/{demo.lea}/"))  # the campaign has not begun
    run(InscriptionCampagne.update({InscriptionCampagne.ouverture: today()}).where(
        InscriptionCampagne.etablissement_id == demo.lycee))
    assert INSCRIPTION in main_text(parent.get(f"/eleves/{demo.lea}/"))


def test_services_come_in_the_guide_order(parent, demo, main_text, lea_affectee):
    lea_affectee()
    page = main_text(parent.get(f"/eleves/{demo.lea}/"))
    positions = [page.index(label) for label in (NOTES, ABSENCES, LPC, FICHE, INSCRIPTION)]
    assert positions == sorted(positions)


def test_lycee_child_lists_only_what_the_lycee_opened(parent, demo, main_text):
    page = main_text(parent.get(f"/eleves/{demo.hugo}/"))
    for label in (NOTES, ABSENCES, FICHE):
        assert label in page
    for label in (LPC, INSCRIPTION, ENT):
        assert label not in page


def test_mobile_services_are_marked(parent, demo):
    response = parent.get(f"/eleves/{demo.lea}/")
    assert "disponible au format mobile" in service_entry(response, NOTES)
    assert "disponible au format mobile" in service_entry(response, ABSENCES)
    assert "disponible au format mobile" not in service_entry(response, LPC)
    assert "disponible au format mobile" not in service_entry(response, FICHE)


def test_parent_of_two_children_can_switch_between_them(parent, demo, text):
    page = text(parent.get(f"/eleves/{demo.lea}/"))
    assert f'href="/eleves/{demo.hugo}/"' in page
    assert re.search(rf'href="/eleves/{demo.lea}/"[^>]*aria-current="page"', page)


def test_pupil_sees_the_national_services_but_not_the_parent_only_ones(pupil, demo, main_text):
    page = main_text(pupil.get(f"/eleves/{demo.lea}/"))
    for label in NATIONAL:
        assert label in page
    assert FICHE not in page
    assert INSCRIPTION not in page


def test_pupil_with_one_account_has_no_child_switcher(pupil, demo):
    assert 'aria-label="Vos enfants"' not in pupil.get(f"/eleves/{demo.lea}/").text


def test_removed_pupil_access_hides_national_services_but_not_the_others(
    pupil, demo, main_text, service_opened, pupil_access_removed
):
    service_opened(demo.college, "ent_exemple")
    pupil_access_removed(demo.lea)
    page = main_text(pupil.get(f"/eleves/{demo.lea}/"))
    for label in NATIONAL:
        assert label not in page
    assert ENT in page


def test_removed_pupil_access_does_not_change_the_parent_view(parent, demo, main_text, pupil_access_removed):
    pupil_access_removed(demo.lea)
    page = main_text(parent.get(f"/eleves/{demo.lea}/"))
    for label in (*NATIONAL, FICHE):
        assert label in page


def test_school_with_no_opened_service_says_so(parent, demo, main_text, service_opened):
    for key in ("notes", "absences", "fiche"):
        service_opened(demo.lycee, key, ouvert=False)
    page = main_text(parent.get(f"/eleves/{demo.hugo}/"))
    assert "L'établissement n'a ouvert aucun service en ligne pour le moment." in page
    assert NOTES not in page


def test_account_page_lists_the_children(parent, demo, text):
    page = text(parent.get("/compte"))
    assert "Gérer son compte" in page
    assert "demo.parent" in page
    assert f'<a href="/eleves/{demo.lea}/">Léa DUPONT</a>, 4G, COLLEGE JEAN MOULIN' in page
    assert f'<a href="/eleves/{demo.hugo}/">Hugo DUPONT</a>, 2NDE1, LYCEE MARIE CURIE' in page


@pytest.mark.parametrize(("identifiant", "kind"), [("demo.parent", "Responsable légal"), ("demo.eleve", "Élève")])
def test_account_page_names_the_account_type(client_as, text, identifiant, kind):
    page = text(client_as(identifiant).get("/compte"))
    assert re.search(r"Type de compte</dt>\s*<dd>([^<]*)</dd>", page).group(1) == kind


def test_staff_account_is_not_presented_as_a_family_account(client_as, text):
    """Staff have no "gérer son compte" link, but /compte is open to them: it must not call them a pupil."""
    response = client_as("demo.chef").get("/compte", follow_redirects=False)
    assert response.status_code == 200
    kind = re.search(r"Type de compte</dt>\s*<dd>([^<]*)</dd>", text(response)).group(1)
    assert html.unescape(kind) == "Personnel de l'établissement"


def test_staff_home_is_the_administration_with_the_service_states(client_as, text):
    page = text(client_as("demo.chef").get("/"))
    assert "Administration Téléservices" in page
    assert "COLLEGE JEAN MOULIN" in page
    states = dict(re.findall(r'<th scope="row">(.*?)</th>\s*<td>[^<]*</td>\s*<td>(ouvert|fermé)</td>', page))
    assert states == {NOTES: "ouvert", ABSENCES: "ouvert", LPC: "ouvert", FICHE: "ouvert", INSCRIPTION: "fermé",
                      ENT: "fermé", "Le cahier de textes": "ouvert"}  # contrib/teleservices-cahier-de-textes


def test_staff_menu_has_no_account_link(client_as):
    page = client_as("demo.chef").get("/").text
    assert "gérer son compte" not in page
    assert "se déconnecter" in page


def test_staff_cannot_open_a_child_page(client_as, demo):
    assert client_as("demo.chef").get(f"/eleves/{demo.lea}/").status_code == 404


def test_help_page_is_public_and_lists_the_services(client, text):
    response = client.get("/aide")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Aide</h1>" in page
    assert "Les notes" in page and "L'inscription au lycée" in page
