"""Accounts created by the school (guide 1.2): creation, letters, the staff page, refusal and
removal of the follow-up services.

Everything here happens in two establishments built for the test (a collège with tricky names,
and a neighbour where a guardian already has an account for an older child), deleted after each
test with every account, pupil and guardian made for it: the demo data stays as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Iterator

import pytest
from litestar import get

from teleservices.core import cli, clock
from teleservices.core.api import CurrentChild, ServiceSpec, hookimpl
from teleservices.core.app import create_app
from teleservices.core.identity import tokens
from teleservices.core.identity.creation import create_accounts, prepare_letters
from teleservices.core.security import check_password, hash_password
from teleservices.core.tables import (
    Compte, CompteEleve, Division, Eleve, Etablissement, Jeton, Responsable, ResponsableEleve,
    ServiceActivation, Session,
)
from teleservices.core.testing import DEMO_PASSWORD, csrf_from, invoke_cli, run

UAI = "0599990A"
NEIGHBOUR_UAI = "0599991B"
PREFIX = "ESSAICPT"
STAFF = "essai.chef"
LOGIN_FAILED = "Identifiant ou mot de passe incorrect."
ACCESS_REMOVED = "L'établissement a retiré l'accès à ce service."
PAGE = "/administration/comptes"

# (key, family name, first names, class): names that break naive code.
PUPILS = [
    ("aicha", "N'GUESSAN", ("Aïcha",), "6T"),
    ("jb", "DE LA TOUR D'AUVERGNE", ("Jean-Baptiste", "Noël"), "6T"),
    ("arthur", "DUPONT", ("Arthur",), "6T"),
    ("maelys", "LE BRIS-KERGOAT", ("Maëlys", "Anne", "Élisabeth"), "5T"),
    ("omer", "ÖZTÜRK", ("Ömer",), "5T"),
]
# (key, civilité, family name, first name, pupil, resp_legal)
GUARDIANS = [
    ("fatou", "MME", "N'GUESSAN", "Fatou", "aicha", 1),
    ("kouame", "M.", "N'GUESSAN", "Kouamé", "aicha", 2),
    ("helene", "MME", "DE LA TOUR D'AUVERGNE", "Hélène", "jb", 1),
    ("pere_dupont", "M.", "DUPONT", "Arthur", "arthur", 1),
    ("anne", "MME", "LE BRIS-KERGOAT", "Anne", "maelys", 1),
    ("mehmet", "M.", "ÖZTÜRK", "Mehmet", "omer", 1),
    ("grand_mere", "MME", "ÖZTÜRK", "Ayşe", "omer", 0),  # not a legal guardian: no account
]
NEW_PUPIL_IDS = {
    "aicha": "aicha.nguessan", "jb": "jean-baptiste.delatourdauvergne", "arthur": "arthur.dupont2",
    "maelys": "maelys.lebris-kergoat", "omer": "omer.ozturk",
}
NEW_GUARDIAN_IDS = {
    "fatou": "fatou.nguessan", "kouame": "kouame.nguessan", "helene": "helene.delatourdauvergne",
    "pere_dupont": "arthur.dupont3", "mehmet": "mehmet.ozturk",
}
ANNE = "anne.lebris-kergoat"  # her account exists already, for her older child at the neighbour's


@dataclass
class School:
    id: int
    neighbour: int
    classes: dict[str, int]
    pupils: dict[str, int]
    guardians: dict[str, int]
    links: dict[str, int]
    anne_account: int
    extra_accounts: list[int] = field(default_factory=list)


async def _build() -> School:
    etab = Etablissement(uai=UAI, type="college", sigle="CLG", nom="COLLEGE DES ESSAIS", adresse_ligne1="1 rue des Tests",
                         code_postal="59500", commune="DOUAI", telephone="03 27 00 00 00")
    neighbour = Etablissement(uai=NEIGHBOUR_UAI, type="college", nom="COLLEGE VOISIN", code_postal="59500", commune="DOUAI")
    await etab.save()
    await neighbour.save()
    classes = {}
    for code, school in (("6T", etab), ("5T", etab), ("3V", neighbour)):
        division = Division(etablissement=school.id, code_structure=code, libelle=code)
        await division.save()
        classes[code] = division.id
    await ServiceActivation.insert(*[
        ServiceActivation(etablissement=etab.id, service=key, ouvert=True)
        for key in ("notes", "absences", "lpc", "fiche", "essai_suivi", "essai_cahier")
    ])
    pupils = {}
    for n, (key, nom, prenoms, code) in enumerate([*PUPILS, ("aine", "LE BRIS-KERGOAT", ("Yann",), "3V")]):
        prenoms = (*prenoms, "", "")
        eleve = Eleve(
            eleve_id=f"{PREFIX}{n}", etablissement=neighbour.id if code == "3V" else etab.id, division=classes[code],
            nom_de_famille=nom, prenom=prenoms[0], prenom2=prenoms[1], prenom3=prenoms[2], code_sexe="1",
            date_naiss=dt.date(2013, 1, 1 + n),
        )
        await eleve.save()
        pupils[key] = eleve.id
    guardians, links = {}, {}
    for n, (key, civilite, nom, prenom, pupil, legal) in enumerate(GUARDIANS):
        responsable = Responsable(personne_id=f"{PREFIX}{n}", lc_civilite=civilite, nom_de_famille=nom, prenom=prenom,
                                  ligne1_adresse=f"{n + 1} rue de l'Église", code_postal="59500", libelle_postal="DOUAI")
        await responsable.save()
        guardians[key] = responsable.id
        link = ResponsableEleve(eleve=pupils[pupil], responsable=responsable.id, resp_legal=legal, code_parente="10")
        await link.save()
        links[key] = link.id
    # Anne is also the guardian of Yann, at the neighbour's, and has had an account for him for years.
    older = ResponsableEleve(eleve=pupils["aine"], responsable=guardians["anne"], resp_legal=1, code_parente="10")
    await older.save()
    password = hash_password(DEMO_PASSWORD)
    anne = Compte(identifiant=ANNE, mot_de_passe=password, type="parent", etat="actif", responsable=guardians["anne"],
                  active_le=clock.now())
    await anne.save()
    await CompteEleve.insert(CompteEleve(compte=anne.id, eleve=pupils["aine"], responsable_eleve=older.id))
    # Someone elsewhere is already called arthur.dupont.
    homonym = Compte(identifiant="arthur.dupont", mot_de_passe=password, type="parent", etat="actif")
    staff = Compte(identifiant=STAFF, mot_de_passe=password, type="personnel", etat="actif", etablissement=etab.id, role="chef")
    await homonym.save()
    await staff.save()
    return School(etab.id, neighbour.id, classes, pupils, guardians, links, anne.id, [homonym.id, staff.id])


async def _clean() -> None:
    etabs = [row["id"] for row in await Etablissement.select(Etablissement.id).where(
        Etablissement.uai.is_in([UAI, NEIGHBOUR_UAI]))]
    pupils = [row["id"] for row in await Eleve.select(Eleve.id).where(Eleve.eleve_id.like(f"{PREFIX}%"))]
    people = [row["id"] for row in await Responsable.select(Responsable.id).where(
        Responsable.personne_id.like(f"{PREFIX}%"))]
    accounts = set()
    if pupils:
        accounts |= {row["compte"] for row in await CompteEleve.select(CompteEleve.compte).where(
            CompteEleve.eleve.is_in(pupils))}
    if people:
        accounts |= {row["id"] for row in await Compte.select(Compte.id).where(Compte.responsable.is_in(people))}
    accounts |= {row["id"] for row in await Compte.select(Compte.id).where(
        Compte.identifiant.is_in(["arthur.dupont", STAFF]))}
    if accounts:
        await Compte.delete().where(Compte.id.is_in(list(accounts)))
    if etabs:
        await Etablissement.delete().where(Etablissement.id.is_in(etabs))
    if people:
        await Responsable.delete().where(Responsable.id.is_in(people))


@pytest.fixture
def school(portal_settings: Any) -> Iterator[School]:
    run(_clean())
    yield run(_build())
    run(_clean())


def identifiers_of(school: School) -> dict[str, str]:
    """Identifier -> account type, of every account that sees a pupil of the test collège."""
    rows = run(CompteEleve.select(CompteEleve.compte.identifiant, CompteEleve.compte.type).where(
        CompteEleve.eleve.etablissement == school.id).run())
    return {row["compte.identifiant"]: row["compte.type"] for row in rows}


def account(identifiant: str) -> dict:
    return run(Compte.select().where(Compte.identifiant == identifiant).first().run())


def activate(identifiant: str) -> None:
    """The family has done its first connection: active, with the demo password."""
    run(Compte.update({Compte.etat: "actif", Compte.mot_de_passe: hash_password(DEMO_PASSWORD),
                       Compte.active_le: clock.now()}).where(Compte.identifiant == identifiant).run())


@pytest.fixture
def staff(client_as):
    return client_as(STAFF)


def post(client: Any, path: str, page: str = PAGE, **data: Any) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(path, data={"_csrf": token, **data}, follow_redirects=False)


def csv_rows(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", content))


# --- creation ---------------------------------------------------------------------------------------


def test_creation_gives_every_pupil_and_legal_guardian_an_account(school):
    result = run(create_accounts(school.id))
    assert (result.eleves_crees, result.parents_crees, result.rattachements) == (5, 5, 1)
    expected = {**{i: "eleve" for i in NEW_PUPIL_IDS.values()}, **{i: "parent" for i in NEW_GUARDIAN_IDS.values()}}
    assert identifiers_of(school) == {**expected, ANNE: "parent"}
    # The grandmother is not a legal guardian: no account for her.
    assert not run(Compte.exists().where(Compte.responsable == school.guardians["grand_mere"]).run())
    for identifiant in expected:
        row = account(identifiant)
        assert row["etat"] == "provisoire" and row["mel"] == "" and not row["mel_verifie"]
    assert account("fatou.nguessan")["responsable"] == school.guardians["fatou"]


def test_the_letters_carry_the_provisional_passwords_that_were_hashed(school):
    result = run(create_accounts(school.id))
    letters = {letter.identifiant: letter for letter in result.letters}
    assert len(letters) == 11
    for identifiant in [*NEW_PUPIL_IDS.values(), *NEW_GUARDIAN_IDS.values()]:
        letter = letters[identifiant]
        assert len(letter.mot_de_passe) >= 10
        assert check_password(account(identifiant)["mot_de_passe"], letter.mot_de_passe)
    assert letters["maelys.lebris-kergoat"].eleves[0].division == "5T"
    assert letters["fatou.nguessan"].civilite == "MME" and letters["fatou.nguessan"].adresse[-1] == "59500 DOUAI"
    assert [p.prenom for p in letters["fatou.nguessan"].eleves] == ["Aïcha"]


def test_a_guardian_with_an_account_keeps_it_and_gets_the_new_child(school):
    result = run(create_accounts(school.id))
    recall = next(letter for letter in result.letters if letter.identifiant == ANNE)
    assert recall.mot_de_passe is None and recall.existant
    assert [p.prenom for p in recall.eleves] == ["Maëlys"]
    assert run(Compte.count().where(Compte.responsable == school.guardians["anne"]).run()) == 1
    links = run(CompteEleve.select(CompteEleve.eleve, CompteEleve.responsable_eleve).where(
        CompteEleve.compte == school.anne_account).run())
    assert {row["eleve"] for row in links} == {school.pupils["aine"], school.pupils["maelys"]}
    assert {"eleve": school.pupils["maelys"], "responsable_eleve": school.links["anne"]} in links
    # Her password did not change, and she stays active.
    assert check_password(account(ANNE)["mot_de_passe"], DEMO_PASSWORD) and account(ANNE)["etat"] == "actif"


def test_a_second_run_creates_nothing(school):
    run(create_accounts(school.id))
    before = run(Compte.count().run()), run(CompteEleve.count().run())
    again = run(create_accounts(school.id))
    assert again.rien and again.letters == []
    assert (run(Compte.count().run()), run(CompteEleve.count().run())) == before


def test_creation_for_one_class_only(school):
    result = run(create_accounts(school.id, school.classes["5T"]))
    assert (result.eleves_crees, result.parents_crees, result.rattachements) == (2, 1, 1)
    assert set(identifiers_of(school)) == {"maelys.lebris-kergoat", "omer.ozturk", "mehmet.ozturk", ANNE}
    rest = run(create_accounts(school.id))
    assert (rest.eleves_crees, rest.parents_crees, rest.rattachements) == (3, 4, 0)


def test_a_class_of_another_establishment_is_refused(school):
    from teleservices.core.identity.creation import NotFound

    with pytest.raises(NotFound):
        run(create_accounts(school.id, school.classes["3V"]))
    assert set(identifiers_of(school)) == set()


# --- the staff page -------------------------------------------------------------------------------------


def test_staff_home_links_to_the_accounts_page(school, staff, text):
    assert 'href="/administration/comptes"' in staff.get("/").text
    assert "Gérer les comptes des familles" in text(staff.get("/"))


def test_staff_page_creates_the_accounts_after_a_confirmation(school, staff, text):
    confirmation = text(staff.get(f"{PAGE}/creer?division={school.classes['6T']}"))
    assert "<strong>3</strong> compte(s) élève" in confirmation
    assert "<strong>4</strong> compte(s) de responsable légal" in confirmation
    assert "<strong>0</strong> responsable(s) ayant déjà un compte" in confirmation
    response = post(staff, f"{PAGE}/creer", page=f"{PAGE}/creer?division={school.classes['6T']}",
                    division=str(school.classes["6T"]))
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?division={school.classes['6T']}&ok=crees&eleves=3&parents=4&rattaches=0"
    page = text(staff.get(response.headers["location"]))
    assert "Les comptes ont été créés." in page and "3 compte(s) élève et 4 compte(s) de responsable" in page
    assert "aicha.<wbr>nguessan" in page and "arthur.<wbr>dupont3" in page
    assert "maelys" not in page  # another class
    assert "Il n'y a aucun compte à créer" in text(staff.get(f"{PAGE}/creer?division={school.classes['6T']}"))
    again = post(staff, f"{PAGE}/creer", division=str(school.classes["6T"]))
    assert again.headers["location"] == f"{PAGE}?division={school.classes['6T']}&ok=rien"


def test_the_list_shows_accounts_states_and_missing_accounts(school, staff, text):
    run(create_accounts(school.id, school.classes["5T"]))
    activate("omer.ozturk")
    run(Compte.update({Compte.mel: "omer@example.org", Compte.mel_verifie: True}).where(
        Compte.identifiant == "omer.ozturk").run())
    page = text(staff.get(PAGE))
    assert "COLLEGE DES ESSAIS" in page
    assert "ÖZTÜRK Ömer, 5T" in page and "N'GUESSAN Aïcha, 6T" in page
    omer = page[page.index('id="eleve-%d"' % school.pupils["omer"]):]
    omer = omer[:omer.index("</tbody>")]
    assert "omer.<wbr>ozturk" in omer and "actif" in omer and "adresse e-mail vérifiée" in omer
    assert "Responsable légal 1\u00a0: M. Mehmet ÖZTÜRK" in omer and "première connexion à faire" in omer
    assert "Ayşe" not in omer  # not a legal guardian
    aicha = page[page.index('id="eleve-%d"' % school.pupils["aicha"]):]
    aicha = aicha[:aicha.index("</tbody>")]
    assert aicha.count("pas de compte") == 3  # the pupil and both guardians
    assert "Responsable légal 2\u00a0: M. Kouamé N'GUESSAN" in aicha
    # Names are escaped like any text from an import.
    assert "N&#39;GUESSAN" in staff.get(PAGE).text or "N&#x27;GUESSAN" in staff.get(PAGE).text


def test_class_filter_without_javascript_and_as_an_htmx_fragment(school, staff, text):
    full = staff.get(f"{PAGE}?division={school.classes['5T']}")
    assert "<html" in full.text and "ÖZTÜRK Ömer" in text(full) and "N'GUESSAN" not in text(full)
    assert f'<option value="{school.classes["5T"]}" selected>5T</option>' in full.text
    fragment = staff.get(f"{PAGE}?division={school.classes['5T']}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "ÖZTÜRK Ömer" in text(fragment)
    assert fragment.text.startswith("<title>Comptes des familles – 5T")
    assert "HX-Request" in {v.strip() for v in fragment.headers["vary"].split(",")}  # with Accept-Encoding (gzip)
    assert staff.get(f"{PAGE}?division={school.classes['3V']}").status_code == 404
    assert staff.get(f"{PAGE}?division=abc").status_code == 404


def test_every_form_carries_the_csrf_token_and_labels(school, staff):
    run(create_accounts(school.id))
    html = staff.get(PAGE).text
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) > 10
    assert all('name="_csrf"' in form for form in forms)
    assert '<label for="division">Classe</label>' in html
    without_token = staff.post(f"{PAGE}/{school.anne_account}/desactiver", data={}, follow_redirects=False)
    assert without_token.status_code == 403
    assert account(ANNE)["etat"] == "actif"




def test_the_list_costs_the_same_queries_for_a_class_or_the_whole_school(school, staff, queries):
    run(create_accounts(school.id))
    queries.clear()
    assert staff.get(f"{PAGE}?division={school.classes['5T']}").status_code == 200
    one_class = len(queries)
    queries.clear()
    assert staff.get(PAGE).status_code == 200
    assert len(queries) == one_class <= 8, queries


# --- letters ---------------------------------------------------------------------------------------------------


def download(client: Any, kind: str, division: int | None = None) -> Any:
    data = {"format": kind, **({"division": str(division)} if division else {})}
    return post(client, f"{PAGE}/courriers", **data)


def test_letters_pdf_has_one_page_per_account(school, staff):
    run(create_accounts(school.id))
    response = download(staff, "pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="courriers-{UAI}.pdf"'
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    assert pdf_pages(response.content) == 11
    one_class = download(staff, "pdf", school.classes["5T"])
    assert pdf_pages(one_class.content) == 4  # Maëlys, Ömer, Mehmet, Anne
    assert one_class.headers["content-disposition"] == f'attachment; filename="courriers-{UAI}-5T.pdf"'


def test_letters_csv_for_mail_merge(school, staff, portal_settings):
    run(create_accounts(school.id))
    response = download(staff, "csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = csv_rows(response.content)
    by_id = {row["identifiant"]: row for row in rows}
    assert set(by_id) == {*NEW_PUPIL_IDS.values(), *NEW_GUARDIAN_IDS.values(), ANNE}
    fatou = by_id["fatou.nguessan"]
    assert fatou["type"] == "Responsable légal" and fatou["civilite"] == "Madame" and fatou["nom"] == "N'GUESSAN"
    assert fatou["eleves"] == "Aïcha N'GUESSAN" and fatou["classes"] == "6T" and fatou["compte_existant"] == "non"
    assert fatou["adresse_1"] == "1 rue de l'Église" and fatou["adresse_2"] == "59500 DOUAI"
    assert fatou["adresse_portail"] == portal_settings.base_url and fatou["etablissement"] == "COLLEGE DES ESSAIS"
    assert check_password(account("fatou.nguessan")["mot_de_passe"], fatou["mot_de_passe_provisoire"])
    assert by_id[ANNE]["mot_de_passe_provisoire"] == "" and by_id[ANNE]["compte_existant"] == "oui"
    assert by_id["maelys.lebris-kergoat"]["prenom"] == "Maëlys" and by_id["maelys.lebris-kergoat"]["type"] == "Élève"


def test_reprinting_gives_new_passwords_and_ends_the_old_letters_sessions(school, staff, new_client, login):
    run(create_accounts(school.id))
    first = {row["identifiant"]: row["mot_de_passe_provisoire"] for row in csv_rows(download(staff, "csv").content)}
    family = new_client()
    login(family, "omer.ozturk", first["omer.ozturk"])  # a first connection started with the letter
    omer = account("omer.ozturk")["id"]
    assert run(Session.count().where(Session.compte == omer).run()) == 1
    second = {row["identifiant"]: row["mot_de_passe_provisoire"] for row in csv_rows(download(staff, "csv").content)}
    assert first.keys() == second.keys()
    for identifiant, password in second.items():
        if identifiant == ANNE:
            continue
        assert password != first[identifiant]
        stored = account(identifiant)["mot_de_passe"]
        assert check_password(stored, password) and not check_password(stored, first[identifiant])
    assert run(Session.count().where(Session.compte == omer).run()) == 0


def test_an_account_whose_first_connection_is_done_keeps_its_password(school, staff):
    run(create_accounts(school.id))
    activate("omer.ozturk")
    rows = {row["identifiant"]: row for row in csv_rows(download(staff, "csv").content)}
    assert rows["omer.ozturk"]["mot_de_passe_provisoire"] == "" and rows["omer.ozturk"]["compte_existant"] == "oui"
    assert check_password(account("omer.ozturk")["mot_de_passe"], DEMO_PASSWORD)


def test_a_disabled_account_gets_no_letter(school, staff):
    run(create_accounts(school.id))
    post(staff, f"{PAGE}/{account('mehmet.ozturk')['id']}/desactiver")
    batch = run(prepare_letters(school.id))
    assert "mehmet.ozturk" not in {letter.identifiant for letter in batch.letters}
    assert len(batch.letters) == 10


# --- who may use the page ---------------------------------------------------------------------------------


def test_families_are_refused_the_staff_pages(school, client_as, text):
    parent = client_as("demo.parent")
    for path in (PAGE, f"{PAGE}/creer"):
        response = parent.get(path)
        assert response.status_code == 403
        assert "réservée aux personnels" in text(response)
    token = csrf_from(parent.get("/compte").text)
    for path in (f"{PAGE}/creer", f"{PAGE}/courriers", f"{PAGE}/{school.anne_account}/desactiver",
                 f"/administration/eleves/{school.pupils['omer']}/acces-suivi/retirer"):
        assert parent.post(path, data={"_csrf": token, "format": "pdf"}, follow_redirects=False).status_code == 403
    assert account(ANNE)["etat"] == "actif"
    assert not run(Eleve.select(Eleve.acces_suivi_retire).where(Eleve.id == school.pupils["omer"]).first().run())[
        "acces_suivi_retire"]


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"].startswith("/connexion?suivant=")


def test_staff_of_another_establishment_sees_and_touches_nothing(school, client_as, text):
    run(create_accounts(school.id))
    other = client_as("demo.chef")  # head of the demo collège
    page = text(other.get(PAGE))
    assert "COLLEGE JEAN MOULIN" in page and "COLLEGE DES ESSAIS" not in page and "nguessan" not in page
    assert other.get(f"{PAGE}?division={school.classes['6T']}").status_code == 404
    assert other.get(f"{PAGE}/creer?division={school.classes['6T']}").status_code == 404
    fatou = account("fatou.nguessan")["id"]
    attempts = [
        (f"{PAGE}/{fatou}/desactiver", {}),
        (f"{PAGE}/{school.anne_account}/desactiver", {}),
        (f"/administration/eleves/{school.pupils['aicha']}/acces-suivi/retirer", {}),
        (f"{PAGE}/creer", {"division": str(school.classes["6T"])}),
        (f"{PAGE}/courriers", {"format": "pdf", "division": str(school.classes["6T"])}),
    ]
    for path, data in attempts:
        assert post(other, path, **data).status_code == 404, path
    assert account("fatou.nguessan")["etat"] == "provisoire"
    assert not run(Eleve.select(Eleve.acces_suivi_retire).where(Eleve.id == school.pupils["aicha"]).first().run())[
        "acces_suivi_retire"]


def test_staff_cannot_act_on_accounts_of_another_school_nor_on_staff_accounts(school, staff):
    demo_parent = account("demo.parent")["id"]
    assert post(staff, f"{PAGE}/{demo_parent}/desactiver").status_code == 404
    own_staff = account(STAFF)["id"]
    assert post(staff, f"{PAGE}/{own_staff}/desactiver").status_code == 404
    assert post(staff, f"{PAGE}/999999/desactiver").status_code == 404
    lea = run(Eleve.select(Eleve.id).where(Eleve.prenom == "Léa").first().run())["id"]
    assert post(staff, f"/administration/eleves/{lea}/acces-suivi/retirer").status_code == 404
    assert account("demo.parent")["etat"] == "actif"


# --- refusal coupon: the account made unusable --------------------------------------------------------------


def test_a_disabled_account_loses_its_open_session_and_cannot_log_in(school, staff, client_as, new_client, login, text):
    run(create_accounts(school.id))
    activate("fatou.nguessan")
    fatou = client_as("fatou.nguessan")
    assert fatou.get(f"/eleves/{school.pupils['aicha']}/").status_code == 200
    compte = account("fatou.nguessan")["id"]
    token = run(tokens.issue(compte, tokens.RESET))

    response = post(staff, f"{PAGE}/{compte}/desactiver", eleve=str(school.pupils["aicha"]))
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?ok=desactive#eleve-{school.pupils['aicha']}"
    assert "Le compte est désormais inutilisable" in text(staff.get(response.headers["location"]))
    assert account("fatou.nguessan")["etat"] == "desactive"

    gone = fatou.get(f"/eleves/{school.pupils['aicha']}/", follow_redirects=False)
    assert gone.status_code == 302 and gone.headers["location"].startswith("/connexion")
    assert run(Session.count().where(Session.compte == compte).run()) == 0
    assert run(tokens.check(token, tokens.RESET)) is None  # a reset link cannot bring it back
    again = new_client()
    assert LOGIN_FAILED in text(login(again, "fatou.nguessan"))

    restored = post(staff, f"{PAGE}/{compte}/reactiver")
    assert restored.headers["location"] == f"{PAGE}?ok=reactive"
    assert account("fatou.nguessan")["etat"] == "actif"
    assert client_as("fatou.nguessan").get(f"/eleves/{school.pupils['aicha']}/").status_code == 200


def test_reactivation_returns_to_the_state_before(school, staff):
    run(create_accounts(school.id))
    compte = account("kouame.nguessan")["id"]
    post(staff, f"{PAGE}/{compte}/desactiver")
    post(staff, f"{PAGE}/{compte}/reactiver")
    assert account("kouame.nguessan")["etat"] == "provisoire"  # never used: first connection still to do
    run(Compte.update({Compte.attente_depuis: clock.now()}).where(Compte.id == compte).run())
    post(staff, f"{PAGE}/{compte}/desactiver")
    post(staff, f"{PAGE}/{compte}/reactiver")
    assert account("kouame.nguessan")["etat"] == "en_attente"
    assert run(Jeton.count().where((Jeton.compte == compte) & Jeton.utilise_le.is_null()).run()) == 0


# --- access to the follow-up services removed -----------------------------------------------------------------


def _route(label: str):
    @get("/")
    async def page(child: CurrentChild) -> str:
        return f"{label} de {child.prenom}"

    return page


@pytest.fixture(scope="module")
def app_with_services(portal_settings):
    """The portal with two services that have pages: a national one and an academic one."""
    plugin = SimpleNamespace(services=hookimpl(lambda: [
        ServiceSpec("essai_suivi", "Suivi national d'essai", national=True, routes=[_route("Suivi")]),
        ServiceSpec("essai_cahier", "Cahier de textes d'essai", routes=[_route("Cahier")]),
    ]))
    return create_app(portal_settings, extra_plugins={"essai_comptes": plugin})


def test_removing_access_takes_the_follow_up_services_from_an_open_session(
    school, client_as, app_with_services, main_text, text,
):
    run(create_accounts(school.id))
    activate("aicha.nguessan")
    activate("fatou.nguessan")
    aicha = school.pupils["aicha"]
    pupil = client_as("aicha.nguessan", app=app_with_services)
    parent = client_as("fatou.nguessan", app=app_with_services)
    staff = client_as(STAFF, app=app_with_services)
    home = main_text(pupil.get(f"/eleves/{aicha}/"))
    assert all(label in home for label in ("Les notes", "Les absences", "Le livret personnel de compétences"))
    assert pupil.get(f"/eleves/{aicha}/essai_suivi/").status_code == 200

    response = post(staff, f"/administration/eleves/{aicha}/acces-suivi/retirer", division=str(school.classes["6T"]))
    assert response.headers["location"] == f"{PAGE}?division={school.classes['6T']}&ok=acces_retire#eleve-{aicha}"
    listing = text(staff.get(response.headers["location"]))
    assert "L'accès de l'élève aux services de suivi" in listing and "accès retiré" in listing

    home = main_text(pupil.get(f"/eleves/{aicha}/"))
    assert not any(label in home for label in ("Les notes", "Les absences", "Le livret personnel de compétences"))
    assert "Cahier de textes d'essai" in home
    refused = pupil.get(f"/eleves/{aicha}/essai_suivi/")
    assert refused.status_code == 403 and ACCESS_REMOVED in text(refused)
    assert pupil.get(f"/eleves/{aicha}/essai_cahier/").text == "Cahier de Aïcha"
    # Her parents keep the follow-up: the removal concerns the pupil's own access.
    assert parent.get(f"/eleves/{aicha}/essai_suivi/").status_code == 200

    post(staff, f"/administration/eleves/{aicha}/acces-suivi/retablir")
    assert pupil.get(f"/eleves/{aicha}/essai_suivi/").status_code == 200
    assert "Les notes" in main_text(pupil.get(f"/eleves/{aicha}/"))


# --- the command line ---------------------------------------------------------------------------------------


@pytest.fixture
def teleservices(portal_app, monkeypatch):
    """``teleservices(*args)``: runs the command on the test database (tables already bound)."""
    monkeypatch.setattr(cli, "_portal", lambda settings: portal_app.state.plugins)

    def invoke(*args: str, catch: bool = False) -> Any:
        return invoke_cli(list(args), catch_exceptions=catch)

    return invoke


def test_command_line_creates_accounts_and_prints_letters(school, teleservices, tmp_path):
    created = teleservices("accounts", "create", "--uai", UAI, "--division", "5t",
                           "--out", str(tmp_path / "nouveaux.pdf"), "--csv", str(tmp_path / "nouveaux.csv"))
    assert created.exit_code == 0, created.output
    assert "2 compte(s) élève et 1 compte(s) de responsable créé(s) ; 1 responsable(s)" in created.output
    assert pdf_pages((tmp_path / "nouveaux.pdf").read_bytes()) == 4
    new_rows = csv_rows((tmp_path / "nouveaux.csv").read_bytes())
    omer = next(row for row in new_rows if row["identifiant"] == "omer.ozturk")
    assert check_password(account("omer.ozturk")["mot_de_passe"], omer["mot_de_passe_provisoire"])
    assert (tmp_path / "nouveaux.csv").stat().st_mode & 0o077 == 0  # passwords: for its owner only

    printed = teleservices("accounts", "letters", "--uai", UAI, "--out", str(tmp_path / "tous.pdf"),
                           "--csv", str(tmp_path / "tous.csv"))
    assert printed.exit_code == 0, printed.output
    assert "4 courrier(s), dont 3 avec un nouveau mot de passe provisoire." in printed.output
    assert pdf_pages((tmp_path / "tous.pdf").read_bytes()) == 4
    rows = {row["identifiant"]: row for row in csv_rows((tmp_path / "tous.csv").read_bytes())}
    assert check_password(account("omer.ozturk")["mot_de_passe"], rows["omer.ozturk"]["mot_de_passe_provisoire"])

    unknown = teleservices("accounts", "create", "--uai", "0000000X", catch=True)
    assert unknown.exit_code != 0 and "Établissement introuvable." in unknown.output
    wrong_class = teleservices("accounts", "letters", "--uai", UAI, "--division", "3V", "--out", str(tmp_path / "x.pdf"),
                               catch=True)
    assert wrong_class.exit_code != 0 and "Classe introuvable" in wrong_class.output


# --- search, activation rates, one pupil, a new provisional password ---------------------------------


def pupil_blocks(html: str) -> set[str]:
    """The ids of the pupils listed on the accounts page."""
    return set(re.findall(r'<tbody id="eleve-(\d+)">', html))


def test_staff_page_searches_by_kind_state_and_name(school, staff, text):
    run(create_accounts(school.id))
    activate(NEW_PUPIL_IDS["aicha"])
    everyone = staff.get(PAGE).text
    assert pupil_blocks(everyone) == {str(school.pupils[k]) for k, *_ in PUPILS}

    active = text(staff.get(PAGE, params={"etat": "actif"}))
    assert pupil_blocks(active) == {str(school.pupils["aicha"]), str(school.pupils["maelys"])}
    assert NEW_PUPIL_IDS["aicha"].split(".")[0] in active
    assert "fatou" not in active  # her account is still provisional

    pupils_only = text(staff.get(PAGE, params={"type": "eleve", "etat": "provisoire"}))
    assert "omer.<wbr>ozturk" in pupils_only and "mehmet" not in pupils_only

    # Accents and case do not matter, and several words must all match.
    found = staff.get(PAGE, params={"q": "oztURK"}).text
    assert pupil_blocks(found) == {str(school.pupils["omer"])}
    assert pupil_blocks(staff.get(PAGE, params={"q": "Aicha guessan"}).text) == {str(school.pupils["aicha"])}
    nothing = text(staff.get(PAGE, params={"q": "personne de ce nom"}))
    assert pupil_blocks(nothing) == set() and "Aucun compte ne correspond à la recherche." in nothing

    # Unknown filter values are ignored rather than failing.
    assert pupil_blocks(staff.get(PAGE, params={"type": "robot", "etat": "<b>"}).text) == pupil_blocks(everyone)


def test_staff_page_lists_who_still_has_no_account(school, staff, text):
    run(create_accounts(school.id, school.classes["6T"]))
    without = text(staff.get(PAGE, params={"etat": "aucun"}))
    assert pupil_blocks(without) == {str(school.pupils["maelys"]), str(school.pupils["omer"])}
    assert "Responsable légal 1\u00a0: M. Mehmet ÖZTÜRK" in without


def test_staff_page_shows_activation_rates_per_class(school, staff, text):
    run(create_accounts(school.id))
    activate(NEW_PUPIL_IDS["aicha"])
    activate(NEW_GUARDIAN_IDS["fatou"])
    page = text(staff.get(PAGE))
    rows = re.findall(r'<th scope="row"><a href="/administration/comptes\?division=\d+">(\w+)</a></th>\s*'
                      r'<td>(\d+)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', page)
    # 6T: 3 pupils, 1 of 3 pupil accounts active; 4 guardian accounts, 1 active.
    # 5T: Anne's account was active already (kept, linked), Mehmet's is new.
    assert rows == [
        ("5T", "2", "0 / 2<br>0\u00a0%", "1 / 2<br>50\u00a0%"),
        ("6T", "3", "1 / 3<br>33\u00a0%", "1 / 4<br>25\u00a0%"),
    ]


def test_accounts_of_one_pupil_are_created_from_the_list(school, staff, text):
    omer = school.pupils["omer"]
    confirmation = text(staff.get(f"{PAGE}/creer", params={"eleve": omer}))
    assert "l'élève Ömer ÖZTÜRK" in confirmation
    assert "<strong>1</strong> compte(s) élève" in confirmation
    response = post(staff, f"{PAGE}/creer", eleve=omer)
    assert response.status_code == 303 and response.headers["location"].endswith(f"#eleve-{omer}")
    assert set(identifiers_of(school)) == {NEW_PUPIL_IDS["omer"], NEW_GUARDIAN_IDS["mehmet"]}
    # Another establishment's pupil: refused, nothing created.
    assert post(staff, f"{PAGE}/creer", eleve=school.pupils["aine"]).status_code == 404
    assert staff.get(f"{PAGE}/creer", params={"eleve": "12abc"}).status_code == 404


def test_letters_of_one_pupil(school, staff):
    run(create_accounts(school.id))
    response = post(staff, f"{PAGE}/courriers", eleve=school.pupils["aicha"], format="csv")
    assert response.status_code == 200
    assert {row["identifiant"] for row in csv_rows(response.content)} == {
        NEW_PUPIL_IDS["aicha"], NEW_GUARDIAN_IDS["fatou"], NEW_GUARDIAN_IDS["kouame"]}


def test_new_provisional_password_and_letter(school, staff, login, new_client, text):
    run(create_accounts(school.id))
    activate(NEW_GUARDIAN_IDS["fatou"])
    family = new_client()
    login(family, NEW_GUARDIAN_IDS["fatou"], DEMO_PASSWORD)
    assert family.get("/compte", follow_redirects=False).status_code == 200
    compte_id = account(NEW_GUARDIAN_IDS["fatou"])["id"]

    response = post(staff, f"{PAGE}/{compte_id}/nouveau-mot-de-passe")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/pdf") and pdf_pages(response.content) == 1
    assert account(NEW_GUARDIAN_IDS["fatou"])["etat"] == "provisoire"
    # The open session and the old password are dead.
    assert family.get("/compte", follow_redirects=False).status_code in (302, 303)
    assert not run(Session.exists().where(Session.compte == compte_id).run())
    assert LOGIN_FAILED in text(login(new_client(), NEW_GUARDIAN_IDS["fatou"], DEMO_PASSWORD))

    # An account that sees no pupil of this establishment: refused, unchanged.
    homonym = school.extra_accounts[0]
    assert post(staff, f"{PAGE}/{homonym}/nouveau-mot-de-passe").status_code == 404
    assert account("arthur.dupont")["etat"] == "actif"
