"""« Administration Téléservices »: every installed service with its declared options, one POST
that saves everything (or nothing, with the error next to its field), and families who see the
change at once."""

from __future__ import annotations

import re

import pytest
from litestar import Request, get
from litestar.response import Response

from admin_support import college_settings_kept, form_of, journal_cleaned, submit_services  # noqa: F401
from teleservices.core.api import (
    CurrentChild, ServiceOption, ServiceSpec, establishment_options, hookimpl, service_options,
)
from teleservices.core.app import create_app
from teleservices.core.family import establishment_options as read_options
from teleservices.core.tables import ServiceActivation
from teleservices.core.testing import run

pytestmark = pytest.mark.usefixtures("college_settings_kept")
ENT = "ENT de l'académie"


@pytest.fixture
def chef(client_as):
    return client_as("demo.chef")


@pytest.fixture
def parent(client_as):
    return client_as("demo.parent")


def test_a_lycee_opens_its_enrolment_a_college_does_not_see_it(portal_app, demo):
    from types import SimpleNamespace

    from teleservices.core.administration.services import _installed

    def keys(etablissement_id):
        return {spec.key for spec in run(_installed(SimpleNamespace(app=portal_app), etablissement_id))}

    assert "inscription" in keys(demo.lycee) and "inscription" not in keys(demo.college)
    assert {"notes", "absences", "fiche"} <= keys(demo.lycee) & keys(demo.college)


def test_the_page_lists_every_installed_service_with_its_declaration(chef, text, portal_app):
    page = text(chef.get("/administration/services"))
    # Every service meant for families; the links' staff pages (no audience) have nothing to open,
    # nor a collège the lycée's enrolment.
    specs = sorted((s for s in portal_app.state.plugins.services.values()
                    if s.audiences and s.establishment_types in (frozenset(), {"college"})), key=lambda s: s.order)
    legends = re.findall(r'<fieldset class="reglage-service">\s*<legend>(.*?)</legend>', page)
    assert legends == [spec.label for spec in specs] and ENT in legends
    assert "L'inscription au lycée" not in legends
    notes = page.split("<legend>Les notes</legend>", 1)[1].split("</fieldset>\n    <fieldset", 1)[0]
    assert "Public : Parents, Élèves" in notes and "Format mobile" in notes and "Service national de suivi" in notes
    assert '<legend>Publication des notes</legend>' in notes
    assert 'type="radio" id="option-notes-publication-1" name="option-notes-publication" value="au_fil_de_l_eau" checked' in notes
    assert '<label for="option-notes-publication_t1">Date de publication des notes du trimestre 1</label>' in notes
    assert 'type="date"' in notes
    fiche = page.split("<legend>La fiche de renseignements</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert "Public : Parents" in fiche and "Pas de format mobile" in fiche
    assert '<label for="option-absences-publication">Publier les absences aux familles</label>' in page
    assert '<label for="afficher_contact">Afficher le lien « contacter l\'établissement »</label>' in page
    assert '<label for="message_accueil">Message d\'accueil</label>' in page


def test_closing_a_service_hides_it_at_once_from_a_logged_in_parent(chef, parent, demo, main_text, journal_cleaned,
                                                                     portal_app):
    lpc_label = portal_app.state.plugins.services["lpc"].label
    ent = f"/eleves/{demo.lea}/ent_exemple/"
    assert submit_services(chef, **{"ouvert__ent_exemple": "on"}).headers["location"] == "/administration/services?ok=enregistre"
    assert ENT in main_text(parent.get(f"/eleves/{demo.lea}/")) and parent.get(ent).status_code == 200

    response = submit_services(chef, **{"ouvert__ent_exemple": None, "ouvert__lpc": None})
    assert response.status_code == 303
    home = main_text(parent.get(f"/eleves/{demo.lea}/"))
    assert ENT not in home and "Livret" not in home and "Les notes" in home
    assert parent.get(ent, follow_redirects=False).status_code == 403
    confirmation = chef.get(response.headers["location"]).text
    assert "Les modifications sont enregistrées" in confirmation
    first, line = journal_cleaned()
    assert first["detail"] == "ENT de l'académie : ouvert"
    assert line["action"] == "services.modifier" and line["identifiant"] == "demo.chef"
    assert line["detail"] == f"{lpc_label} : fermé ; ENT de l'académie : fermé"
    assert line["etablissement"] == demo.college and line["adresse"]


def test_saving_without_a_change_writes_nothing(chef, journal_cleaned):
    response = submit_services(chef)
    assert response.headers["location"] == "/administration/services?ok=inchange"
    assert journal_cleaned() == []


def test_options_are_saved_and_read_back_with_their_defaults(chef, demo, portal_app, journal_cleaned):
    response = submit_services(chef, **{
        "option__notes__publication": "a_partir_du", "option__notes__publication_t1": "2027-01-15",
        "option__absences__publication": None,
    })
    assert response.status_code == 303
    notes = portal_app.state.plugins.services["notes"]
    assert run(read_options(notes, demo.college)) == {
        "publication": "a_partir_du", "publication_t1": "2027-01-15", "publication_t2": "", "publication_t3": "",
    }
    absences = portal_app.state.plugins.services["absences"]
    assert run(read_options(absences, demo.college)) == {
        "publication": False, "contact_mel": "", "contact_telephone": "", "contact_telecopie": "",
    }
    # The lycée set nothing: the declared defaults.
    assert run(read_options(notes, demo.lycee)) == {
        "publication": "au_fil_de_l_eau", "publication_t1": "", "publication_t2": "", "publication_t3": "",
    }
    page = chef.get("/administration/services").text
    assert 'value="a_partir_du" checked' in page and 'value="2027-01-15"' in page
    detail = journal_cleaned()[0]["detail"]
    assert "Les notes, Publication des notes : À partir d'une date" in detail
    assert "Les notes, Date de publication des notes du trimestre 1 : 15/01/2027" in detail
    assert "Les absences, Publier les absences aux familles : non" in detail


def test_a_french_date_typed_without_a_date_picker_is_accepted(chef, demo, portal_app):
    submit_services(chef, **{"option__notes__publication_t1": "03/02/2027"})
    notes = portal_app.state.plugins.services["notes"]
    assert run(read_options(notes, demo.college))["publication_t1"] == "2027-02-03"


def test_a_refused_value_is_shown_next_to_its_field_and_nothing_is_lost(chef, text, demo, journal_cleaned):
    before = run(ServiceActivation.select(ServiceActivation.service, ServiceActivation.ouvert, ServiceActivation.options)
                 .where(ServiceActivation.etablissement == demo.college).order_by(ServiceActivation.service))
    response = chef.post("/administration/services", data={
        **form_of(chef.get("/administration/services").text),
        "option-notes-publication": "le_lundi", "option-notes-publication_t1": "32/13/2027",
        "message_accueil": "Bonne rentrée à tous !", "ouvert-ent_exemple": "on",
    }, follow_redirects=False)
    page = text(response)
    assert response.status_code == 200
    assert "Le formulaire contient 2 erreurs" in page
    assert '<span class="erreur-champ" id="erreur-option-notes-publication">Choisissez l\'une des valeurs proposées.</span>' in page
    assert 'id="erreur-option-notes-publication_t1">Saisissez une date valide' in page
    assert 'aria-invalid="true" aria-describedby="erreur-option-notes-publication_t1"' in page
    # What was typed is still there.
    assert ">Bonne rentrée à tous !</textarea>" in page and 'value="32/13/2027"' in page
    assert re.search(r'id="ouvert-ent_exemple" name="ouvert-ent_exemple" checked', page)
    after = run(ServiceActivation.select(ServiceActivation.service, ServiceActivation.ouvert, ServiceActivation.options)
                .where(ServiceActivation.etablissement == demo.college).order_by(ServiceActivation.service))
    assert after == before and journal_cleaned() == []


def test_the_welcome_message_is_plain_text_with_its_line_breaks(chef, parent, text, demo, main_text):
    message = "Bienvenue <b>à tous</b> !\nRéunion parents-professeurs le 12 décembre."
    submit_services(chef, message_accueil=message)
    assert "Bienvenue &lt;b&gt;à tous&lt;/b&gt; !<br>Réunion" in parent.get(f"/eleves/{demo.lea}/").text
    # The lycée wrote nothing: no message on Hugo's home.
    assert "message-accueil" not in parent.get(f"/eleves/{demo.hugo}/").text

    too_long = submit_services(chef, message_accueil="x" * 1001)
    assert too_long.status_code == 200 and "1000 au plus" in text(too_long)


def test_the_contact_link_follows_the_setting(chef, parent, demo):
    assert "Contacter l'établissement" in parent.get(f"/eleves/{demo.lea}/").text
    submit_services(chef, afficher_contact=None)
    assert "Contacter l'établissement" not in parent.get(f"/eleves/{demo.lea}/").text
    submit_services(chef, afficher_contact="on")
    assert "Contacter l'établissement" in parent.get(f"/eleves/{demo.lea}/").text


@get("/")
async def options_page(request: Request, child: CurrentChild) -> Response:
    return Response(repr(sorted(service_options(request).items())))


class OptionsPlugin:
    @hookimpl
    def services(self):
        return [ServiceSpec(key="essai_options", label="Essai", routes=[options_page], options=(
            ServiceOption(key="actif", label="Actif", kind="bool", default=True),
            ServiceOption(key="mot", label="Mot", kind="text", default="bonjour"),
        ))]


def test_service_routes_receive_their_options(chef, parent, demo, portal_settings, client_as, service_opened):
    """A plugin reads its options with ``service_options(request)``, filled by the guard."""
    app = create_app(portal_settings, extra_plugins={"essai_options": OptionsPlugin()})
    service_opened(demo.college, "essai_options")
    client = client_as("demo.parent", app=app)
    assert client.get(f"/eleves/{demo.lea}/essai_options/").text == "[('actif', True), ('mot', 'bonjour')]"
    head = client_as("demo.chef", app=app)
    submit_services(head, option__essai_options__mot="au revoir", option__essai_options__actif=None)
    assert client.get(f"/eleves/{demo.lea}/essai_options/").text == "[('actif', False), ('mot', 'au revoir')]"

    class FakeRequest:
        class app:
            class state:
                plugins = app.state.plugins

    assert run(establishment_options(demo.college, "essai_options", FakeRequest)) == {"actif": False, "mot": "au revoir"}
