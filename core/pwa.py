"""The installable web app: its manifest, its service worker and the page it shows offline.

- ``/manifest.webmanifest``: the template ``pwa/manifest.webmanifest`` (a theme overrides it with
  its own name and colours; its icons are the theme's, ``/static/theme/icons/``);
- ``/sw.js``: ``static/pwa/sw.js`` with its version written in. The version is a digest of every
  file the browser may keep (the worker, the static folders, the templates): a deployment that
  changes one of them is a new worker, which the pages announce (« Une nouvelle version est
  disponible — Recharger ») and which waits until the family reloads;
- ``/hors-ligne``: the page the worker shows when a page cannot be loaded and was not kept. It is
  rendered for nobody (no account, no menu): the worker keeps it for every account.

Pages kept for offline reading are stored per session: each page carries ``<meta name="ts-cache">``,
an opaque marker derived from the session token (:func:`cache_marker`), and the worker forgets the
pages kept under any other marker (another account, another session, nobody logged in).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.config.app import AppConfig

from teleservices.core.i18n import lazy_gettext as _l
from teleservices.core.rendering import CORE_TEMPLATES, THEMES, VENDOR_FILES, render

WORKER_SOURCE = Path(__file__).parent / "static" / "pwa" / "sw.js"
VERSION_PLACEHOLDER = "__VERSION__"
WORKER_HEADERS = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}


def cache_marker(request: Request) -> str:
    """The name under which the worker keeps this session's pages: a keyed digest of the session
    token, so that it differs for every account and every login, and tells nothing (neither the
    account nor the token) to whoever reads the browser's storage. Empty for nobody."""
    token = (request.scope.get("state") or {}).get("session_token")
    if not token:
        return ""
    key = request.app.state.settings.secret_key.encode()
    return hmac.new(key, b"pwa-cache:" + token.encode(), hashlib.sha256).hexdigest()[:32]


def _front_end_files(app: Any) -> list[Path]:
    """Every file whose change makes a new version of the app: the worker, the static folders
    served under /static/ (the theme's, the plugins', the vendored scripts) and the templates."""
    settings, plugins = app.state.settings, app.state.plugins
    themes = {settings.theme, "default"}  # a theme falls back on the default theme's files
    folders = [
        *(THEMES / theme / kind for theme in sorted(themes) for kind in ("static", "templates")), CORE_TEMPLATES,
        *plugins.static_dirs.values(),
        *(folder for dirs in plugins.template_dirs.values() for folder in dirs),
    ]
    files = [WORKER_SOURCE, *(folder / name for name, folder in VENDOR_FILES.items())]
    for folder in folders:
        if Path(folder).is_dir():
            files.extend(path for path in sorted(Path(folder).rglob("*")) if path.is_file())
    return files


_digests: dict[tuple, str] = {}
_digests_lock = threading.Lock()


def worker_version(app: Any) -> str:
    """A digest of the front-end files' contents (the same on every server of a deployment).
    Read again only when a file's size or modification time changed."""
    files, signature = [], []
    for path in _front_end_files(app):
        try:
            stat = path.stat()
        except OSError:  # removed meanwhile (an editor's temporary file)
            continue
        files.append(path)
        signature.append((str(path), stat.st_size, stat.st_mtime_ns))
    key = tuple(signature)
    with _digests_lock:
        if key in _digests:
            return _digests[key]
    digest = hashlib.sha256()
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            continue
        # Names, not paths: the same files give the same version wherever the portal is installed.
        digest.update(path.name.encode() + b"\0" + content + b"\0")
    version = digest.hexdigest()[:16]
    with _digests_lock:
        _digests.clear()
        _digests[key] = version
    return version


@get("/sw.js", name="pwa:worker")
async def service_worker(request: Request) -> Response:
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    version = await asyncio.to_thread(worker_version, request.app)  # a few ms of file system: off the loop
    return Response(
        source.replace(VERSION_PLACEHOLDER, version, 1),
        media_type="text/javascript", headers=WORKER_HEADERS,
    )


# The app's description, in the language of the request that fetches the manifest (the browser's,
# when it installs the app); a theme's own manifest may use it or write its own.
DESCRIPTION = _l("Les services en ligne des collèges et lycées : notes, absences, livret de compétences, "
                 "fiche de renseignements.")


@get("/manifest.webmanifest", name="pwa:manifest")
async def manifest(request: Request) -> Response:
    text = request.app.state.jinja.get_template("pwa/manifest.webmanifest").render(description=str(DESCRIPTION))
    return Response(text, media_type="application/manifest+json",
                    headers={"Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"})


@get("/hors-ligne", name="pwa:hors-ligne")
async def offline_page(request: Request) -> Response:
    # Nobody's page: no account, no menu, no form token (the worker keeps it for everyone).
    return render(request, "hors_ligne.html", {"viewer": None, "menu": [], "csrf_token": ""})


ROUTES = [service_worker, manifest, offline_page]


def register(app_config: AppConfig) -> None:
    """Mount the routes and give the templates ``pwa_marqueur(request)`` (called by create_app,
    once the Jinja environment is in the app's state)."""
    app_config.route_handlers.extend(ROUTES)
    app_config.state["jinja"].globals["pwa_marqueur"] = cache_marker
