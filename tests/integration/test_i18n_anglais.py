"""English for families (issue 11, « Languages »): every family page, asked for in English, speaks
English.

The pages are those of ``tests/e2e/pages.py`` (every GET route of the portal, classified) seen by a
family persona or by nobody logged in, asked for with ``Accept-Language: en-GB`` (the browser's
language: no account here has chosen one). Two checks on each:

- no string marked for translation was shown without an English translation (core/i18n.py logs
  each one it meets, « Traduction manquante »);
- no French is left in what the page shows — its text, its ``<title>``, and the ``alt``,
  ``title``, ``aria-label``, ``placeholder`` and button values a person reads or hears. French
  is spotted by its accents and its small words (« le », « des », « pour », « d' »…). What is
  not ours to translate is left out: the school's data (names, subjects, the teachers' comments,
  anything stored in the database) and what the page marks as French with ``lang="fr"`` (the
  national LPC grid: a frozen official text, shown as it is, pronounced in French by a screen
  reader).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from lxml import html as lxml_html

from teleservices.core.testing import run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from pages import FAMILY_PAGES, OTHER_DISTRIBUTIONS, STATES, Page, get_routes, ids  # noqa: E402,F401 (ids: fixture)

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}

ACCENTS = re.compile(r"[éèêëàâùûüçôîïœÉÈÊÀÂÇÔÎ]")
FRENCH_WORDS = re.compile(
    r"(?<![\w'’])(le|la|les|des|du|une|et|est|pour|sur|dans|avec|vous|votre|vos|aux|au|ce|cette|ces|qui|que|"
    r"par|sont|pas|ou|mes|ses|nous|il|elle|leur|leurs|aucun|aucune|mois|jour|jours|semaine|année|trimestre|"
    r"enfant|enfants|élève|élèves|matière|moyenne|retour|accueil|rechercher|valider|annuler|enregistrer|"
    r"fermer|modifier|supprimer|aide|connexion|déconnexion|compte)(?![\w'’])|(?<![\w])[ldjnsqu]{1,2}['’]\w",
    re.IGNORECASE,
)
# The portal's names, the same in every language.
NAMES = ("Téléservices", "scolarité services", "scolarité")
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
SILENT = {"script", "style", "template", "noscript"}


def french_in(text: str) -> bool:
    return bool(ACCENTS.search(text) or FRENCH_WORDS.search(text))


def shown_strings(page_html: str) -> Iterator[str]:
    """What a person reads or hears on the page, piece by piece, outside ``lang="fr"`` parts."""
    root = lxml_html.fromstring(page_html)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        french_part = any(str(a.get("lang", "")).startswith("fr") for a in [element, *element.iterancestors()]
                          if a is not root)
        silent = element.tag in SILENT or any(a.tag in SILENT for a in element.iterancestors())
        if not french_part and not silent:
            if element.text and element.text.strip():
                yield element.text.strip()
            for name in READ_ATTRIBUTES:
                if element.get(name, "").strip():
                    yield element.get(name).strip()
            if element.tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
                yield element.get("value")
        parent = element.getparent()
        if element.tail and element.tail.strip() and parent is not None:
            parent_french = any(str(a.get("lang", "")).startswith("fr") for a in [parent, *parent.iterancestors()]
                                if a is not root)
            if not parent_french and parent.tag not in SILENT:
                yield element.tail.strip()


def without_data(text: str, data: list[str]) -> str:
    """``text`` with the portal's names and every value of the school's data it holds taken out
    (longest first)."""
    for value in (*NAMES, *data):
        if value in text:
            text = text.replace(value, " ")
    return text


def texts_of(value: Any) -> Iterator[str]:
    """The texts of a stored value: itself, and those inside a JSON document (a list of links)."""
    if isinstance(value, str) and value.strip():
        yield value.strip()
        if value.lstrip()[:1] in "[{":
            try:
                yield from texts_of(json.loads(value))
            except ValueError:
                pass
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


@pytest.fixture(scope="module")
def school_data(portal_app: Any, ids: dict[str, Any]) -> list[str]:
    """Every text stored in the database (demo and the module's rows), longest first: the
    school's data, shown as it is in every language."""
    from piccolo.columns.column_types import JSON, Text, Varchar

    from teleservices.core.plugins import all_tables

    values: set[str] = set()
    for table in all_tables(portal_app.state.plugins):
        columns = [c for c in table._meta.columns if isinstance(c, (Varchar, Text, JSON))]
        for column in columns:
            query = table.select(column)
            rows = run(query if isinstance(column, JSON) else query.distinct())  # PostgreSQL: no = on json
            for row in rows:
                values.update(texts_of(row[column._meta.name]))
    # Shortened forms of names the pages build (« Léa M. »): each word of a value counts too
    # when it has a capital (a name), never a small word of running text.
    words = {word for value in values for word in re.split(r"[\s,;:()]+", value) if word[:1].isupper()}
    return sorted((v for v in values | words if len(v) >= 2), key=len, reverse=True)


@pytest.mark.parametrize("family_page", FAMILY_PAGES, ids=lambda page: page.name)
def test_family_page_speaks_english(
    family_page: Page, client: Any, login: Any, ids: dict[str, Any], school_data: list[str], caplog: pytest.LogCaptureFixture,
    open_service: Any,
) -> None:
    assert family_page.route in get_routes(client.app), "une page de la liste n'est plus une route du portail"
    for key in OTHER_DISTRIBUTIONS:  # opened by the collège for the test, put back after
        open_service(key)
    client.headers.update(ENGLISH)
    if family_page.persona:
        login(client, family_page.persona)
    caplog.set_level(logging.DEBUG, logger="teleservices.i18n")
    with STATES[family_page.state](ids):
        response = client.get(family_page.url.format(**ids))
    assert response.status_code == 200, f"{family_page.url} : {response.status_code}"
    assert '<html lang="en"' in response.text
    missing = sorted({record.getMessage() for record in caplog.records if record.name == "teleservices.i18n"})
    assert not missing, "\n".join(missing)
    french = [text for text in shown_strings(response.text) if french_in(without_data(text, school_data))]
    assert not french, f"{family_page.url} ({family_page.persona or 'anonyme'}) montre du français :\n" + "\n".join(
        f"  « {text[:120]} »" for text in dict.fromkeys(french))
