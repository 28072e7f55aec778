"""The families' notes pages: the label contract, statistics, filters, publication (only
published grades, everywhere), averages, "nouveau", and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from notes_famille_support import classe, dans, devoirs, notes_options, visites_effacees  # noqa: F401
from teleservices.core import clock

HTMX_RESULTATS = {"HX-Request": "true", "HX-Target": "notes-resultats"}
HTMX_DIALOGUE = {"HX-Request": "true", "HX-Target": "notes-dialogue-contenu"}


def url(demo, path=""):
    return f"/eleves/{demo.lea}/notes/{path}"


def row_of(page: str, libelle: str) -> str:
    """The table row of an assessment, tags removed, cells separated by « | »."""
    for row in re.findall(r"<tr\b.*?</tr>", page, re.S):
        if libelle in row:
            cells = re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)
            return " | ".join(" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells)
    raise AssertionError(f"no row for {libelle!r}")


def test_the_page_follows_the_label_contract(client_as, demo, text, classe, devoirs):
    devoirs("Contrôle contrat", dans(classe.periodes["T1"]), {demo.lea: 14.5}, matiere="FRANC")
    page = text(client_as("demo.parent").get(url(demo) + "?periode=T1"))
    assert "<h1>Les notes : liste des notes</h1>" in page
    assert '<label for="notes-periode">Filtre par</label>' in page and '<label for="notes-matiere">et par</label>' in page
    assert '<option value="toutes">(Toutes les périodes)</option>' in page
    assert '<option value="T1" selected>T1</option>' in page and '<option value="T3">T3</option>' in page
    assert re.search(r'<option value="20\d\d-09">Septembre 20\d\d</option>', page)
    assert '<option value="">(Toutes les matières)</option>' in page
    assert re.search(r'<option value="\d+">FRANCAIS</option>', page)
    assert ">Valider</button>" in page and "<caption>Liste des notes</caption>" in page
    headers = re.findall(r'<th scope="col">(.*?)</th>', page.split("<caption>Liste des notes</caption>")[1].split("</thead>")[0])
    assert [re.sub(r"<[^>]+>", "", h) for h in headers] == ["Matière", "Contrôle", "Date", "Note", "Moy", "Mi", "Ma", "Co"]
    assert '<abbr title="Moyenne de la classe">Moy</abbr>' in page
    assert "ABS : absent" in page and "DIS : dispensé" in page and "N.NOT : non noté" in page
    assert row_of(page, "Contrôle contrat").startswith("FRANCAIS Mme PETIT | Contrôle contrat")
    assert f'href="/eleves/{demo.lea}/notes/equipe"' in page and "> équipe pédagogique" in page
    assert "Moyennes de la période" in page and "Moyenne générale" in page and "Comment est-elle calculée ?" in page
    assert 'role="img"' in page and "<desc id=" in page


def test_statistics_use_the_numeric_grades_of_the_assessment(client_as, demo, text, classe, devoirs):
    a, b, c = classe.camarades[:3]
    devoirs("Contrôle stats", dans(classe.periodes["T1"]), {demo.lea: 10, a: 16, b: "ABS", c: 7}, coefficient=2, bareme=20)
    devoirs("Interro sur 10", dans(classe.periodes["T1"], 12), {demo.lea: "NNOT", a: 8, b: 4})
    page = text(client_as("demo.parent").get(url(demo) + "?periode=T1"))
    assert row_of(page, "Contrôle stats").endswith("| 10 | 11 | 7 | 16 | 2")
    assert row_of(page, "Interro sur 10").endswith("| N.NOT | 6 | 4 | 8 | 1")


def test_unpublished_grades_appear_nowhere(client_as, demo, text, classe, devoirs):
    t1 = classe.periodes["T1"]
    devoirs("Contrôle publié", dans(t1), {demo.lea: 12, classe.camarades[0]: 14})
    parent = client_as("demo.parent")
    maths = url(demo) + f"moyenne?matiere={classe.matieres['MATHS']}&periode=T1"
    averages = re.findall(r"<strong>[\d,–]+</strong> sur 20", parent.get(maths).text)
    devoirs("Contrôle secret", dans(t1, 20), {demo.lea: 19.75, classe.camarades[0]: 0.75}, publie=False)
    for page in (
        parent.get(url(demo) + "?periode=T1").text,
        parent.get(url(demo) + "?periode=toutes", headers=HTMX_RESULTATS).text,
        parent.get(maths).text,
        parent.get(url(demo) + "moyenne?periode=T1", headers=HTMX_DIALOGUE).text,
        client_as("demo.eleve").get(url(demo) + "?periode=T1").text,
    ):
        assert "secret" not in page and "19,75" not in page and ">0,75<" not in page
    assert re.findall(r"<strong>[\d,–]+</strong> sur 20", parent.get(maths).text) == averages


def test_a_revoked_publication_hides_the_grades_again(client_as, demo, text, classe, devoirs):
    from teleservices.core.testing import run
    from teleservices.plugins.notes.tables import NotesDevoir

    devoir = devoirs("Contrôle retiré", dans(classe.periodes["T1"]), {demo.lea: 12})
    parent = client_as("demo.parent")
    assert "Contrôle retiré" in text(parent.get(url(demo) + "?periode=T1"))
    run(NotesDevoir.update({NotesDevoir.publie: False, NotesDevoir.publie_le: None}).where(NotesDevoir.id == devoir))
    assert "Contrôle retiré" not in text(parent.get(url(demo) + "?periode=T1"))


def test_filters_by_period_month_and_subject(client_as, demo, text, classe, devoirs):
    t1, t2 = classe.periodes["T1"], classe.periodes["T2"]
    devoirs("Devoir T1 maths", dans(t1, 3), {demo.lea: 11})
    devoirs("Devoir T2 maths", dans(t2, 3), {demo.lea: 12})
    devoirs("Devoir T2 anglais", dans(t2, 4), {demo.lea: 13}, matiere="AGL1")
    parent = client_as("demo.parent")

    def shown(query: str, **headers) -> set[str]:
        page = text(parent.get(url(demo) + query, headers=headers))
        return {name for name in ("Devoir T1 maths", "Devoir T2 maths", "Devoir T2 anglais") if name in page}

    assert shown("?periode=T1") == {"Devoir T1 maths"}
    assert shown("?periode=T2") == {"Devoir T2 maths", "Devoir T2 anglais"}
    assert shown(f"?periode=T2&matiere={classe.matieres['AGL1']}") == {"Devoir T2 anglais"}
    assert shown("?periode=toutes") == {"Devoir T1 maths", "Devoir T2 maths", "Devoir T2 anglais"}
    month = dans(t2, 3).strftime("%Y-%m")
    assert "Devoir T2 maths" in shown(f"?periode={month}", **HTMX_RESULTATS)
    assert "Devoir T1 maths" not in shown(f"?periode={month}")
    # The fragment is the results region alone; the page keeps the form.
    fragment = parent.get(url(demo) + "?periode=T2", headers=HTMX_RESULTATS).text
    assert 'id="notes-resultats"' in fragment and "<form" not in fragment and "<h1>" not in fragment


def test_the_default_period_is_the_current_one(client_as, demo, text, classe, devoirs, monkeypatch):
    t1, t2 = classe.periodes["T1"], classe.periodes["T2"]
    devoirs("Devoir T1 défaut", dans(t1), {demo.lea: 11})
    devoirs("Devoir T2 défaut", dans(t2), {demo.lea: 12})
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(dans(t2, 20), dt.time(12), tzinfo=dt.timezone.utc))
    page = text(client_as("demo.parent").get(url(demo)))
    assert '<option value="T2" selected>T2</option>' in page
    assert "Devoir T2 défaut" in page and "Devoir T1 défaut" not in page


def test_publication_from_a_date_per_period(client_as, demo, text, classe, devoirs, notes_options):
    devoirs("Devoir à date", dans(classe.periodes["T1"]), {demo.lea: 15})
    parent = client_as("demo.parent")
    today = clock.now().date()
    notes_options(publication="a_partir_du", publication_t1=(today + dt.timedelta(days=1)).isoformat())
    assert "Devoir à date" not in text(parent.get(url(demo) + "?periode=T1"))
    notes_options(publication="a_partir_du", publication_t1="")
    assert "Devoir à date" not in text(parent.get(url(demo) + "?periode=T1"))
    notes_options(publication="a_partir_du", publication_t1=today.isoformat())
    assert "Devoir à date" in text(parent.get(url(demo) + "?periode=T1"))
    notes_options(publication="au_fil_de_l_eau", publication_t1=(today + dt.timedelta(days=30)).isoformat())
    assert "Devoir à date" in text(parent.get(url(demo) + "?periode=T1"))


def test_averages_and_how_they_are_computed(client_as, demo, text, classe, devoirs):
    t1 = classe.periodes["T1"]
    parent = client_as("demo.parent")
    # Only these grades in SVT for T1 (the demo gives Léa none there: SVT is taught... let us check).
    devoirs("SVT un", dans(t1, 1), {demo.lea: 12}, matiere="SVT", coefficient=1)
    devoirs("SVT deux", dans(t1, 2), {demo.lea: 8}, matiere="SVT", coefficient=2, bareme=10)
    devoirs("SVT absent", dans(t1, 3), {demo.lea: "ABS"}, matiere="SVT", coefficient=3)
    devoirs("SVT caché", dans(t1, 4), {demo.lea: 0}, matiere="SVT", publie=False)
    dialog = text(parent.get(url(demo) + f"moyenne?matiere={classe.matieres['SVT']}&periode=T1", headers=HTMX_DIALOGUE))
    assert "<h1" not in dialog and "Notes prises en compte" in dialog and "Notes non prises en compte" in dialog
    taken, left = dialog.split("Notes non prises en compte")
    assert "SVT un" in taken and "SVT deux" in taken and "8/10, soit 16/20, coefficient 2" in taken
    assert "SVT absent" in left and "ABS : absent" in left and "SVT caché" not in dialog
    demo_svt = [m for m in re.findall(r"<li>(.*?)</li>", taken) if "SVT" not in m]
    if not demo_svt:  # Léa has no demo grade in SVT for T1: (12 + 2 × 16) / 3
        assert "<strong>14,67</strong> sur 20" in dialog
    page = text(parent.get(url(demo) + f"moyenne?matiere={classe.matieres['SVT']}&periode=T1"))
    assert "<h1" not in page or "Les notes" not in page.split("<h1")[1][:40]
    assert "Retour à la liste des notes" in page and "_entete_eleve" not in page
    general = text(parent.get(url(demo) + "moyenne?periode=T1"))
    assert "Moyenne générale (T1) : comment est-elle calculée ?" in general and "chaque matière compte autant" in general


def test_the_teaching_team(client_as, demo, text):
    parent = client_as("demo.parent")
    dialog = text(parent.get(url(demo) + "equipe", headers=HTMX_DIALOGUE))
    assert "Équipe pédagogique" in dialog and "<header" not in dialog
    assert re.search(r"<dt>MATHEMATIQUES</dt><dd>(Mme|M\.) [A-Z]+", dialog)
    assert re.search(r"Professeur principal : <strong>(Mme|M\.) [A-Z]+</strong>", dialog)
    page = text(parent.get(url(demo) + "equipe"))
    assert "<header" in page and "Retour à la liste des notes" in page and "Équipe pédagogique" in page


def test_new_grades_carry_a_badge_until_the_next_visit(client_as, demo, text, classe, devoirs, visites_effacees, monkeypatch):
    t1 = classe.periodes["T1"]
    devoirs("Ancien devoir", dans(t1, 1), {demo.lea: 11}, publie_le=clock.now() - dt.timedelta(days=30))
    devoirs("Devoir récent", dans(t1, 2), {demo.lea: 13}, publie_le=clock.now() - dt.timedelta(days=1))
    parent = client_as("demo.parent")
    page = text(parent.get(url(demo) + "?periode=T1"))  # a first visit: the last week is new
    assert "badge-nouveau" in row_of_html(page, "Devoir récent") and "badge-nouveau" not in row_of_html(page, "Ancien devoir")
    # Filtering within the same visit keeps the badge, with or without JavaScript.
    assert "nouveau" in row_of(text(parent.get(url(demo) + "?periode=T1", headers=HTMX_RESULTATS)), "Devoir récent")
    assert "nouveau" in row_of(text(parent.get(url(demo) + "?periode=T1")), "Devoir récent")
    # An hour later, a new visit: nothing is new any more, until a grade is published.
    later = clock.now() + dt.timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    page = text(parent.get(url(demo) + "?periode=T1"))
    assert "Devoir récent" in page and "badge-nouveau" not in page
    devoirs("Devoir du jour", dans(t1, 3), {demo.lea: 9}, publie_le=later + dt.timedelta(seconds=1))
    monkeypatch.setattr(clock, "now", lambda: later + dt.timedelta(hours=1))
    page = text(parent.get(url(demo) + "?periode=T1"))
    assert "badge-nouveau" in row_of_html(page, "Devoir du jour")
    assert page.count('class="badge-nouveau"') == 1


def row_of_html(page: str, libelle: str) -> str:
    return next(row for row in re.findall(r"<tr\b.*?</tr>", page, re.S) if libelle in row)




def test_page_and_fragment_cost_the_same_queries_for_10_and_300_grades(client_as, demo, classe, devoirs, queries):
    parent = client_as("demo.parent")
    subjects = sorted(classe.matieres)
    t1 = classe.periodes["T1"]

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            devoirs(f"Série {i}", dans(t1, i % 80), {demo.lea: i % 21, classe.camarades[0]: 10},
                    matiere=subjects[i % len(subjects)])

    def cost() -> tuple[int, int]:
        counts = []
        for headers in ({}, HTMX_RESULTATS):
            queries.clear()
            assert parent.get(url(demo) + "?periode=toutes", headers=headers).status_code == 200
            counts.append(len(queries))
        return tuple(counts)

    add(10, 0)
    with_10 = cost()
    add(290, 10)
    page = parent.get(url(demo) + "?periode=toutes").text
    assert "Série 299" in page and "Série 0" in page
    assert cost() == with_10


@pytest.mark.parametrize("path", ["", "?periode=T2", "equipe", "moyenne?periode=T1"])
def test_the_guard_of_every_notes_page(client_as, demo, path, service_opened, pupil_access_removed):
    headers = HTMX_DIALOGUE if path.startswith(("equipe", "moyenne")) else HTMX_RESULTATS
    # Another family's child: the same 404 as an unknown one.
    parent2 = client_as("demo.parent2")
    assert parent2.get(f"/eleves/{demo.hugo}/notes/{path}").status_code == 404
    assert parent2.get(f"/eleves/{demo.hugo}/notes/{path}", headers=headers).status_code == 404
    # The pupil whose access was removed.
    eleve = client_as("demo.eleve")
    assert eleve.get(url(demo, path)).status_code == 200
    pupil_access_removed(demo.lea)
    assert eleve.get(url(demo, path)).status_code == 403
    assert eleve.get(url(demo, path), headers=headers).status_code == 403
    assert client_as("demo.parent").get(url(demo, path)).status_code == 200  # parents keep it
    # The establishment closed the service.
    service_opened(demo.college, "notes", False)
    assert client_as("demo.parent").get(url(demo, path)).status_code == 403
    assert client_as("demo.parent").get(url(demo, path), headers=headers).status_code == 403


def test_merged_accounts_keep_the_visits(demo):
    from teleservices.core.testing import run
    from teleservices.plugins.notes.famille import fusionner_visites
    from teleservices.plugins.notes.tables import NotesVisite

    now = clock.now()
    kept, merged = 990001, 990002
    run(NotesVisite.insert(
        NotesVisite(compte_id=kept, eleve_id=demo.lea, vu_le=now, nouveau_depuis=now),
        NotesVisite(compte_id=merged, eleve_id=demo.lea, vu_le=now, nouveau_depuis=now),
        NotesVisite(compte_id=merged, eleve_id=demo.hugo, vu_le=now, nouveau_depuis=now),
    ))
    try:
        run(fusionner_visites(kept, merged))
        rows = run(NotesVisite.select(NotesVisite.compte_id, NotesVisite.eleve_id).where(
            NotesVisite.compte_id.is_in([kept, merged])))
        assert sorted((r["compte_id"], r["eleve_id"]) for r in rows) == sorted([(kept, demo.lea), (kept, demo.hugo)])
    finally:
        run(NotesVisite.delete().where(NotesVisite.compte_id.is_in([kept, merged])))


def test_a_visit_lasts_while_pages_follow_each_other(demo):
    """The visit's rule, run by the database in the same statement that records the view."""
    from teleservices.core.testing import run
    from teleservices.plugins.notes.famille import enregistrer_visite
    from teleservices.plugins.notes.rules import MEME_VISITE, PREMIERE_VISITE
    from teleservices.plugins.notes.tables import NotesVisite

    compte = 990003
    first = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.timezone.utc)
    try:
        assert run(enregistrer_visite(compte, demo.lea, first)) == first - PREMIERE_VISITE  # the last week is new
        a_bit_later = first + MEME_VISITE - dt.timedelta(minutes=1)
        assert run(enregistrer_visite(compte, demo.lea, a_bit_later)) == first - PREMIERE_VISITE  # the same visit
        next_day = first + dt.timedelta(days=1)
        assert run(enregistrer_visite(compte, demo.lea, next_day)) == a_bit_later  # new since the last view
        assert run(enregistrer_visite(compte, demo.hugo, next_day)) == next_day - PREMIERE_VISITE  # each child its own
    finally:
        run(NotesVisite.delete().where(NotesVisite.compte_id == compte))
