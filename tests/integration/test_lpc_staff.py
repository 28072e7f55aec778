"""The teachers' page of the LPC (« Validation du livret personnel de compétences »): who may use
it and on which classes, the choice of class, palier and compétence, the grid and its labels,
saving (items and compétences validated with their date, dates kept, unticked rows deleted,
compétence 2's language level), refused forms that keep what was typed, forged pupils and codes,
CSRF, a constant number of queries, and what the family then sees."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from lpc_support import journal_actions, langues_of, lpc_class, lpc_journal, validations_of  # noqa: F401
from teleservices.core.api import pupils_of_structure, structures, today
from teleservices.core.tables import Division
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.lpc.grille import grille
from teleservices.plugins.lpc.tables import LpcValidation

PAGE = "/administration/lpc/"
HTMX_SAISIE = {"HX-Request": "true", "HX-Target": "lpc-saisie"}
C1 = grille().competences["P3.C1"]
C2 = grille().competences["P3.C2"]

pytestmark = pytest.mark.usefixtures("lpc_journal")


# --- helpers ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def classes(demo) -> dict[str, Any]:
    """Léa's class in the collège (4G), another of a different size, and a lycée class."""
    college = [s for s in run(structures(demo.college)) if s["type_structure"] == "D"]
    division = next(c for c in college if c["code_structure"] == "4G")
    size = len(run(pupils_of_structure(division["id"])))
    other = next(c for c in college if len(run(pupils_of_structure(c["id"]))) not in (0, size))
    lycee = next(s for s in run(structures(demo.lycee)) if s["type_structure"] == "D")
    return {"4G": division, "autre": other, "lycee": lycee}


@pytest.fixture
def eleves(classes, lpc_class) -> list[dict]:
    """The pupils of 4G, with nothing validated (the demo's rows come back after the test)."""
    return lpc_class(classes["4G"]["id"])


@pytest.fixture
def classe_sans_prof(demo) -> Iterator[dict]:
    """A class of the collège that demo.prof does not teach (no teaching service at all)."""
    [row] = run(Division.insert(Division(etablissement=demo.college, code_structure="3Z", libelle="3Z",
                                         type_structure="D")).returning(Division.id))
    yield {"id": row["id"], "code_structure": "3Z"}
    run(Division.delete().where(Division.id == row["id"]))


def url(division: dict, palier: int = 3, competence: str = "1", **params: Any) -> str:
    query = {"division": division["id"], "palier": palier, "competence": competence, **params}
    return PAGE + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def nom(pupil: dict) -> str:
    return f"{pupil['nom_de_famille']} {pupil['prenom']}"


def item(pupil: dict, code: str) -> str:
    return f"item-{pupil['id']}-{code}"


def f(kind: str, pupil: dict) -> str:
    return f"{kind}-{pupil['id']}"


class GridReader(HTMLParser):
    """The fields a browser submits from the grid's form: hidden, text and date inputs, checked
    boxes (several values for one name kept as a list)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.fields = False, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == PAGE and a.get("method") == "post"
        elif self.inside and tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.fields.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def grid_of(html: str) -> list[tuple[str, str]]:
    reader = GridReader()
    reader.feed(html)
    return reader.fields


def fields_of(html: str) -> dict[str, str]:
    return {name: value for name, value in grid_of(html) if name != "eleve"}


def form_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The fields as httpx posts them: each name with its values, in order."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def changed(fields: list[tuple[str, str]], changes: dict[str, str | None]) -> list[tuple[str, str]]:
    """``fields`` with ``changes`` (None unticks a box or drops a field)."""
    for name, value in changes.items():
        fields = [(n, v) for n, v in fields if n != name]
        if value is not None:
            fields.append((name, value))
    return fields


def post(client, fields: list[tuple[str, str]]):
    return client.post(PAGE, data=form_data(fields), follow_redirects=False)


def submit(client, page_url: str, extra: list[tuple[str, str]] = (), **changes: str | None):
    """Post the grid as the page shows it, with ``changes`` and ``extra`` fields."""
    fields = grid_of(client.get(page_url).text)
    assert any(name == "_csrf" for name, _ in fields)
    return post(client, [*changed(fields, changes), *extra])


def label_texts(html: str) -> dict[str, str]:
    """Each label's text (tags removed), by the id of its field."""
    return {target: " ".join(re.sub(r"<[^>]+>", "", body).split())
            for target, body in re.findall(r'<label for="([^"]+)">(.*?)</label>', html, re.S)}


def stored(pupils: list[dict]) -> dict[tuple[int, str], dt.date]:
    return {key: _date(row["date"]) for key, row in validations_of([p["id"] for p in pupils]).items()}


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def validate(pupil: dict, etablissement_id: int, codes: dict[str, dt.date]) -> None:
    run(LpcValidation.insert(*(LpcValidation(etablissement_id=etablissement_id, eleve_id=pupil["id"], code=code,
                                             date=date, saisie_par="essai") for code, date in codes.items())))


I = [i.code for i in C1.items]  # compétence 1's items, in the grid's order: I[0] is « Item 1 »
AVANT = dt.date(2025, 5, 12)


# --- who may use the page and on which classes ------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/connexion" and parse_qs(location.query)["suivant"][0].rstrip("/") == PAGE.rstrip("/")


@pytest.mark.parametrize("identifiant", ["demo.secretariat", "demo.cpe", "demo.parent", "demo.eleve"])
def test_other_staff_and_families_are_refused(client_as, identifiant):
    other = client_as(identifiant)
    assert other.get(PAGE, follow_redirects=False).status_code == 403
    token = csrf_from(other.get("/compte").text)
    assert other.post(PAGE, data={"_csrf": token}, follow_redirects=False).status_code == 403


@pytest.mark.parametrize("identifiant", ["demo.prof", "demo.chef"])
def test_teachers_and_the_head_reach_the_page_from_their_home(client_as, text, identifiant):
    staff = client_as(identifiant)
    assert 'href="/administration/lpc"' in text(staff.get("/"))
    page = text(staff.get(PAGE))
    assert "<h1>Validation du livret personnel de compétences</h1>" in page
    assert 'href="/static/lpc/personnels.css?v=' in page and 'src="/static/lpc/personnels.js?v=' in page
    assert "Choisissez une classe, un palier et une compétence, puis «\xa0Afficher\xa0»." in page


def test_a_teacher_works_on_their_own_classes_only(client_as, text, classes, classe_sans_prof, eleves):
    prof, chef = client_as("demo.prof"), client_as("demo.chef")
    page = text(prof.get(PAGE))
    assert f'<option value="{classes["4G"]["id"]}">4G</option>' in page
    assert f'<option value="{classe_sans_prof["id"]}">' not in page
    assert prof.get(url(classes["4G"])).status_code == 200
    token = csrf_from(page)
    for division in (classe_sans_prof, classes["lycee"], {"id": 999999}, {"id": "abc"}):
        assert prof.get(url(division), follow_redirects=False).status_code == 404
        posted = prof.post(PAGE, data={"_csrf": token, "division": str(division["id"]), "palier": "3",
                                       "competence": "1"}, follow_redirects=False)
        assert posted.status_code == 404
    # The head sees every class of the collège, none of the lycée.
    assert f'<option value="{classe_sans_prof["id"]}">3Z</option>' in text(chef.get(PAGE))
    assert "Aucun élève dans cette classe." in text(chef.get(url(classe_sans_prof)))
    assert chef.get(url(classes["lycee"])).status_code == 404
    assert validations_of([p["id"] for p in eleves]) == {}


# --- the choice and the grid ---------------------------------------------------------------------------------


def test_the_grid_has_a_labelled_card_per_pupil_and_a_numbered_legend(client_as, text, demo, classes, eleves):
    lea = next(p for p in eleves if p["id"] == demo.lea)
    page = text(client_as("demo.chef").get(PAGE + f"?division={classes['4G']['id']}"))  # palier 3, compétence 1

    assert '<option value="3" selected>Palier 3 (fin troisième)</option>' in page
    assert '<option value="2">Palier 2 (fin CM2)</option>' in page
    assert f'<option value="1" selected>{C1.libelle}</option>' in page
    assert f'<h2 class="lpc-titre">{C1.libelle}</h2>' in page
    assert f"Classe 4G · Palier 3 (fin troisième) · {len(eleves)} élèves" in page
    assert re.findall(r"<legend>(.*?)</legend>", page) == [nom(p) for p in eleves]
    labels = label_texts(page)
    assert labels[item(lea, I[2])] == "Item 3 – DUPONT Léa"
    assert labels[f("competence", lea)] == "Compétence validée – DUPONT Léa"
    assert labels[f("date", lea)] == "Date de validation – DUPONT Léa"
    assert labels["division"] == "Classe" and labels["palier"] == "Palier" and labels["competence"] == "Compétence"
    # The legend gives each number its wording; every box points at it.
    third = C1.items[2]
    assert f'<li value="3" id="libelle-3">{third.libelle}</li>' in page
    assert f'id="{item(lea, third.code)}" name="{item(lea, third.code)}" type="checkbox" value="1" ' \
           f'aria-describedby="libelle-3">' in page
    fields = grid_of(page)
    assert len([n for n, _ in fields if n.startswith("item-")]) == 0  # nothing ticked yet
    assert page.count('type="checkbox"') == len(eleves) * (len(C1.items) + 1)
    assert [v for n, v in fields if n == "eleve"] == [str(p["id"]) for p in eleves]
    assert "langue-" not in page  # the language is compétence 2's only


def test_palier_2_has_its_own_competences(client_as, text, classes, eleves):
    chef = client_as("demo.chef")
    page = text(chef.get(url(classes["4G"], palier=2, competence="3a")))
    options = re.findall(r'<option value="([^"]*)"[^>]*>Compétence', page)
    assert options == ["1", "2", "3a", "3b", "4", "5", "6", "7"]
    assert f'<h2 class="lpc-titre">{grille().competences["P2.C3a"].libelle}</h2>' in page
    assert 'id="item-' in page and "P2.C3a.D1.I1" in page

    # Compétence 3 is split at palier 2: asked for there, it is not found, and said so by its field.
    mismatch = text(chef.get(url(classes["4G"], palier=2, competence="3")))
    assert 'id="erreur-competence">Choisissez une compétence du palier 2.' in mismatch
    assert 'class="lpc-titre"' not in mismatch
    assert 'id="erreur-palier">Choisissez le palier 3 ou le palier 2.' in text(chef.get(url(classes["4G"], palier=1)))


def test_with_htmx_the_form_gets_the_region_alone(client_as, text, classes, eleves):
    response = client_as("demo.prof").get(url(classes["4G"]), headers=HTMX_SAISIE)
    page = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    assert '<div id="lpc-saisie"' in page and 'class="lpc-titre"' in page
    assert "<html" not in page and "<h1>" not in page
    assert 'hx-target="#lpc-saisie"' in page and 'hx-push-url="true"' in page
    # The palier's select asks for its own compétences at once, the first one chosen.
    assert """hx-include="closest form" hx-vals='{"competence": ""}'""" in page


# --- saving --------------------------------------------------------------------------------------------------------


def test_saving_validates_items_and_the_competence_with_their_dates(client_as, text, demo, classes, eleves):
    a, b = eleves[:2]
    chef = client_as("demo.chef")
    page_url = url(classes["4G"])
    saved = submit(chef, page_url, **{
        item(a, I[0]): "1", item(a, I[1]): "1", item(b, I[4]): "1",
        f("competence", a): "1", f("date", a): "",  # empty: the school's day
        f("competence", b): "1", f("date", b): f"{AVANT:%d/%m/%Y}",  # typed where there is no date picker
    })
    assert saved.status_code == 303
    location = saved.headers["location"]
    assert parse_qs(urlsplit(location).query) == {
        "division": [str(classes["4G"]["id"])], "palier": ["3"], "competence": ["1"], "ok": ["saisie"],
        "items_valides": ["3"], "items_retires": ["0"], "competences_validees": ["2"],
        "competences_modifiees": ["0"], "competences_retirees": ["0"]}
    assert stored(eleves) == {
        (a["id"], I[0]): today(), (a["id"], I[1]): today(), (b["id"], I[4]): today(),
        (a["id"], "P3.C1"): today(), (b["id"], "P3.C1"): AVANT}
    row = validations_of([a["id"]])[(a["id"], "P3.C1")]
    assert row["saisie_par"] == "demo.chef" and row["etablissement_id"] == demo.college

    page = text(chef.get(location))
    assert ("Les validations sont enregistrées : 3 item(s) validé(s), 0 retiré(s) ; 2 compétence(s) validée(s), "
            "0 modifiée(s), 0 retirée(s).") in page
    fields = fields_of(page)
    assert fields[item(a, I[0])] == "1" and item(a, I[2]) not in fields
    assert fields[f("competence", a)] == "1" and fields[f("date", a)] == today().isoformat()
    assert fields[f("date", b)] == AVANT.isoformat()
    lines = journal_actions()
    assert [(line["action"], line["identifiant"]) for line in lines] == [("lpc.validation", "demo.chef")]
    assert lines[0]["detail"] == ("LPC de la classe 4G, palier 3, compétence 1 : 3 item(s) validé(s), 0 retiré(s) ; "
                                  "2 compétence(s) validée(s), 0 modifiée(s), 0 retirée(s).")


def test_ticked_boxes_keep_their_date_and_unticked_ones_are_deleted(client_as, text, demo, classes, eleves):
    a, b = eleves[:2]
    validate(a, demo.college, {I[0]: AVANT, I[1]: AVANT, "P3.C1": AVANT})
    validate(b, demo.college, {I[0]: AVANT, "P3.C1": AVANT})
    prof = client_as("demo.prof")
    page_url = url(classes["4G"])
    assert fields_of(prof.get(page_url).text)[f("date", a)] == AVANT.isoformat()

    saved = submit(prof, page_url, **{
        item(a, I[1]): None, item(a, I[2]): "1",  # one unticked, one newly ticked, I[0] stays
        f("date", a): "",  # a validated compétence's date emptied: it keeps its date
        f("competence", b): None,  # b's compétence unticked (its date still shown): deleted
    })
    assert "items_valides=1&items_retires=1&competences_validees=0&competences_modifiees=0&competences_retirees=1" \
        in saved.headers["location"]
    assert stored(eleves) == {(a["id"], I[0]): AVANT, (a["id"], I[2]): today(), (a["id"], "P3.C1"): AVANT,
                              (b["id"], I[0]): AVANT}
    assert validations_of([a["id"]])[(a["id"], I[2])]["saisie_par"] == "demo.prof"

    # A new date for a validated compétence: one modified.
    moved = submit(prof, page_url, **{f("date", a): "2025-06-30"})
    assert "competences_modifiees=1" in moved.headers["location"]
    assert stored([a])[(a["id"], "P3.C1")] == dt.date(2025, 6, 30)

    unchanged = submit(prof, page_url)
    assert unchanged.headers["location"].endswith("ok=inchange")
    assert "Aucune validation n'a changé : rien n'a été enregistré." in text(prof.get(unchanged.headers["location"]))
    assert len(journal_actions()) == 2


def test_competence_2_is_validated_in_a_language_at_the_palier_level(client_as, text, demo, classes, eleves):
    a, b = eleves[:2]
    chef = client_as("demo.chef")
    page_url = url(classes["4G"], competence="2")
    page = text(chef.get(page_url))
    assert label_texts(page)[f("langue", a)] == f"Langue – {nom(a)}"
    assert f'<span class="lpc-niveau" id="niveau-{a["id"]}">niveau A2</span>' in page
    assert '<datalist id="lpc-langues"><option value="ANGLAIS LV1"><option value="ESPAGNOL LV2"></datalist>' in page

    refused = submit(chef, page_url, **{f("competence", a): "1", f("competence", b): "1",
                                        f("langue", b): "ESPAGNOL LV2"})
    page = text(refused)
    assert refused.status_code == 200
    assert f'id="erreur-{f("langue", a)}">Indiquez la langue (par exemple « ANGLAIS LV1 »).' in page
    assert fields_of(page)[f("langue", b)] == "ESPAGNOL LV2" and fields_of(page)[f("competence", a)] == "1"
    assert langues_of([a["id"], b["id"]]) == {}

    saved = submit(chef, page_url, **{f("competence", a): "1", f("langue", a): "  ANGLAIS   LV1 ",
                                      f("date", a): AVANT.isoformat()})
    assert saved.status_code == 303
    row = langues_of([a["id"]])[(a["id"], 3)]
    assert (row["langue"], row["niveau"], _date(row["date"]), row["saisie_par"]) == (
        "ANGLAIS LV1", "A2", AVANT, "demo.chef")
    assert stored([a]) == {(a["id"], "P3.C2"): AVANT}

    # Another language: the compétence is modified, its date kept.
    other_language = submit(chef, page_url, **{f("langue", a): "ALLEMAND LV1"})
    assert "competences_validees=0&competences_modifiees=1" in other_language.headers["location"]
    assert langues_of([a["id"]])[(a["id"], 3)]["langue"] == "ALLEMAND LV1"

    # At palier 2 the level is A1.
    submit(chef, url(classes["4G"], palier=2, competence="2"),
           **{f("competence", b): "1", f("langue", b): "ANGLAIS LV1"})
    assert langues_of([b["id"]])[(b["id"], 2)]["niveau"] == "A1"

    removed = submit(chef, page_url, **{f("competence", a): None})
    assert removed.status_code == 303 and (a["id"], 3) not in langues_of([a["id"]]) and stored([a]) == {}


def test_a_refused_grid_keeps_everything_typed_and_writes_nothing(client_as, text, classes, eleves):
    a, b, c, d = eleves[:4]
    demain = today() + dt.timedelta(days=1)
    prof = client_as("demo.prof")
    refused = submit(prof, url(classes["4G"]), **{
        item(a, I[0]): "1", f("competence", a): "1", f("date", a): demain.isoformat(),
        item(b, I[3]): "1", f("competence", b): "1", f("date", b): "31/02/2026",
        f("date", c): "2025-04-01",  # a date without the box
        item(d, I[5]): "1", f("competence", d): "1",  # valid, kept too
    })
    page = text(refused)
    assert refused.status_code == 200 and "Le formulaire contient 3 erreurs" in page
    assert f'id="erreur-{f("date", a)}">La date de validation ne peut pas être dans le futur.' in page
    assert f'id="erreur-{f("date", b)}">Saisissez la date de validation au format jj/mm/aaaa.' in page
    assert f'id="erreur-{f("date", c)}">Cochez « Compétence validée » pour la valider à cette date' in page
    assert f'aria-invalid="true" aria-describedby="erreur-{f("date", a)}"' in page
    fields = fields_of(page)
    assert fields[item(a, I[0])] == "1" and fields[f("date", a)] == demain.isoformat()
    assert fields[item(b, I[3])] == "1" and fields[f("date", b)] == "31/02/2026" and fields[f("competence", b)] == "1"
    assert fields[f("date", c)] == "2025-04-01" and f("competence", c) not in fields
    assert fields[item(d, I[5])] == "1" and fields[f("competence", d)] == "1"
    assert stored(eleves) == {} and journal_actions() == []


def test_a_pupil_who_is_not_in_the_class_is_refused(client_as, text, demo, classes, eleves):
    a = eleves[0]
    stranger = run(pupils_of_structure(classes["autre"]["id"]))[0]
    chef = client_as("demo.chef")
    for forged in ([(f"item-{demo.hugo}-{I[0]}", "1")], [("eleve", str(stranger["id"]))],
                   [(f"competence-{stranger['id']}", "1")]):
        response = submit(chef, url(classes["4G"]), extra=forged, **{item(a, I[0]): "1"})
        page = text(response)
        assert response.status_code == 200
        assert "Le formulaire nomme un élève qui n'est pas dans cette classe : rien n'a été enregistré." in page
        assert fields_of(page)[item(a, I[0])] == "1"
    assert stored([a]) == {} and journal_actions() == []


def test_a_code_that_is_not_the_competences_is_refused(client_as, text, classes, eleves):
    a = eleves[0]
    chef = client_as("demo.chef")
    page_url = url(classes["4G"])
    unknown = text(submit(chef, page_url, extra=[(item(a, "P3.C1.D9.I9"), "1")], **{item(a, I[0]): "1"}))
    assert "Code inconnu dans la grille du LPC : P3.C1.D9.I9. Rien n'a été enregistré." in unknown
    assert fields_of(unknown)[item(a, I[0])] == "1"
    other = text(submit(chef, page_url, extra=[(item(a, "P3.C2.D1.I1"), "1")]))
    assert f"L'item P3.C2.D1.I1 n'est pas un item de la {C1.libelle}." in other
    forged = text(submit(chef, page_url, competence="9", **{item(a, I[0]): "1"}))
    assert 'id="erreur-competence">Choisissez une compétence du palier 3.' in forged
    assert ("Le formulaire ne nomme pas une classe, un palier et une compétence de la grille : "
            "rien n'a été enregistré.") in forged
    assert stored([a]) == {} and journal_actions() == []


def test_a_pupil_left_out_of_the_form_keeps_their_rows(client_as, demo, classes, eleves):
    """A pupil who joined the class after the page was shown has no field: their rows stay."""
    a, b = eleves[:2]
    validate(b, demo.college, {I[0]: AVANT, "P3.C1": AVANT})
    chef = client_as("demo.chef")
    fields = [(n, v) for n, v in grid_of(chef.get(url(classes["4G"])).text)
              if f"-{b['id']}" not in n and not (n == "eleve" and v == str(b["id"]))]
    fields.append((item(a, I[0]), "1"))
    assert post(chef, fields).status_code == 303
    assert stored([a, b]) == {(a["id"], I[0]): today(), (b["id"], I[0]): AVANT, (b["id"], "P3.C1"): AVANT}


def test_a_save_without_its_csrf_token_is_refused(client_as, classes, eleves):
    chef = client_as("demo.chef")
    fields = [(n, v) for n, v in grid_of(chef.get(url(classes["4G"])).text) if n != "_csrf"]
    fields.append((item(eleves[0], I[0]), "1"))
    assert post(chef, fields).status_code == 403
    assert stored(eleves) == {}


# --- what the family sees -------------------------------------------------------------------------------------------


def test_the_family_sees_the_competence_validated_on_its_date(client_as, text, demo, classes, eleves):
    parent = client_as("demo.parent")
    family_page = f"/eleves/{demo.lea}/lpc/"
    assert "validée le" not in text(parent.get(family_page))
    lea = next(p for p in eleves if p["id"] == demo.lea)
    submit(client_as("demo.prof"), url(classes["4G"], competence="4"), **{
        f("competence", lea): "1", f("date", lea): AVANT.isoformat()})
    page = text(parent.get(family_page))
    assert f'<strong class="lpc-validee">validée le {AVANT:%d/%m/%Y}</strong>' in page
    assert page.count("validée le") == 1


# --- a constant number of queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("competence", ["1", "2"])
def test_the_page_costs_the_same_queries_whatever_the_class(client_as, classes, eleves, queries, competence):
    prof = client_as("demo.prof")
    counts = []
    for division in (classes["4G"], classes["autre"]):
        for headers in ({}, HTMX_SAISIE):
            queries.clear()
            assert prof.get(url(division, competence=competence), headers=headers).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_a_save_costs_the_same_queries_for_one_pupil_or_the_whole_class(client_as, classes, eleves, queries):
    chef = client_as("demo.chef")
    page_url = url(classes["4G"], competence="2")

    def cost(**changes: str | None) -> int:
        fields = changed(grid_of(chef.get(page_url).text), changes)
        queries.clear()
        response = post(chef, fields)
        assert response.status_code == 303, response.text
        return len(queries)

    codes = [i.code for i in C2.items]

    def tick(pupils: list[dict]) -> dict[str, str]:
        return {**{item(p, c): "1" for p in pupils for c in codes}, **{f("competence", p): "1" for p in pupils},
                **{f("langue", p): "ANGLAIS LV1" for p in pupils}}

    def untick(pupils: list[dict]) -> dict[str, None]:
        return {**{item(p, c): None for p in pupils for c in codes}, **{f("competence", p): None for p in pupils}}

    one = [cost(**tick(eleves[:1])), cost(**{f("langue", eleves[0]): "ALLEMAND LV1"}), cost(**untick(eleves[:1]))]
    every = [cost(**tick(eleves)), cost(**{f("langue", p): "ALLEMAND LV1" for p in eleves}), cost(**untick(eleves))]
    assert one == every, (one, every)
    assert stored(eleves) == {} and langues_of([p["id"] for p in eleves]) == {}
