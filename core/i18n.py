"""Languages: French by default, English for families who ask for it.

Every package (the core, each plugin, a contrib distribution) carries its own catalogs in
``locale/<langue>/LC_MESSAGES/messages.po``, next to its templates: a plugin stays a room of its
own. They are read at startup and compiled in memory (no ``.mo`` file to build or to forget), then
merged per language. The source strings are French: French needs no catalog.

The language of a request is the account's choice, else the browser's cookie (the footer's
switch before logging in), else its ``Accept-Language``, else French (``language_of``). It lives in
a context variable for the time of the request, so that ``gettext`` in Python code and ``_()``
in templates need no argument; a command (the digest of notifications) sets it per recipient
with ``use_language``.

Dates and numbers follow the language too (``format_date``, ``format_number``): « lun.
23/06/2014 » and « 12,5 » in French, « Mon 23/06/2014 » and « 12.5 » in English (British
conventions: the day before the month, as on French forms).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator

from babel.dates import format_date as babel_format_date, format_time as babel_format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol
from babel.support import LazyProxy, NullTranslations, Translations

LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "langue"
LOCALE_FOLDER = "locale"
DOMAIN = "messages"
# Babel's locale for dates and numbers of each language.
FORMAT_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
DECIMAL_SIGNS = {language: get_decimal_symbol(locale) for language, locale in FORMAT_LOCALES.items()}
# Named date formats of the templates (``{{ d|date("jour") }}``); Babel patterns, per language
# where they differ.
DATE_FORMATS = {
    "court": "dd/MM/y",  # 23/06/2014
    "jour": "EEE dd/MM/y",  # lun. 23/06/2014
    "long": "EEEE d MMMM y",  # lundi 23 juin 2014
    "jour_mois": "EEE d MMM",  # lun. 23 juin
    "mois": "MMMM y",  # juin 2014
}

log = logging.getLogger("teleservices.i18n")


class Catalogs:
    """Every package's translations, merged per language."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        self.by_language: dict[str, NullTranslations] = {DEFAULT_LANGUAGE: NullTranslations()}
        for folder in folders:
            self.add(folder)

    def add(self, locale_folder: Path) -> None:
        for language in LANGUAGES:
            po = locale_folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            if language == DEFAULT_LANGUAGE or not po.is_file():
                continue
            compiled = _compile(po)
            known = self.by_language.get(language)
            if isinstance(known, Translations):
                known.merge(compiled)
            else:
                self.by_language[language] = compiled

    def get(self, language: str) -> NullTranslations:
        return self.by_language.get(language) or self.by_language[DEFAULT_LANGUAGE]


def _compile(po: Path) -> Translations:
    """A ``.po`` file made into translations, in memory. Fuzzy entries are left out (a guess is
    not a translation), as ``msgfmt`` does."""
    with po.open("rb") as file:
        catalog = read_po(file, locale=po.parents[1].name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class _State:
    __slots__ = ("language", "translations")

    def __init__(self, language: str, translations: NullTranslations) -> None:
        self.language = language
        self.translations = translations


_current: ContextVar[_State] = ContextVar("teleservices_langue", default=_State(DEFAULT_LANGUAGE, NullTranslations()))


def current_language() -> str:
    return _current.get().language


def activate(language: str, catalogs: Catalogs) -> None:
    """Use ``language`` for the rest of this request (its task and what it awaits)."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _current.set(_State(language, catalogs.get(language)))


@contextmanager
def use_language(language: str, catalogs: Catalogs) -> Iterator[None]:
    """Use ``language`` inside the block only (a mail to an account in its own language)."""
    token = _current.set(_State(language if language in LANGUAGES else DEFAULT_LANGUAGE,
                                catalogs.get(language)))
    try:
        yield
    finally:
        _current.reset(token)


def translate(message: str) -> str:
    """``message`` (French) in the current language, as is (no ``%`` formatting: Jinja's
    ``_()`` formats itself)."""
    state = _current.get()
    translated = state.translations.gettext(message) if message else message
    if translated is message and message and state.language != DEFAULT_LANGUAGE:
        log.debug("Traduction manquante (%s) : %r", state.language, message)
    return translated


def translate_plural(singular: str, plural: str, n: int) -> str:
    """The form for ``n``. French, the source, takes the singular below 2 (« 0 élève »), which
    gettext's default rule (n != 1) would not."""
    state = _current.get()
    if state.language == DEFAULT_LANGUAGE:
        return singular if abs(n) < 2 else plural
    translated = state.translations.ngettext(singular, plural, n)
    if state.language != DEFAULT_LANGUAGE and (translated is singular or translated is plural):
        log.debug("Traduction manquante (%s) : %r", state.language, singular)
    return translated


def gettext(message: str, **variables: Any) -> str:
    """``message`` (French) in the current language, with ``%(name)s`` filled from ``variables``."""
    translated = translate(message)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """The singular or plural form for ``n``, in the current language (``%(num)d`` is ``n``)."""
    return translate_plural(singular, plural, n) % {"num": n, **variables}


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """For a string defined once (a module constant, a field's label) and shown in many
    languages: translated each time it is shown."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def _locale() -> str:
    return FORMAT_LOCALES[current_language()]


def format_date(value: dt.date | dt.datetime | None, format: str = "court") -> str:
    """A date in the current language: ``court`` 23/06/2014, ``jour`` lun. 23/06/2014, ``long``
    lundi 23 juin 2014, ``jour_mois`` lun. 23 juin, ``mois`` juin 2014."""
    if not value:
        return ""
    if type(value) is dt.date:  # a page shows the same days again and again: each is formatted once
        return _formatted_day(value, format, _locale())
    return babel_format_date(value, DATE_FORMATS.get(format, format), locale=_locale())


@functools.lru_cache(maxsize=8192)
def _formatted_day(value: dt.date, format: str, locale: str) -> str:
    return babel_format_date(value, DATE_FORMATS.get(format, format), locale=locale)


def format_time(value: dt.time | dt.datetime | None) -> str:
    """A time of day: 08h30 in French, 08:30 in English."""
    if not value:
        return ""
    return babel_format_time(value, "HH'h'mm" if current_language() == "fr" else "HH:mm", locale=_locale())


def format_number(value: float | int | None, digits: int = 2) -> str:
    """A number with at most ``digits`` decimals: 12,5 in French, 12.5 in English."""
    if value is None:
        return ""
    if 0 <= value < 1000:
        # Grades and averages, a few hundred per page: what Babel would write (the same rounding,
        # half to even on the decimal value), without its cost (it parses the locale each time).
        exact = Decimal(str(value)).quantize(_STEPS[digits], rounding=ROUND_HALF_EVEN)
        text = f"{exact:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".").replace(".", DECIMAL_SIGNS[current_language()])
        return text
    pattern = "0." + "#" * digits if digits else "0"
    return format_decimal(value, format=pattern, locale=_locale())


_STEPS = {digits: Decimal(1).scaleb(-digits) for digits in range(7)}


def parse_accept_language(header: str) -> str | None:
    """The first language of ``Accept-Language`` (by weight) that the portal speaks."""
    choices = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        choices.append((-weight, index, tag.strip().lower().split("-")[0]))
    for weight, _, language in sorted(choices):
        if weight < 0 and language in LANGUAGES:
            return language
    return None


def language_of(account_language: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: the account's choice, the browser's cookie, its
    ``Accept-Language``, French."""
    for choice in (account_language, cookie):
        if choice in LANGUAGES:
            return choice
    return parse_accept_language(accept_language or "") or DEFAULT_LANGUAGE
