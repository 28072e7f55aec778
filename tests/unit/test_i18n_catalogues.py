"""Every package's catalogs are up to date with its code and templates, and sound.

A string marked for translation and missing from its package's catalog means ``make messages`` was
not run: the string would stay French on an English page (the English pages' test finds it there
only if a family page shows it). A catalog entry whose placeholders differ from its source's would
raise when filled in, or lose a value.
"""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # the Makefile's -k _l -k lazy_gettext
PACKAGES = sorted(
    [ROOT / "core", *(p.parent for p in ROOT.glob("plugins/*/__init__.py")),
     *(p.parent for p in ROOT.glob("contrib/*/teleservices_*/__init__.py")),
     *(p.parent for p in ROOT.glob("tests/plugin_example/teleservices_*/__init__.py")),
     *(p.parent.parent for p in ROOT.glob("themes/*/locale/en"))],
)


def extracted(package: Path) -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(package), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog_of(package: Path):
    po = package / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    assert po.is_file(), f"{po.relative_to(ROOT)} manque : lancez « make messages »"
    with po.open("rb") as file:
        return read_po(file, locale="en")


def test_babel_config_covers_python_and_templates() -> None:
    sections = configparser.ConfigParser()
    sections.read_string((ROOT / "babel.cfg").read_text(encoding="utf-8"))
    assert {"python: **.py", "jinja2: **/templates/**.html", "jinja2: **/templates/**.txt"} <= set(sections.sections())


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_catalog_holds_every_marked_string_and_nothing_else(package: Path) -> None:
    catalog = catalog_of(package)
    known = {message.id[0] if isinstance(message.id, tuple) else message.id for message in catalog if message.id}
    marked = extracted(package)
    assert not sorted(marked - known), f"chaînes absentes du catalogue (make messages) : {sorted(marked - known)[:20]}"
    assert not sorted(known - marked), f"chaînes qui ne servent plus (make messages) : {sorted(known - marked)[:20]}"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_their_placeholders_and_are_no_guesses(package: Path) -> None:
    catalog = catalog_of(package)
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy, f"traductions « fuzzy » (à revoir) : {fuzzy[:10]}"
    problems = [f"{message.id!r}: {errors}" for message, errors in catalog.check()]
    assert not problems, "\n".join(problems)


def test_every_catalog_compiles_in_memory_and_merges() -> None:
    from teleservices.core.i18n import Catalogs, gettext, use_language

    catalogs = Catalogs([package / "locale" for package in PACKAGES])
    with use_language("en", catalogs):
        assert gettext("Langue") == "Language"
