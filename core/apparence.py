"""The look chosen per browser: « Contraste élevé », a button of the footer's form.

A cookie, not an account setting: it works before login (the login page), on a shared family
computer it follows the browser rather than the account, and it needs no JavaScript. The page
reads it in ``rendering.render`` (``contraste_eleve``), and the layout gives ``<html>`` the class
``contraste-eleve`` that the theme's CSS styles. With JavaScript, the theme's script posts the
same form and asks for JSON, so that the page changes at once, without a reload.
"""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.response import Redirect

from teleservices.core.rendering import CONTRAST_COOKIE
from teleservices.core.views import safe_next

CONTRAST_PATH = "/preferences/contraste"
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


ROUTES = [set_contrast]
