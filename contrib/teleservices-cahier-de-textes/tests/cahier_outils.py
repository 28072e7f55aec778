"""Helpers of the cahier de textes' tests (a module of its own, imported by name: several
``conftest`` modules live in one test session). Only the portal's pages and the kit's helpers."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Iterator
from urllib.parse import quote_plus

from litestar.testing import TestClient

from teleservices.core.api import periods, today
from teleservices.core.testing import DEMO_PASSWORD, csrf_from, run
from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.donnees import as_date

BASE_URL = "http://127.0.0.1:8000"
SERVICES_PAGE = "/administration/services"


# --- clients logged in as a persona ---------------------------------------------------------------------


def log_in(client: TestClient, identifiant: str, password: str = DEMO_PASSWORD) -> Any:
    token = csrf_from(client.get("/connexion").text)
    response = client.post("/connexion", data={"_csrf": token, "identifiant": identifiant,
                                               "mot_de_passe": password, "suivant": "/"}, follow_redirects=True)
    assert "/connexion" not in str(response.url), f"{identifiant} n'a pas pu se connecter"
    return response


@contextmanager
def logged_in(app: Any, identifiant: str) -> Iterator[TestClient]:
    with TestClient(app=app, base_url=BASE_URL) as client:
        log_in(client, identifiant)
        yield client


def post_form(client: TestClient, path: str, data: dict[str, Any], page: str | None = None, **kwargs: Any) -> Any:
    """POST a form with the CSRF token of ``page`` (default: the same path)."""
    token = csrf_from(client.get(page or path).text)
    return client.post(path, data={"_csrf": token, **data}, follow_redirects=False, **kwargs)


# --- the demo's ids -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    lea: int
    hugo: int
    college: int


# --- « Administration Téléservices »: the head opens or closes the service -------------------------------


class FormReader(HTMLParser):
    """The fields of the services form as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))
            else:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.strip("\n")))
            self._textarea = None


def set_opened(head: TestClient, opened: bool) -> bool:
    """Tick or untick « Ouvert » of « Le cahier de textes » and save the page as it is otherwise;
    returns whether the service was open before."""
    html = head.get(SERVICES_PAGE).text
    form = html[html.index('action="/administration/services"'):]
    reader = FormReader()
    reader.feed(form[: form.index("</form>")])
    fields = [(k, v) for k, v in reader.fields if k != "ouvert-cahier"]
    before = any(k == "ouvert-cahier" for k, _ in reader.fields)
    if opened:
        fields.append(("ouvert-cahier", "on"))
    body = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in fields)
    response = head.post(SERVICES_PAGE, content=body, follow_redirects=False,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 303, response.text
    return before


def _quote(value: str) -> str:
    return quote_plus(value)




# --- a week of the school year ------------------------------------------------------------------------------


def semaine_scolaire(etablissement_id: int) -> dt.date:
    """The Monday of the week the tests write in: this week (as families first see it) when it is
    inside the school year, else the first whole week of the year (in summer, say)."""
    annee = run(periods(etablissement_id))
    debut = min(as_date(p["debut"]) for p in annee)
    fin = max(as_date(p["fin"]) for p in annee)
    lundi = rules.semaine_par_defaut(today())
    if debut <= lundi and lundi + dt.timedelta(days=4) <= fin:
        return lundi
    return rules.lundi_de(debut) + dt.timedelta(days=7)
