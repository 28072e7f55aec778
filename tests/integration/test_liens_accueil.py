"""The links on a child's home screen (hook ``home_links``): those of the child's academy and
establishment meant for the viewer (parent or pupil), active ones only, after the services,
opening in a new tab without telling the other site where they came from; kept for a pupil whose
follow-up access was removed; one query for them all; a plugin failing there never breaks the
home screen."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest

from admin_support import other  # noqa: F401
from liens_support import ENT, SITE_DU_LYCEE, lien, liens_cleaned  # noqa: F401
from teleservices.core.api import HomeLink, hookimpl
from teleservices.core.app import create_app

pytestmark = pytest.mark.usefixtures("liens_cleaned")

LINK = re.compile(r'<li class="service lien-externe">.*?</li>', re.S)


def links_on(client, eleve_id: int) -> dict[str, str]:
    """The external links of a home screen: label -> the <li>'s HTML."""
    response = client.get(f"/eleves/{eleve_id}/")
    assert response.status_code == 200
    found = {}
    for item in LINK.findall(response.text):
        label = re.search(r'rel="noopener noreferrer">(.*?)<span', item, re.S).group(1)
        found[html.unescape(label)] = item
    return found


@pytest.fixture
def parent(client_as):
    return client_as("demo.parent")


@pytest.fixture
def pupil(client_as):
    return client_as("demo.eleve")


def test_the_demo_links_for_the_college_and_the_lycee(parent, demo):
    assert list(links_on(parent, demo.lea)) == [ENT]  # the academy's ENT, not the lycée's site
    assert list(links_on(parent, demo.hugo)) == [ENT, SITE_DU_LYCEE]  # by order: 10, then 20


def test_a_link_opens_in_a_new_tab_and_says_so(parent, demo):
    item = links_on(parent, demo.lea)[ENT]
    assert '<a href="https://enthdf.fr/" target="_blank" rel="noopener noreferrer">' in item
    assert '<span class="visuellement-cache"> (nouvel onglet)</span></a>' in item
    assert re.search(r'<img src="/static/liens/ent\.svg\?v=[0-9a-f]{10}" alt="" width="32" height="32">', item)
    assert "enthdf.fr, dans un nouvel onglet" in item
    assert parent.get("/static/liens/ent.svg").status_code == 200


def test_links_come_after_the_services(parent, demo):
    page = parent.get(f"/eleves/{demo.lea}/").text
    assert page.index("Les notes") < page.index(ENT)


def test_each_viewer_sees_the_links_meant_for_them(parent, pupil, demo, lien):
    lien("Réunions parents-professeurs", etablissement_id=demo.college, eleves=False, ordre=1)
    lien("Casier numérique", etablissement_id=demo.college, parents=False, ordre=2)
    lien("Masqué", etablissement_id=demo.college, actif=False)
    assert list(links_on(parent, demo.lea)) == ["Réunions parents-professeurs", ENT]
    assert list(links_on(pupil, demo.lea)) == ["Casier numérique", ENT]


def test_only_the_childs_establishment_and_academy(parent, demo, lien, other):
    lien("Lycée seulement", etablissement_id=demo.lycee, ordre=15)
    lien("ENT Amiens", academie="AMIENS")
    lien("Lycée d'Arras", etablissement_id=other.etablissement)
    lien("Toute l'académie de Lille", academie="LILLE", ordre=99)
    assert list(links_on(parent, demo.lea)) == [ENT, "Toute l'académie de Lille"]
    assert list(links_on(parent, demo.hugo)) == [ENT, "Lycée seulement", SITE_DU_LYCEE, "Toute l'académie de Lille"]


def test_untrusted_labels_are_escaped(parent, demo, lien):
    lien('<script>alert("x")</script>', etablissement_id=demo.college)
    page = parent.get(f"/eleves/{demo.lea}/").text
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page


def test_a_pupil_whose_access_was_removed_keeps_the_links(pupil, demo, lien, pupil_access_removed):
    lien("Casier numérique", etablissement_id=demo.college, parents=False)
    pupil_access_removed(demo.lea)
    page = html.unescape(pupil.get(f"/eleves/{demo.lea}/").text)
    assert "Les notes" not in page  # the national follow-up services are gone...
    assert set(links_on(pupil, demo.lea)) == {ENT, "Casier numérique"}  # ...the ENT and the others stay


def test_the_links_cost_one_query_whatever_their_number(client_as, demo, lien, portal_settings, queries_of):
    others = [name for name in ("notes", "absences", "lpc", "fiche", "inscription", "ent_exemple")]
    without = create_app(replace(portal_settings, plugins=tuple(others)))
    page = f"/eleves/{demo.hugo}/"
    [before] = queries_of(client_as("demo.parent", app=without), page)
    parent = client_as("demo.parent")
    [with_two] = queries_of(parent, page)
    for numero in range(6):
        lien(f"Lien {numero}", etablissement_id=demo.lycee)
    [with_eight] = queries_of(parent, page)
    assert len(links_on(parent, demo.hugo)) == 8
    assert with_two == before + 1
    assert with_eight == with_two


# --- another plugin's links ----------------------------------------------------------------------------


def plugin(home_links):
    return SimpleNamespace(home_links=hookimpl(home_links))


def broken(viewer, child):
    raise RuntimeError("annuaire indisponible")


async def links_of_another_plugin(viewer, child):
    return [
        HomeLink("Pronote", "https://pronote.example.org/", order=5),
        HomeLink("Piège", "javascript:alert(document.cookie)", order=6),
        HomeLink("Données", "data:text/html,x", order=7),
        HomeLink(f"Pour {viewer.type} de {child.prenom}", "http://vie-scolaire.example.org/", order=500),
    ]


# Made before the test runs: an app configures logging when it is made, which would take the
# log capture's handler away.
@pytest.fixture(scope="module")
def app_with_broken_links(portal_settings):
    return create_app(portal_settings, extra_plugins={"annuaire": plugin(broken)})


@pytest.fixture(scope="module")
def app_with_more_links(portal_settings):
    return create_app(portal_settings, extra_plugins={"vie_scolaire": plugin(links_of_another_plugin)})


def test_a_plugin_that_fails_never_breaks_the_home_screen(client_as, demo, app_with_broken_links, caplog):
    with caplog.at_level(logging.ERROR):
        links = links_on(client_as("demo.parent", app=app_with_broken_links), demo.lea)
    assert list(links) == [ENT]
    assert any("annuaire" in record.getMessage() and "home_links" in record.getMessage() for record in caplog.records)


def test_a_coroutine_plugin_adds_its_links_and_bad_addresses_are_left_out(client_as, demo, app_with_more_links, caplog):
    parent = client_as("demo.parent", app=app_with_more_links)
    with caplog.at_level(logging.WARNING):
        found = links_on(parent, demo.lea)
    assert list(found) == ["Pronote", ENT, "Pour parent de Léa"]
    assert "javascript:" not in parent.get(f"/eleves/{demo.lea}/").text
    assert any("vie_scolaire" in record.getMessage() for record in caplog.records)
