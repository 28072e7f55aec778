"""The families' LPC pages (guide 3.6): the list of the current palier's compétences with their
dates and colour, a compétence's detail as a fragment and in the page, the history, the PDF (its
text names the pupil and each compétence's date), the guard on every route, and a constant
number of queries."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Callable, Iterator

import pytest
from pypdf import PdfReader

from teleservices.core.api import pupil_teaching_team, teacher_name
from teleservices.core.testing import run
from teleservices.plugins.lpc.tables import LpcLangue, LpcValidation

D = dt.date
TABLES = (LpcValidation, LpcLangue)


@pytest.fixture
def lea_lpc(demo) -> Iterator[Callable[..., None]]:
    """``lea_lpc({"P3.C1": date, ...}, langue=("ANGLAIS LV1", "A2", date, 3))``: Léa's LPC is exactly
    this for the test; the demo's rows come back after it."""
    saved = {t: run(t.select().where(t.eleve_id == demo.lea)) for t in TABLES}

    def set_lpc(validations: dict[str, dt.date], langue: tuple | None = None) -> None:
        for table in TABLES:
            run(table.delete().where(table.eleve_id == demo.lea))
        if validations:
            run(LpcValidation.insert(*(LpcValidation(etablissement_id=demo.college, eleve_id=demo.lea, code=code,
                                                     date=date) for code, date in validations.items())))
        if langue:
            nom, niveau, date, palier = langue
            run(LpcLangue.insert(LpcLangue(etablissement_id=demo.college, eleve_id=demo.lea, palier=palier,
                                           langue=nom, niveau=niveau, date=date)))

    yield set_lpc
    for table in TABLES:
        run(table.delete().where(table.eleve_id == demo.lea))
        if saved[table]:
            run(table.insert(*(table(**row) for row in saved[table])))


def url(demo, path=""):
    return f"/eleves/{demo.lea}/lpc/{path}"


def competences(page: str) -> list[str]:
    """Each compétence's block, tags removed."""
    blocks = re.findall(r'<li class="lpc-competence.*?</li>\s*(?=<li class="lpc-competence|</ul>)', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in blocks]


def test_the_list_of_the_current_palier_as_the_guide_shows_it(client_as, demo, text, lea_lpc):
    lea_lpc({"P2.C1": D(2024, 6, 20), "P3.C1": D(2026, 3, 12), "P3.C1.D1.I1": D(2026, 1, 5)},
            langue=("ANGLAIS LV1", "A2", D(2026, 5, 2), 3))
    page = text(client_as("demo.parent").get(url(demo)))
    assert "<h1>Le livret personnel de compétences</h1>" in page
    assert "Palier 3 (fin troisième)" in page and "(couleur du palier : vert)" in page and 'class="lpc-competence palier-3"' in page
    blocks = competences(page)
    assert len(blocks) == 7
    assert blocks[0].startswith("Compétence 1 – La maîtrise de la langue française validée le 12/03/2026")
    assert "1 item validé sur 13" in blocks[0]
    assert "non validée à ce jour" in blocks[1] and "La maîtrise du niveau A2 est validée en ANGLAIS LV1 le 02/05/2026" in blocks[1]
    assert all("non validée à ce jour" in b for b in blocks[2:])
    assert "Paliers précédents" in page and "Palier 2 (fin CM2)" in page and "(couleur du palier : orange)" in page
    assert f'href="/eleves/{demo.lea}/lpc/livret.pdf"' in page


def test_a_pupil_still_on_palier_2_sees_it_in_orange(client_as, demo, text, lea_lpc):
    lea_lpc({"P1.C1": D(2020, 6, 20), "P2.C3a.D1.I1": D(2026, 10, 1)})
    page = text(client_as("demo.parent").get(url(demo)))
    assert "Palier 2 (fin CM2)" in page and 'class="lpc-competence palier-2"' in page and len(competences(page)) == 8
    assert "Palier 1 (fin CE1)" in page.split("Paliers précédents")[1]


def test_nothing_validated_yet(client_as, demo, text, lea_lpc):
    lea_lpc({})
    page = text(client_as("demo.parent").get(url(demo)))
    assert "Palier 3 (fin troisième)" in page and page.count("non validée à ce jour") == 7
    assert "Paliers précédents" not in page


def test_the_detail_of_a_competence_as_a_fragment_and_without_javascript(client_as, demo, text, lea_lpc):
    lea_lpc({"P3.C3.D1.I2": D(2026, 9, 14)})
    parent = client_as("demo.parent")
    page = text(parent.get(url(demo)))
    assert f'href="/eleves/{demo.lea}/lpc/?competence=P3.C3#P3-C3"' in page
    assert f'hx-get="/eleves/{demo.lea}/lpc/competence/P3.C3"' in page and 'hx-target="#detail-P3-C3"' in page
    fragment = parent.get(url(demo, "competence/P3.C3"), headers={"HX-Request": "true", "HX-Target": "detail-P3-C3"})
    detail = text(fragment)
    assert "<html" not in fragment.text and "<main" not in fragment.text
    assert "Pratiquer une démarche scientifique et technologique" in detail
    assert "validé le 14/09/2026" in detail and detail.count("non validé") == 13
    sans_js = text(parent.get(url(demo) + "?competence=P3.C3"))
    assert "<html" in sans_js and "validé le 14/09/2026" in sans_js and 'aria-expanded="true"' in sans_js
    assert "validé le 14/09/2026" not in text(parent.get(url(demo)))  # closed by default
    direct = text(parent.get(url(demo, "competence/P3.C3")))
    assert "<html" in direct and "validé le 14/09/2026" in direct
    assert parent.get(url(demo, "competence/P2.C1")).status_code == 404  # not the current palier
    assert parent.get(url(demo, "competence/n-importe")).status_code == 404


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_pdf_names_the_pupil_and_each_competences_date(client_as, demo, lea_lpc):
    lea_lpc({"P3.C1": D(2026, 3, 12), "P3.C4": D(2026, 6, 2), "P3.C4.D1.I1": D(2026, 5, 4)},
            langue=("ANGLAIS LV1", "A2", D(2026, 5, 2), 3))
    response = client_as("demo.parent").get(url(demo, "livret.pdf"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert 'filename="livret-competences-lea-dupont.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "Bilan détaillé en date du" in text and "DUPONT Léa" in text and "14/03/2013" in text
    principal = next(teacher_name(r) for r in run(pupil_teaching_team(demo.lea)) if r["professeur_principal"])
    assert "classe de : 4G" in text and f"Professeur principal : {principal}" in text
    assert "La compétence 1 est validée le : 12/03/2026" in text and "La compétence 4 est validée le : 02/06/2026" in text
    for n in (2, 3, 5, 6, 7):
        assert f"La compétence {n} n'est pas validée à ce jour." in text
    assert "La maîtrise du niveau A2 est validée en ANGLAIS LV1 le : 02/05/2026" in text


ROUTES = ["", "?competence=P3.C1", "competence/P3.C1", "livret.pdf"]


def test_every_route_is_refused_to_another_family_and_to_a_pupil_whose_access_was_removed(
        client, client_as, demo, pupil_access_removed):
    other = client_as("demo.parent2")  # Léa's father: not Hugo's guardian
    for path in ROUTES:
        response = other.get(f"/eleves/{demo.hugo}/lpc/{path}")
        assert response.status_code == 404 and b"%PDF" not in response.content, path
        anonymous = client.get(url(demo, path), follow_redirects=False)
        assert anonymous.status_code == 302, path
    assert other.get(url(demo)).status_code == 200  # his own daughter
    pupil = client_as("demo.eleve")
    assert pupil.get(url(demo)).status_code == 200
    pupil_access_removed(demo.lea)
    for path in ROUTES:
        assert pupil.get(url(demo, path)).status_code == 403, path
    fragment = pupil.get(url(demo, "competence/P3.C1"), headers={"HX-Request": "true", "HX-Target": "detail-P3-C1"})
    assert fragment.status_code == 403


def test_the_lycee_has_not_opened_the_lpc(client_as, demo):
    assert client_as("demo.parent").get(f"/eleves/{demo.hugo}/lpc/").status_code == 403


def test_pages_and_pdf_cost_the_same_queries_with_nothing_or_everything_validated(
        client_as, demo, lea_lpc, queries, queries_of):
    from teleservices.plugins.lpc.grille import grille

    parent = client_as("demo.parent")
    paths = [(url(demo), {}), (url(demo, "competence/P3.C1"), {"HX-Request": "true", "HX-Target": "detail-P3-C1"}),
             (url(demo, "livret.pdf"), {})]

    lea_lpc({})
    nothing = queries_of(parent, *paths)
    lea_lpc({code: D(2026, 1, 5) for code in [*grille().competences, *grille().items]},
            langue=("ANGLAIS LV1", "A2", D(2026, 5, 2), 3))
    assert queries_of(parent, *paths) == nothing, queries
    assert max(nothing) <= 7
