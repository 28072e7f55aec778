"""The upload page /administration/import (head only) and ``teleservices import siecle``."""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import pytest

from siecle_support import DATA, MALFORMED, SAMPLES, drop_school, pupil, sample
from teleservices.core.security import hash_password
from teleservices.core.siecle import synthetic
from teleservices.core.tables import Compte, Division, Eleve, Etablissement, ImportSiecle, Journal
from teleservices.core.testing import csrf_from, invoke_cli, run

PAGE = "/administration/import"
COLLEGE_UAI = "0599901K"


def upload(client: Any, files: list[tuple[str, bytes]]) -> Any:
    token = csrf_from(client.get(PAGE).text)
    return client.post(PAGE, data={"_csrf": token}, files=[("fichiers", (n, d, "text/xml")) for n, d in files],
                       follow_redirects=False)


def wait_for(client: Any, url: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = client.get(url).text
        if "<progress" not in page:
            return page
        time.sleep(0.1)
    raise AssertionError("l'import ne s'est pas terminé")


@pytest.fixture
def imports_cleaned(demo) -> Any:
    """Imports and journal lines of the demo college made by the test, and its pupils 7790001-3."""
    before = {r["id"] for r in run(ImportSiecle.select(ImportSiecle.id).run())}
    yield
    run(Eleve.delete().where(Eleve.eleve_id.is_in(["7790001", "7790002", "7790003"])).run())
    run(Division.delete().where((Division.etablissement == demo.college) & (Division.code_structure == "9Z")).run())
    run(ImportSiecle.delete().where(ImportSiecle.id.not_in(list(before) or [0])).run())
    run(Journal.delete().where(Journal.action == "import.siecle").run())


def test_the_head_imports_files_and_follows_the_progress(client_as, text, imports_cleaned, demo) -> None:
    chef = client_as("demo.chef")
    form = chef.get(PAGE)
    assert form.status_code == 200
    assert '<label for="fichiers">Fichiers SIECLE</label>' in form.text and ">Importer</button>" in form.text
    pupils = [pupil("7790001", "IMPORTÉ", "Zoé", division="9Z"), pupil("7790002", division="9Z"),
              pupil("7790003", "SANS", "Classe", division=None)]
    response = upload(chef, [("ElevesSansAdresses.xml", synthetic.eleves_xml(COLLEGE_UAI, pupils)),
                             ("Nomenclature.xml", sample("dossiersco_nomenclature_simple.xml"))])
    assert response.status_code == 303
    url = response.headers["location"]
    assert url.startswith(f"{PAGE}/")
    page = html.unescape(wait_for(chef, url))
    assert "L'import est terminé, mais 1 fichier(s) ont été refusés" in page
    assert "Créés : 1 classes et groupes, 2 élèves." in page
    assert "SANS Classe (ELEVE_ID 7790003) : sans division (aucune structure de type D), ignoré" in page
    assert "Fichier refusé, rien n'en a été importé : ligne 4 : balise UAJ : ce fichier vient de l'établissement 0140070A, pas de 0599901K" in page
    assert run(Eleve.count().where(Eleve.eleve_id.is_in(["7790001", "7790002"])).run()) == 2
    journal = run(Journal.select(Journal.detail, Journal.identifiant).where(Journal.action == "import.siecle").run())
    assert journal == [{"detail": "Import SIECLE lancé : ElevesSansAdresses.xml, Nomenclature.xml", "identifiant": "demo.chef"}]
    listing = text(chef.get(PAGE))
    assert "terminé, 1 fichier(s) refusé(s)" in listing and f'href="{url}"' in listing


def test_the_malformed_sample_through_the_page(client_as, text, imports_cleaned) -> None:
    chef = client_as("demo.chef")
    url = upload(chef, [(MALFORMED, sample(MALFORMED))]).headers["location"]
    page = html.unescape(wait_for(chef, url))
    assert "Aucun fichier n'a pu être importé." in page
    assert "ligne 139 : balise STRICTURES_ELEVE" in page


def test_no_file_is_refused_next_to_the_field(client_as, text) -> None:
    chef = client_as("demo.chef")
    token = csrf_from(chef.get(PAGE).text)
    response = chef.post(PAGE, data={"_csrf": token}, files=[("fichiers", ("", b"", "application/octet-stream"))])
    assert response.status_code == 400
    assert 'id="erreur-fichiers" role="alert">Choisissez au moins un fichier exporté de SIECLE' in text(response)
    assert 'aria-invalid="true"' in response.text


def test_a_running_job_shows_its_progress_refreshed_with_or_without_javascript(client_as, demo, imports_cleaned) -> None:
    from teleservices.core import clock

    job = run(ImportSiecle.insert(ImportSiecle(
        etablissement=demo.college, etat="en_cours", progression=40, etape="Import de Eleves.xml", cree_le=clock.now(),
    )).run())[0]["id"]
    page = client_as("demo.chef").get(f"{PAGE}/{job}").text
    assert '<progress id="progression" max="100" value="40">' in page
    assert '<label for="progression">Import de Eleves.xml</label>' in page
    assert f'hx-get="{PAGE}/{job}" hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page


def test_an_interrupted_job_says_so(client_as, text, demo, imports_cleaned) -> None:
    from teleservices.core import clock
    import datetime as dt

    job = run(ImportSiecle.insert(ImportSiecle(
        etablissement=demo.college, etat="en_cours", progression=40, etape="Import de Eleves.xml",
        cree_le=clock.now() - dt.timedelta(minutes=30),
    )).run())[0]["id"]
    page = text(client_as("demo.chef").get(f"{PAGE}/{job}"))
    assert "Cet import a été interrompu" in page and "<progress" not in page


def test_another_establishments_job_is_not_found(client_as, demo, imports_cleaned) -> None:
    job = run(ImportSiecle.insert(ImportSiecle(etablissement=demo.lycee, etat="termine")).run())[0]["id"]
    assert client_as("demo.chef").get(f"{PAGE}/{job}").status_code == 404


@pytest.fixture
def secretariat(demo) -> Any:
    run(Compte.insert(Compte(identifiant="test.secretariat", mot_de_passe=hash_password("Bienvenue-2026"),
                             type="personnel", etat="actif", role="secretariat", etablissement=demo.college)).run())
    yield "test.secretariat"
    run(Compte.delete().where(Compte.identifiant == "test.secretariat").run())


@pytest.mark.parametrize("who", ["secretariat", "demo.parent", "demo.eleve"])
def test_the_page_is_refused_to_other_staff_and_families(client_as, secretariat, who: str) -> None:
    client = client_as(secretariat if who == "secretariat" else who)
    assert client.get(PAGE).status_code == 403
    before = run(ImportSiecle.count().run())
    token = csrf_from(client.get("/").text)
    response = client.post(PAGE, data={"_csrf": token}, files=[("fichiers", ("a.xml", b"<a/>", "text/xml"))])
    assert response.status_code == 403 and run(ImportSiecle.count().run()) == before


def test_anonymous_visitors_go_to_the_login_page(client) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/connexion")


# --- command line --------------------------------------------------------------------------------------------


@pytest.fixture
def cli(portal_settings: Any) -> Any:
    """Runs ``teleservices``; the command binds the tables to its own engine: put ours back,
    the plugins' tables too (a transaction spans core and plugin tables only on one engine)."""
    from teleservices.core.plugins import all_tables, load_plugins

    tables = all_tables(load_plugins(portal_settings))
    engines = [t._meta.db for t in tables]
    yield lambda *args: invoke_cli(list(args))
    for table, engine in zip(tables, engines):
        table._meta.db = engine


def test_cli_creates_the_establishment_and_exits_1_on_a_refused_file(cli, tmp_path: Path) -> None:
    uai = "0599990X"
    sts = DATA / f"sts_emp_{uai}_2026.xml"
    bad = tmp_path / "Eleves.xml"
    bad.write_bytes(synthetic.eleves_xml(uai, [pupil("7795001", sexe="9")]))
    try:
        result = cli("import", "siecle", "--uai", uai.lower(), str(sts), str(bad))
        assert result.exit_code == 1, result.output
        assert f"Établissement {uai} créé." in result.output
        assert "sts_emp_0599990X_2026.xml (Enseignants et services (STS-web)) : 19 création(s), 0 mise(s) à jour." in result.output
        assert "Eleves.xml (Élèves et structures (BEE)) : REFUSÉ, rien n'en a été importé. ligne" in result.output
        assert "balise CODE_SEXE : code « 9 » inconnu" in result.output
        assert "1 fichier(s) refusé(s)." in result.output
        etab = run(Etablissement.select(Etablissement.nom, Etablissement.type).where(Etablissement.uai == uai).first().run())
        assert etab == {"nom": "COLLEGE EMILIE DU CHATELET", "type": "college"}
        again = cli("import", "siecle", "--uai", uai, str(sts))
        assert again.exit_code == 0 and ": 0 création(s), 0 mise(s) à jour." in again.output
    finally:
        run(drop_school(uai))


def test_cli_imports_every_sample_in_any_order(cli) -> None:
    names = ["dossiersco_nomenclature_tout_niveau.xml", "dossiersco_eleves_avec_adresse_avec_double_structure.xml"]
    try:
        result = cli("import", "siecle", "--uai", "0660864F", *[str(SAMPLES / n) for n in names])
        # The nomenclature sample belongs to 0140070A: refused; the pupils import.
        assert result.exit_code == 1
        assert "pas de 0660864F" in result.output and "élèves 1" in result.output
    finally:
        run(drop_school("0660864F"))
