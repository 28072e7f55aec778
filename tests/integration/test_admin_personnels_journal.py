"""Staff accounts (page and command line) and the audit log: every staff action writes who,
what, when and from where, and the head reads it, filtered and paginated."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

import pytest

from admin_support import journal_cleaned, other, post_with_csrf  # noqa: F401
from teleservices.core import clock
from teleservices.core.security import check_password
from teleservices.core.tables import Compte, Enseignant, Etablissement, Journal
from teleservices.core.testing import csrf_from, invoke_cli, run

PAGE = "/administration/personnels"
NEW_UAI = "0599977Z"


@pytest.fixture
def accounts_cleaned() -> Iterator[None]:
    """Staff accounts made by a test (identifiers starting with "essai") are deleted after."""
    last = run(Compte.select(Compte.id).order_by(Compte.id, ascending=False).first())["id"]
    yield
    run(Compte.delete().where((Compte.id > last) & (Compte.type == "personnel")))
    run(Etablissement.delete().where(Etablissement.uai == NEW_UAI))


@pytest.fixture
def chef(client_as):
    return client_as("demo.chef")


def _create(client, **data):
    token = csrf_from(client.get(PAGE).text)
    return client.post(PAGE, data={"_csrf": token, "nom_affiche": "", "role": "", "enseignant": "", **data})


def _password(page: str) -> str:
    return re.search(r"<dt>Mot de passe provisoire</dt><dd><strong>([^<]+)</strong>", page).group(1)


def test_the_head_lists_the_staff_with_their_roles(chef, text):
    page = text(chef.get(PAGE))
    for identifiant, role in (("demo.secretariat", "Secrétariat"), ("demo.cpe", "Vie scolaire (CPE)"),
                              ("demo.prof", "Enseignant"), ("demo.chef", "Chef d'établissement")):
        assert re.search(rf"{re.escape(identifiant)}</span></th>\s*<td>{re.escape(role)}</td>", page), identifiant
    assert "demo.academie" not in page
    assert "Claire PETIT" in page


def test_creating_a_staff_account_shows_its_password_once(chef, new_client, login, text, journal_cleaned,
                                                         accounts_cleaned):
    response = _create(chef, nom_affiche="Hélène N'Guyen-Dubois", role="secretariat")
    page = text(response)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert "Le compte de Hélène N'Guyen-Dubois est créé." in page
    assert "<dt>Identifiant</dt><dd>helene.nguyen-dubois</dd>" in page
    password = _password(page)
    row = run(Compte.select().where(Compte.identifiant == "helene.nguyen-dubois").first())
    assert row["etat"] == "provisoire" and row["role"] == "secretariat" and row["type"] == "personnel"
    assert check_password(row["mot_de_passe"], password) and password not in row["mot_de_passe"]
    [line] = journal_cleaned()
    assert line["action"] == "personnels.creer" and "helene.nguyen-dubois" in line["detail"]
    assert password not in line["detail"]
    # The first connection asks for a new password.
    newcomer = new_client()
    assert "/premiere-connexion" in str(login(newcomer, "helene.nguyen-dubois", password).url)
    # A second one of the same name is numbered.
    assert "<dd>helene.nguyen-dubois2</dd>" in text(_create(chef, nom_affiche="Hélène NGUYEN-DUBOIS", role="vie_scolaire"))


def test_a_teacher_account_is_linked_to_its_sts_record(chef, text, demo, accounts_cleaned, journal_cleaned):
    teacher = run(Enseignant.select().where((Enseignant.etablissement == demo.college) & (Enseignant.nom == "ROUX")).first())
    missing = text(_create(chef, role="enseignant"))
    assert "Choisissez l'enseignant dans la liste." in missing
    response = text(_create(chef, role="enseignant", enseignant=str(teacher["id"])))
    assert "<dd>nadia.roux</dd>" in response
    assert run(Compte.select(Compte.enseignant).where(Compte.identifiant == "nadia.roux").first())["enseignant"] == teacher["id"]
    again = text(_create(chef, role="enseignant", enseignant=str(teacher["id"])))
    assert "Cet enseignant a déjà un compte : nadia.roux." in again
    lycee_teacher = run(Enseignant.select().where(Enseignant.etablissement == demo.lycee).first())
    assert "Choisissez l'enseignant dans la liste." in text(_create(chef, role="enseignant", enseignant=str(lycee_teacher["id"])))


def test_form_errors_are_next_to_their_fields(chef, text):
    page = text(_create(chef, nom_affiche="x" * 121, role="admin_academique"))
    assert 'id="erreur-role">Choisissez le rôle du compte.' in page
    assert 'id="erreur-nom_affiche">120 caractères au plus.' in page


def test_disable_new_password_and_reactivate(chef, client_as, text, journal_cleaned):
    cpe = client_as("demo.cpe")
    compte = run(Compte.select(Compte.id, Compte.mot_de_passe).where(Compte.identifiant == "demo.cpe").first())
    try:
        response = post_with_csrf(chef, f"{PAGE}/{compte['id']}/desactiver")
        assert response.headers["location"] == f"{PAGE}?ok=desactive"
        assert "Le compte est désactivé" in text(chef.get(response.headers["location"]))
        assert cpe.get("/", follow_redirects=False).status_code in (302, 303)  # its session ended
        response = post_with_csrf(chef, f"{PAGE}/{compte['id']}/reactiver")
        assert run(Compte.select(Compte.etat).where(Compte.id == compte["id"]).first())["etat"] == "actif"
        page = text(post_with_csrf(chef, f"{PAGE}/{compte['id']}/mot-de-passe"))
        assert "a un nouveau mot de passe provisoire" in page and _password(page)
        assert run(Compte.select(Compte.etat).where(Compte.id == compte["id"]).first())["etat"] == "provisoire"
        actions = [line["action"] for line in journal_cleaned()]
        assert actions == ["personnels.desactiver", "personnels.reactiver", "personnels.mot_de_passe"]
    finally:
        run(Compte.update({Compte.etat: "actif", Compte.mot_de_passe: compte["mot_de_passe"]}).where(Compte.id == compte["id"]))


def test_a_head_cannot_disable_themself(chef, text):
    me = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.chef").first())["id"]
    response = post_with_csrf(chef, f"{PAGE}/{me}/desactiver")
    assert "Vous ne pouvez pas désactiver votre propre compte." in text(chef.get(response.headers["location"]))
    assert run(Compte.select(Compte.etat).where(Compte.id == me).first())["etat"] == "actif"
    assert chef.get("/").status_code == 200


def test_every_family_accounts_action_is_in_the_journal(chef, demo, journal_cleaned):
    parent2 = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.parent2").first())["id"]
    try:
        post_with_csrf(chef, f"/administration/comptes/{parent2}/desactiver")
        post_with_csrf(chef, f"/administration/comptes/{parent2}/reactiver")
        post_with_csrf(chef, f"/administration/eleves/{demo.lea}/acces-suivi/retirer")
        post_with_csrf(chef, f"/administration/eleves/{demo.lea}/acces-suivi/retablir")
    finally:
        run(Compte.update({Compte.etat: "actif"}).where(Compte.id == parent2))
    lines = journal_cleaned()
    assert [(line["action"], line["detail"]) for line in lines] == [
        ("comptes.desactiver", "Compte demo.parent2 rendu inutilisable."),
        ("comptes.reactiver", "Compte demo.parent2 réactivé."),
        ("eleves.acces_retire", "Accès aux services de suivi retiré : Léa DUPONT."),
        ("eleves.acces_retabli", "Accès aux services de suivi rétabli : Léa DUPONT."),
    ]
    now = clock.now()
    for line in lines:
        assert line["identifiant"] == "demo.chef" and line["etablissement"] == demo.college
        assert line["adresse"] == "testclient"
        assert abs(now - line["quand"]) < dt.timedelta(minutes=1)


def test_the_journal_page_filters_and_paginates_in_paris_time(client_as, text, other):
    winter = dt.datetime(2027, 1, 15, 7, 5, tzinfo=dt.timezone.utc)
    run(Journal.insert(*[
        Journal(etablissement=other.etablissement, identifiant="essai.chef.arras" if i % 2 else "essai.autre",
                action="services.modifier" if i % 3 else "personnels.creer", detail=f"ligne {i}",
                adresse="192.0.2.7", quand=winter + dt.timedelta(minutes=i))
        for i in range(120)
    ]))
    client = client_as(other.head)
    first = text(client.get("/administration/journal"))
    assert first.count("<tr>") == 51  # a header and 50 lines
    assert "<br>ligne 119</td>" in first and "<br>ligne 70</td>" in first and "<br>ligne 69</td>" not in first
    assert "<td>15/01/2027 10:04</td>" in first  # 07:05 UTC + 119 minutes, in Paris (UTC+1 in winter)
    assert "192.0.2.7" in first and 'href="/administration/journal?page=2"' in first
    third = text(client.get("/administration/journal?page=3"))
    assert third.count("<tr>") == 21 and "Page suivante" not in third and "<br>ligne 0</td>" in third
    filtered = text(client.get("/administration/journal?action=personnels.creer&compte=essai.autre"))
    details = re.findall(r"<br>ligne (\d+)</td>", filtered)
    assert details and all(int(i) % 3 == 0 and int(i) % 2 == 0 for i in details)
    assert "Compte de personnel créé" in filtered


def test_the_cli_creates_the_first_head_and_an_academy_administrator(demo, accounts_cleaned):
    result = invoke_cli(["personnel", "create", "--uai", NEW_UAI, "--role", "chef",
                                      "--nom", "Marie CURIE", "--academie", "lille"])
    assert result.exit_code == 0, result.output
    assert f"Établissement {NEW_UAI} créé" in result.output and "Identifiant : marie.curie" in result.output
    password = re.search(r"Mot de passe provisoire : (\S+)", result.output).group(1)
    etab = run(Etablissement.select().where(Etablissement.uai == NEW_UAI).first())
    assert etab["nom"] == NEW_UAI and etab["academie"] == "LILLE"
    account = run(Compte.select().where(Compte.identifiant == "marie.curie").first())
    assert account["etablissement"] == etab["id"] and account["role"] == "chef" and account["etat"] == "provisoire"
    assert check_password(account["mot_de_passe"], password)

    result = invoke_cli(["personnel", "create", "--role", "admin_academique", "--academie", "Lille",
                                      "--nom", "Paul ACADEMIE"])
    assert result.exit_code == 0, result.output
    admin = run(Compte.select().where(Compte.identifiant == "paul.academie").first())
    assert admin["etablissement"] is None and admin["academie"] == "LILLE" and admin["role"] == "admin_academique"

    refused = invoke_cli(["personnel", "create", "--role", "chef", "--nom", "X Y"])
    assert refused.exit_code != 0 and "--uai" in refused.output
    refused = invoke_cli(["personnel", "create", "--role", "admin_academique", "--nom", "X Y"])
    assert refused.exit_code != 0 and "--academie" in refused.output


def test_the_journal_names_the_actions_services_declare(chef, text, demo, journal_cleaned):
    run(Journal.insert(Journal(etablissement=demo.college, identifiant="demo.cpe", action="absences.saisie",
                               detail="Absences saisies en 4G")))
    journal_cleaned()
    page = text(chef.get("/administration/journal?action=absences.saisie"))
    assert "Absences saisies en 4G" in page and ">Absences saisies<" in page.replace("\n", "").replace("  ", "")
    assert '<option value="absences.saisie"' in page
