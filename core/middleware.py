"""Who is asking, and may they post: sessions and CSRF, for every route of the portal."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from teleservices.core import i18n
from teleservices.core.apiv1 import is_api_path
from teleservices.core.memo import open_request_memo
from teleservices.core.security import csrf_token, csrf_valid, new_token
from teleservices.core.sessions import ANON_COOKIE, SESSION_COOKIE, load_viewer
from teleservices.core.settings import Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"


class CsrfError(PermissionDeniedException):
    detail = i18n.lazy_gettext("La page a expiré ou le formulaire n'est pas valide. Rechargez la page et recommencez.")


def _cookie(settings: Settings, key: str, value: str, max_age: int | None = None) -> str:
    return Cookie(
        key=key, value=value, path="/", httponly=True, samesite="lax",
        secure=settings.secure_cookies, max_age=max_age,
    ).to_header(header="")


class SessionMiddleware(ASGIMiddleware):
    """Sets ``scope["user"]`` (a Viewer or None), the language and the CSRF token; refuses unsafe
    requests whose token does not match the session (or, before login, the anonymous cookie)."""

    scopes = ("http",)

    def __init__(self, settings: Settings, catalogs: i18n.Catalogs | None = None) -> None:
        self.settings = settings
        self.catalogs = catalogs or i18n.Catalogs()

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        open_request_memo()
        if is_api_path(scope["path"]):
            # The API authenticates by its Authorization header alone: no session is read for
            # it, so a browser's cookie can make no call on the user's behalf (no CSRF to check).
            scope["user"] = None
            scope.setdefault("state", {}).update(session_token=None, csrf_token="")
            i18n.activate(i18n.DEFAULT_LANGUAGE, self.catalogs)  # its messages are French, as its schema
            await next_app(scope, receive, send)
            return
        request: Request = Request(scope, receive)
        cookies = request.cookies
        token = cookies.get(SESSION_COOKIE)
        viewer = await load_viewer(token, self.settings) if token else None
        set_cookies: list[str] = []
        if token and viewer is None:  # expired or unknown: forget it
            set_cookies.append(_cookie(self.settings, SESSION_COOKIE, "", max_age=0))
            token = None
        anon = cookies.get(ANON_COOKIE)
        if not token and not anon:
            anon = new_token()
            set_cookies.append(_cookie(self.settings, ANON_COOKIE, anon))
        binding = token or anon
        scope["user"] = viewer
        i18n.activate(i18n.language_of(viewer.langue if viewer else None, cookies.get(i18n.LANGUAGE_COOKIE),
                                       request.headers.get("accept-language")), self.catalogs)
        state = scope.setdefault("state", {})
        state["session_token"] = token
        state["csrf_token"] = csrf_token(self.settings.secret_key, binding)

        if scope["method"] not in SAFE_METHODS:
            submitted = request.headers.get(CSRF_HEADER) or (await request.form()).get(CSRF_FIELD)
            if not csrf_valid(self.settings.secret_key, binding, submitted):
                raise CsrfError()

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start" and set_cookies:
                headers = MutableScopeHeaders.from_message(message)
                for value in set_cookies:
                    headers.add("set-cookie", value)
            await send(message)

        await next_app(scope, receive, send_with_cookies)
