"""The languages' rules (core/i18n.py): which language a request gets, the catalogs, dates and numbers."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from teleservices.core import i18n
from teleservices.core.i18n import Catalogs, format_date, format_number, format_time, gettext, language_of, ngettext
from teleservices.core.i18n import lazy_gettext, parse_accept_language, use_language

PO_NOTES = '''
msgid "Notes"
msgstr "Grades"

msgid "Notes de %(prenom)s"
msgstr "%(prenom)s's grades"

msgid "%(num)d note"
msgid_plural "%(num)d notes"
msgstr[0] "%(num)d grade"
msgstr[1] "%(num)d grades"

#, fuzzy
msgid "Moyenne"
msgstr "Averagish"
'''
PO_ABSENCES = '''
msgid "Absences"
msgstr "Absences (en)"
'''


def catalog(folder: Path, text: str) -> Path:
    po = folder / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(text, encoding="utf-8")
    return folder / "locale"


@pytest.fixture
def catalogs(tmp_path: Path) -> Catalogs:
    return Catalogs([catalog(tmp_path / "notes", PO_NOTES), catalog(tmp_path / "absences", PO_ABSENCES)])


@pytest.mark.parametrize(("header", "expected"), [
    ("en-GB,en;q=0.9,fr;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
    ("de-DE,en;q=0.5", "en"),  # the first language the portal speaks
    ("de-DE", None),
    ("en;q=0.2,fr;q=0.9", "fr"),  # by weight, not by order
    ("EN-us", "en"),
    ("fr;q=0,en;q=0.1", "en"),  # q=0: « not this one »
    ("", None),
    (";;;,q=", None),
])
def test_the_browser_language_is_the_first_one_spoken_by_weight(header: str, expected: str | None) -> None:
    assert parse_accept_language(header) == expected


def test_the_account_choice_beats_the_cookie_which_beats_the_browser() -> None:
    assert language_of("en", "fr", "fr-FR") == "en"
    assert language_of("", "en", "fr-FR") == "en"
    assert language_of(None, None, "en-GB") == "en"
    assert language_of("", "", "") == "fr"
    assert language_of("xx", "yy", "de") == "fr"  # unknown values are not languages


def test_catalogs_of_several_packages_merge_and_fuzzy_entries_are_not_translations(catalogs: Catalogs) -> None:
    with use_language("en", catalogs):
        assert gettext("Notes") == "Grades"
        assert gettext("Absences") == "Absences (en)"
        assert gettext("Notes de %(prenom)s", prenom="Léa") == "Léa's grades"
        assert gettext("Moyenne") == "Moyenne"  # fuzzy: a guess, left out
        assert ngettext("%(num)d note", "%(num)d notes", 1) == "1 grade"
        assert ngettext("%(num)d note", "%(num)d notes", 3) == "3 grades"
    with use_language("fr", catalogs):
        assert gettext("Notes de %(prenom)s", prenom="Léa") == "Notes de Léa"
        assert ngettext("%(num)d note", "%(num)d notes", 3) == "3 notes"
        assert ngettext("%(num)d note", "%(num)d notes", 0) == "0 note"  # French: singular below 2
    with use_language("en", catalogs):
        assert ngettext("%(num)d note", "%(num)d notes", 0) == "0 grades"
    assert i18n.current_language() == "fr"  # the block is over


def test_a_lazy_string_is_written_in_the_language_of_each_moment_it_is_shown(catalogs: Catalogs) -> None:
    label = lazy_gettext("Notes")
    with use_language("en", catalogs):
        assert str(label) == "Grades"
    with use_language("fr", catalogs):
        assert str(label) == "Notes"


def test_a_missing_translation_is_logged_for_the_translators(catalogs: Catalogs, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="teleservices.i18n")
    with use_language("en", catalogs):
        assert gettext("Cahier de textes") == "Cahier de textes"
        gettext("Notes")
    with use_language("fr", catalogs):
        gettext("Cahier de textes")  # French is the source: nothing is missing
    assert [r.getMessage() for r in caplog.records] == ["Traduction manquante (en) : 'Cahier de textes'"]


def test_dates_times_and_numbers_follow_the_language(catalogs: Catalogs) -> None:
    day = dt.date(2014, 6, 23)
    with use_language("fr", catalogs):
        assert format_date(day) == "23/06/2014"
        assert format_date(day, "jour") == "lun. 23/06/2014"  # the guide's example
        assert format_date(day, "long") == "lundi 23 juin 2014"
        assert format_date(day, "mois") == "juin 2014"
        assert format_time(dt.time(8, 5)) == "08h05"
        assert format_number(12.5) == "12,5"
        assert format_number(12.0, 2) == "12"
        assert format_number(13.456, 2) == "13,46"
    with use_language("en", catalogs):
        assert format_date(day) == "23/06/2014"
        assert format_date(day, "jour") == "Mon 23/06/2014"
        assert format_date(day, "long") == "Monday 23 June 2014"
        assert format_time(dt.time(8, 5)) == "08:05"
        assert format_number(12.5) == "12.5"
    assert format_date(None) == "" and format_number(None) == "" and format_time(None) == ""


def test_numbers_are_written_as_babel_writes_them(catalogs: Catalogs) -> None:
    """The quick path of ``format_number`` (grades, averages) gives Babel's answer exactly,
    rounding included (half to even on the decimal value: 2,675 → 2,68; 0,125 → 0,12)."""
    import random

    from babel.numbers import format_decimal

    draw = random.Random(12)
    values = [0, 0.5, 2.675, 0.125, 12.345, 12.355, 19.999, 20, 999.995, 10 / 3, 1234.5, -0.5]
    values += [round(draw.uniform(0, 20), draw.randint(0, 6)) for _ in range(2000)]
    for language, locale in (("fr", "fr_FR"), ("en", "en_GB")):
        with use_language(language, catalogs):
            for value in values:
                for digits in (0, 1, 2, 3):
                    pattern = "0." + "#" * digits if digits else "0"
                    assert format_number(value, digits) == format_decimal(value, format=pattern, locale=locale), value


def test_templates_translate_and_still_escape_what_they_fill_in(catalogs: Catalogs) -> None:
    from teleservices.core.plugins import Plugins
    from teleservices.core.rendering import make_environment

    import pluggy

    env = make_environment("default", Plugins(pm=pluggy.PluginManager("teleservices")))
    template = env.from_string('{{ _("Notes de %(prenom)s", prenom=nom) }} · {{ jour|date("jour") }} · {{ n|nombre(1) }}')
    values = {"nom": "<b>Léa</b>", "jour": dt.date(2014, 6, 23), "n": 12.5}
    with use_language("en", catalogs):
        assert template.render(values) == "&lt;b&gt;Léa&lt;/b&gt;'s grades · Mon 23/06/2014 · 12.5"
    with use_language("fr", catalogs):
        assert template.render(values) == "Notes de &lt;b&gt;Léa&lt;/b&gt; · lun. 23/06/2014 · 12,5"


def test_a_notification_title_is_stored_in_each_recipients_language(catalogs: Catalogs) -> None:
    from teleservices.core.notifications import _title_for, _titles

    lazy = _titles(lazy_gettext("Notes de %(prenom)s", prenom="Léa"), catalogs)
    assert lazy == {"fr": "Notes de Léa", "en": "Léa's grades"}
    assert _title_for(lazy, {"langue": "en"}) == "Léa's grades"
    assert _title_for(lazy, {"langue": ""}) == "Notes de Léa"  # no choice made: French
    plain = _titles("  Un   titre\n", catalogs)  # a plain string: the same in every language
    assert plain == {"fr": "Un titre", "en": "Un titre"}
