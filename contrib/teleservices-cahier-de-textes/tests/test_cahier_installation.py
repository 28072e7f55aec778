"""Installed with pip and migrated, the distribution adds « Le cahier de textes » to the portal:
the head finds it in « Administration Téléservices » and opens it; families see it then."""

from __future__ import annotations

import html

import pytest

from cahier_outils import set_opened
from teleservices.core.api import DemoContext
from teleservices.core.testing import invoke_cli, run
from teleservices_cahier_de_textes import demo as demo_cahier
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance


def texte(response) -> str:
    return html.unescape(response.text)


def test_the_head_finds_the_service_in_administration_teleservices(client_of):
    page = texte(client_of("demo.chef").get("/administration/services"))
    bloc = page[page.index("<legend>Le cahier de textes</legend>"):]
    bloc = bloc[: bloc.index("</fieldset>")]
    assert "Public : Parents, Élèves" in bloc and "Format mobile" in bloc and "Service d'établissement" in bloc
    assert 'id="ouvert-cahier" name="ouvert-cahier"' in bloc
    assert "Le cahier de textes" in texte(client_of("demo.chef").get("/"))  # the head's staff home


def test_migrate_made_the_tables_and_runs_again_harmlessly(portal_settings):
    assert all(run(table.table_exists()) for table in (CahierSeance, CahierDevoir, CahierFait))
    assert run(CahierSeance.count()) > 0 and run(CahierDevoir.count()) > 0  # the demo's
    result = invoke_cli(["migrate"])
    assert result.exit_code == 0, result.output
    # The second migration's unique index: one « fait » per homework and pupil.
    run(CahierFait.insert(CahierFait(devoir_id=-1, eleve_id=-1)))
    try:
        with pytest.raises(Exception, match="(?i)unique"):
            run(CahierFait.insert(CahierFait(devoir_id=-1, eleve_id=-1)))
    finally:
        run(CahierFait.delete().where(CahierFait.devoir_id == -1))


def test_the_demo_data_is_loaded_once(demo):
    college = demo.college
    avant = (run(CahierSeance.count()), run(CahierDevoir.count()), run(CahierFait.count()))
    run(demo_cahier.load(DemoContext(etablissements={"college": college}, eleves={"collegien": demo.lea})))
    assert (run(CahierSeance.count()), run(CahierDevoir.count()), run(CahierFait.count())) == avant
    assert run(CahierFait.count().where(CahierFait.eleve_id == demo.lea)) > 0  # Léa ticked last week's homework


def test_families_see_it_once_the_college_opens_it(client_of, demo):
    chef, parent, eleve = client_of("demo.chef"), client_of("demo.parent"), client_of("demo.eleve")
    lien = f'href="/eleves/{demo.lea}/cahier/"'
    avant = set_opened(chef, False)
    try:
        assert lien not in parent.get(f"/eleves/{demo.lea}/").text
        assert parent.get(f"/eleves/{demo.lea}/cahier/").status_code == 403
        set_opened(chef, True)
        for client in (parent, eleve):
            accueil = texte(client.get(f"/eleves/{demo.lea}/"))
            assert lien in accueil and "Le cahier de textes" in accueil
            assert '<img src="/static/cahier/icon.svg?v=' in accueil and "disponible au format mobile" in accueil
            assert client.get(f"/eleves/{demo.lea}/cahier/").status_code == 200
        # Hugo's lycée did not open it.
        assert "Le cahier de textes" not in texte(parent.get(f"/eleves/{demo.hugo}/"))
        assert parent.get(f"/eleves/{demo.hugo}/cahier/").status_code == 403
        assert parent.get("/static/cahier/cahier.css").status_code == 200
    finally:
        set_opened(chef, avant)
