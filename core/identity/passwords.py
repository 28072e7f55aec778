"""The password rules: 8 to 128 characters, not a common password, not the identifier nor the
birth date. Messages are shown next to the field, in the page's language."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cache
from pathlib import Path

from teleservices.core.i18n import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _folded(value: str) -> str:
    """Lower-case, without accents or separators: "Léa.Dupont-13" -> "leadupont13"."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _date_forms(date: dt.date) -> set[str]:
    return {
        date.strftime("%d%m%Y"), date.strftime("%d%m%y"), date.strftime("%Y%m%d"),
        date.strftime("%d/%m/%Y").replace("/", ""),
    }


def password_problem(password: str, *, identifiant: str = "", birth_dates: tuple[dt.date, ...] = ()) -> str | None:
    """The first rule this password breaks, as a French sentence, or None."""
    if len(password) < MIN_LENGTH:
        return _("Le mot de passe doit comporter au moins %(nombre)d caractères.", nombre=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Le mot de passe ne doit pas dépasser %(nombre)d caractères.", nombre=MAX_LENGTH)
    folded = _folded(password)
    if password.lower() in common_passwords() or folded in common_passwords():
        return _("Ce mot de passe est trop courant : choisissez-en un autre.")
    if identifiant and _folded(identifiant) and _folded(identifiant) in folded:
        return _("Le mot de passe ne doit pas contenir votre identifiant.")
    if any(form in folded for date in birth_dates for form in _date_forms(date)):
        return _("Le mot de passe ne doit pas contenir une date de naissance.")
    if len(set(password)) < 4:
        return _("Le mot de passe est trop simple : variez les caractères.")
    return None
