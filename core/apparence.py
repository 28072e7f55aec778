"""The look and the language, chosen with the footer's forms.

« Contraste élevé »:

A cookie, not an account setting: it works before login (the login page), on a shared family
computer it follows the browser rather than the account, and it needs no JavaScript. The page
reads it in ``rendering.render`` (``contraste_eleve``), and the layout gives ``<html>`` the class
``contraste-eleve`` that the theme's CSS styles. With JavaScript, the theme's script posts the
same form and asks for JSON, so that the page changes at once, without a reload.
"""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.response import Redirect

from teleservices.core import i18n
from teleservices.core.rendering import CONTRAST_COOKIE
from teleservices.core.tables import Compte
from teleservices.core.views import safe_next

CONTRAST_PATH = "/preferences/contraste"
LANGUAGE_PATH = "/preferences/langue"
ONE_YEAR = 365 * 24 * 3600


@post(CONTRAST_PATH, name="contraste", status_code=200)
async def set_contrast(request: Request) -> Response:
    form = await request.form()
    eleve = form.get("contraste") == "eleve"
    if "application/json" in request.headers.get("accept", ""):
        response: Response = Response({"contraste": "eleve" if eleve else "normal"}, media_type="application/json",
                                      headers={"Cache-Control": "no-store"})
    else:
        # Back to the page the form was on (a path of this site only).
        response = Redirect(safe_next(form.get("retour")), status_code=303)
    response.set_cookie(
        key=CONTRAST_COOKIE, value="eleve" if eleve else "", path="/", max_age=ONE_YEAR if eleve else 0,
        httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookies,
    )
    return response


@post(LANGUAGE_PATH, name="langue", status_code=303)
async def set_language(request: Request) -> Response:
    """The language: a cookie for this browser (the login page speaks it) and, once logged in,
    the account's choice, which follows it on every device. An unknown value means French."""
    form = await request.form()
    language = form.get("langue") if form.get("langue") in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    viewer = request.scope.get("user")
    if viewer is not None:
        await Compte.update({Compte.langue: language}).where(Compte.id == viewer.compte_id)
    response = Redirect(safe_next(form.get("retour")), status_code=303)
    response.set_cookie(
        key=i18n.LANGUAGE_COOKIE, value=language, path="/", max_age=ONE_YEAR,
        httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookies,
    )
    return response


ROUTES = [set_contrast, set_language]
