"""The staff page « Import d'un fichier LPC » (plugins/lpc/import_page.py): the exchange XML read,
previewed with what it would change, written only on confirmation, in one transaction with its
audit line; every error listed with its line and nothing written; the head's only; the same
number of queries whatever the number of pupils.

The routes are tested where the LPC mounts them (/administration/lpc/import) once it does, and
until then in an app that mounts them as a service of their own."""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from lpc_support import journal_actions, lpc_journal, lpc_pupils, validations_of  # noqa: F401
from teleservices.core import clock
from teleservices.core.api import pupils_of_establishment
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.lpc import xml_import
from teleservices.plugins.lpc.tables import LpcValidation

pytestmark = pytest.mark.usefixtures("lpc_journal")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "lpc" / "import-lpc-exemple.xml"
AUJOURDHUI = dt.date(2026, 11, 20)
UTC = dt.timezone.utc
NAMESPACE = "urn:ac-grenoble.fr:lpc:import:v1.0"


@pytest.fixture(scope="module")
def mounted(portal_app: Any) -> tuple[Any, str]:
    """The app and the page's path (mounted with the LPC's staff pages)."""
    assert any(route.path == "/administration/lpc/import" for route in portal_app.routes)
    return portal_app, "/administration/lpc/import"


@pytest.fixture(autouse=True)
def horloge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(AUJOURDHUI, dt.time(10), tzinfo=UTC))


@pytest.fixture
def chef(client_as: Any, mounted: tuple[Any, str]) -> Any:
    return client_as("demo.chef", app=mounted[0])


def sample_for(a: dict, b: dict) -> bytes:
    """The synthetic sample, its two pupils being ``a`` and ``b`` (SIECLE ids of the database)."""
    text = SAMPLE.read_bytes().decode("iso-8859-15")
    text = text.replace('id="100001"', 'id="@A@"').replace('id="100002"', 'id="@B@"')
    return text.replace("@A@", a["eleve_id"]).replace("@B@", b["eleve_id"]).encode("iso-8859-15")


def fichier_de(pupils: list[dict], codes: dict[str, str]) -> bytes:
    """A file validating, for every pupil, the items « domaine.item » of compétence 3 of palier 3."""
    items = "".join(f'<item id="{ident}"><renseignement><date>{jour}</date></renseignement></item>'
                    for ident, jour in codes.items())
    eleves = "".join(f'<eleve id="{p["eleve_id"]}"><palier id="3"><competence id="3">{items}</competence></palier>'
                     "</eleve>" for p in pupils)
    return (f'<?xml version="1.0" encoding="UTF-8"?><lpc xmlns="{NAMESPACE}"><entete><etablissement>0599901K'
            f"</etablissement></entete><donnees>{eleves}</donnees></lpc>").encode()


def upload(client: Any, path: str, content: bytes, name: str = "import-lpc.xml") -> Any:
    token = csrf_from(client.get(path).text)
    return client.post(path, data={"_csrf": token}, files={"fichier": (name, content, "text/xml")},
                       follow_redirects=False)


def confirm_fields(html: str) -> dict[str, str]:
    """The hidden fields of the preview's confirmation form, as a browser would send them."""
    form = re.search(r'<form method="post" action="[^"]*/import/confirmer"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no confirmation form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


def validate(pupil: dict, code: str, jour: dt.date, etablissement_id: int) -> None:
    run(LpcValidation.insert(LpcValidation(etablissement_id=etablissement_id, eleve_id=pupil["id"], code=code,
                                           date=jour, saisie_par="Mme Professeure")))


def test_the_lpc_page_links_to_the_import_for_the_head_only(client_as, text):
    assert 'href="/administration/lpc/import"' in text(client_as("demo.chef").get("/administration/lpc/"))
    assert "/administration/lpc/import" not in text(client_as("demo.prof").get("/administration/lpc/"))


def test_a_file_is_previewed_then_written_on_confirmation(chef, mounted, text, demo, lpc_pupils):
    _, path = mounted
    a, b = lpc_pupils(demo.college, 2)
    validate(a, "P3.C1", dt.date(2026, 9, 30), demo.college)  # the file gives another date
    validate(a, "P3.C2.D1.I1", dt.date(2026, 10, 1), demo.college)  # the file says « non validé »
    before = validations_of([a["id"], b["id"]])

    preview = upload(chef, path, sample_for(a, b), name="C:\\Exports\\import-lpc-1764.xml")
    page = text(preview)
    assert preview.status_code == 200
    assert "Fichier : import-lpc-1764.xml, exporté par SUIVI DES COMPETENCES (EXEMPLE) pour l'établissement 0599901K" in page
    assert ("Le fichier est lisible : 2 élève(s). À l'import : 7 validation(s) ajoutée(s), 1 date(s) modifiée(s), "
            "0 inchangée(s), 1 validation(s) retirée(s).") in " ".join(page.split())
    assert f'<th scope="row" class="eleve">{a["nom_de_famille"]} {a["prenom"]}</th>' in page
    assert "rien n'est encore enregistré" in page
    assert '<link rel="stylesheet" href="/static/lpc/import.css?v=' in page  # cards on a phone
    assert chef.get("/static/lpc/import.css").status_code == 200
    assert validations_of([a["id"], b["id"]]) == before and journal_actions() == []

    confirmed = chef.post(f"{path}/confirmer", data=confirm_fields(preview.text), follow_redirects=False)
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"{path}?ok=import&validees=7&modifiees=1&inchangees=0&retirees=1"
    rows = validations_of([a["id"], b["id"]])
    assert {k: (r["date"], r["saisie_par"]) for k, r in rows.items()} == {
        (a["id"], "P3.C1"): (dt.date(2026, 11, 5), "demo.chef"),
        (a["id"], "P3.C1.D1.I1"): (dt.date(2026, 10, 12), "demo.chef"),
        (a["id"], "P3.C1.D1.I2"): (dt.date(2026, 10, 12), "demo.chef"),
        (a["id"], "P3.C1.D2.I4"): (dt.date(2026, 10, 19), "demo.chef"),
        (a["id"], "P2.C3a"): (dt.date(2024, 6, 14), "demo.chef"),
        (b["id"], "P3.C7"): (dt.date(2026, 11, 16), "demo.chef"),
        (b["id"], "P3.C7.D1.I1"): (dt.date(2026, 11, 16), "demo.chef"),
        (b["id"], "P3.C7.D3.I2"): (dt.date(2026, 11, 16), "demo.chef"),
    }
    assert all(r["etablissement_id"] == demo.college for r in rows.values())
    [line] = journal_actions("lpc.import")
    assert line["identifiant"] == "demo.chef" and line["detail"] == (
        "Import du fichier LPC « import-lpc-1764.xml » (2 élève(s)) : 7 validée(s), 1 modifiée(s), 0 inchangée(s), "
        "1 retirée(s).")
    assert ("Le fichier est importé : 7 validation(s) ajoutée(s), 1 date(s) modifiée(s), 0 inchangée(s), "
            "1 validation(s) retirée(s).") in " ".join(text(chef.get(confirmed.headers["location"])).split())

    again = upload(chef, path, sample_for(a, b))
    assert "0 validation(s) ajoutée(s), 0 date(s) modifiée(s), 9 inchangée(s), 0 validation(s) retirée(s)" in \
        " ".join(text(again).split())


def test_a_bad_file_lists_every_error_and_writes_nothing(chef, mounted, text, demo, lpc_pupils):
    _, path = mounted
    a, b = lpc_pupils(demo.college, 2)
    lycee_pupil = run(pupils_of_establishment(demo.lycee))[0]
    content = sample_for(a, lycee_pupil).replace(b'<competence id="1">', b'<competence id="9">')
    response = upload(chef, path, content, name="lpc.xml")
    page = text(response)
    assert response.status_code == 200
    assert "Le fichier lpc.xml contient 2 erreur(s) : rien n'a été importé." in page
    assert "Compétence inconnue au palier 3 : « 9 » (compétences : 1, 2, 3, 4, 5, 6, 7).</td>" in page
    assert f"Élève inconnu dans l'établissement, ou sorti : ELEVE_ID {lycee_pupil['eleve_id']} (MARTIN Noé).</td>" in page
    assert re.search(r"<tr><td>\d+</td><td>Compétence inconnue", page)
    assert "/import/confirmer" not in page and 'name="fichier"' in page
    assert validations_of([a["id"], lycee_pupil["id"]]) == {} and journal_actions() == []


@pytest.mark.parametrize("content, expected", [
    (b"<lpc>", "Le fichier n'est pas un XML bien formé"),
    (b'<?xml version="1.0"?><lpc xmlns="urn:autre"><donnees/></lpc>', "Espace de noms inattendu : « urn:autre »"),
    (fichier_de([], {}).replace(b"0599901K", b"0599902L"), "Ce fichier est celui de l'établissement 0599902L, pas "
                                                           "du vôtre (0599901K) : rien n'est importé."),
], ids=["xml-mal-forme", "espace-de-noms", "autre-etablissement"])
def test_a_file_that_cannot_be_imported(chef, mounted, text, content, expected):
    page = text(upload(chef, mounted[1], content))
    assert expected in page and "rien n'a été importé" in page and "/import/confirmer" not in page
    assert journal_actions() == []


def test_no_file_is_said_next_to_the_field(chef, mounted, text):
    path = mounted[1]
    token = csrf_from(chef.get(path).text)
    page = text(chef.post(path, data={"_csrf": token}, files={"fichier": ("", b"", "text/xml")}))
    assert ('<span class="erreur-champ" id="erreur-fichier">Choisissez le fichier XML exporté par l\'outil de suivi '
            'des compétences.</span>') in page
    assert 'aria-describedby="erreur-fichier"' in page


def test_a_confirmation_is_read_again_before_anything_is_written(chef, mounted, text, demo, lpc_pupils):
    path = mounted[1]
    a, b = lpc_pupils(demo.college, 2)
    fields = confirm_fields(upload(chef, path, sample_for(a, b)).text)
    broken = {**fields, "contenu": "pas du base64 !"}
    bad = {**fields, "contenu": base64.b64encode(sample_for(a, b).replace(b'id="3a"', b'id="3c"')).decode()}
    for sent in (broken, bad, {"_csrf": fields["_csrf"]}):
        response = chef.post(f"{path}/confirmer", data=sent)
        assert "Le fichier n'a pas pu être importé : envoyez-le de nouveau." in text(response)
    assert validations_of([a["id"], b["id"]]) == {} and journal_actions() == []


def test_the_import_is_the_head_s(client_as, mounted, demo):
    app, path = mounted
    prof = client_as("demo.prof", app=app)
    assert prof.get(path, follow_redirects=False).status_code == 403
    token = csrf_from(prof.get("/").text)
    assert prof.post(path, data={"_csrf": token}, files={"fichier": ("a.xml", b"<lpc/>", "text/xml")},
                     follow_redirects=False).status_code == 403
    assert prof.post(f"{path}/confirmer", data={"_csrf": token, "contenu": ""},
                     follow_redirects=False).status_code == 403
    parent = client_as("demo.parent", app=app)
    assert parent.get(path, follow_redirects=False).status_code == 403
    assert client_as("demo.chef", app=app).get(path).status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_pupils(chef, mounted, demo, lpc_pupils, queries):
    path = mounted[1]
    pupils = lpc_pupils(demo.college, 12)
    codes = {f"{d}.{i}": "2026-11-02" for d, i in ((1, 1), (1, 2), (2, 1), (3, 5))}
    token = csrf_from(chef.get(path).text)

    def measure(content: bytes, expected: str) -> tuple[int, int]:
        queries.clear()
        preview = chef.post(path, data={"_csrf": token}, files={"fichier": ("f.xml", content, "text/xml")})
        assert expected in " ".join(preview.text.split()), preview.text
        read = len(queries)
        queries.clear()
        chef.post(f"{path}/confirmer", data=confirm_fields(preview.text), follow_redirects=False)
        return read, len(queries)

    few = measure(fichier_de(pupils[:1], codes), "1 élève(s). À l'import : 4 validation(s) ajoutée(s)")
    many = measure(fichier_de(pupils, codes), "12 élève(s). À l'import : 44 validation(s) ajoutée(s), "
                                              "0 date(s) modifiée(s), 4 inchangée(s)")
    assert few == many, (few, many)
    assert len(validations_of([p["id"] for p in pupils])) == 48


def test_a_file_near_the_size_limit_goes_through_and_a_larger_one_is_refused(chef, mounted, text, demo, lpc_pupils):
    path = mounted[1]
    [a] = lpc_pupils(demo.college, 1)
    small = fichier_de([a], {"1.1": "2026-11-02"})
    padding = b"<application>" + b"X" * (xml_import.MAX_BYTES - len(small) - 100) + b"</application>"
    large = small.replace(b"<entete>", b"<entete>" + padding)
    preview = upload(chef, path, large)
    assert "À l'import : 1 validation(s) ajoutée(s)" in " ".join(text(preview).split())
    confirmed = chef.post(f"{path}/confirmer", data=confirm_fields(preview.text), follow_redirects=False)
    assert confirmed.status_code == 303 and len(validations_of([a["id"]])) == 1
    too_large = large.replace(b"<entete>", b"<entete>" + b" " * 200)
    assert "Le fichier dépasse 5 Mo." in text(upload(chef, path, too_large))
