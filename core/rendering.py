"""Jinja templates resolved theme → plugins → core, rendered full or as an htmx fragment."""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, nodes, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.response import Redirect

from teleservices.core import i18n
from teleservices.core.api import MenuItem, Viewer
from teleservices.core.plugins import Plugins


CORE_TEMPLATES = Path(__file__).parent / "templates"
CORE_LOCALE = Path(__file__).parent / i18n.LOCALE_FOLDER
THEMES = Path(__file__).resolve().parents[1] / "themes"
# The front-end packages installed by npm (nothing from a CDN), served under /static/vendor/.
ASSETS = Path(__file__).resolve().parents[1] / "node_modules"
VENDOR_FILES = {"htmx.min.js": ASSETS / "htmx.org" / "dist"}
# Every theme derives from the default one: what it does not provide (a template, a static file)
# is the default theme's. (``theme_folders`` gives the order, the theme first.)
DEFAULT_THEME = "default"
CONTRAST_COOKIE = "contraste"  # « eleve »: the high-contrast look, chosen per browser (footer form)
FRAGMENT_BLOCK = "page"  # the part of every page that htmx swaps (see layout.html)



def theme_folders(theme: str, kind: str) -> list[Path]:
    """A theme's ``templates`` or ``static`` folders, the theme's own before the default theme's."""
    names = [theme] if theme == DEFAULT_THEME else [theme, DEFAULT_THEME]
    return [THEMES / name / kind for name in names if (THEMES / name / kind).is_dir()]


def static_folders(theme: str, plugins: Plugins) -> dict[str, list[Path]]:
    """What is served under ``/static/<name>/``: each name's folders, searched in order (the
    plugins' own, ``theme`` — the theme's then the default theme's — and ``vendor``)."""
    return {
        **{name: [Path(path)] for name, path in plugins.static_dirs.items()},
        "theme": theme_folders(theme, "static"),
        "vendor": sorted(set(VENDOR_FILES.values())),
    }


class StaticUrls:
    """The templates' ``static(path)``: ``/static/<path>?v=<digest>``, the digest being the first
    10 hex digits of the SHA-256 of the file that ``/static/<path>`` serves (the first folder of
    its name that has it, as the static routers search: the theme's before the default theme's).
    Static files asked with the current digest are kept a year by browsers (``immutable``,
    core/app.py): a new content is a new address.

    Each file is read once (files do not change while the server runs). A path that names no
    file gives the plain address, as before."""

    def __init__(self, folders: dict[str, list[Path]]) -> None:
        self.folders = folders
        self._digests: dict[str, str] = {}  # only files found: unknown paths are not kept

    def __call__(self, path: str) -> str:
        path = str(path).lstrip("/")
        digest = self.digest(path)
        url = "/static/" + quote(path, safe="/")
        return f"{url}?v={digest}" if digest else url

    def digest(self, path: str) -> str:
        """The file's digest, "" when ``path`` (``<name>/<file>``) names no file served."""
        name, _, rest = path.partition("/")
        parts = PurePosixPath(rest).parts
        if not parts or ".." in parts or "\\" in rest or rest.startswith("/"):
            return ""
        key = "/".join((name, *parts))  # « a//b », « a/./b »: one entry per file
        if key in self._digests:
            return self._digests[key]
        for folder in self.folders.get(name, []):
            candidate = Path(folder).joinpath(*parts)
            if candidate.is_file():
                try:
                    digest = hashlib.sha256(candidate.read_bytes()).hexdigest()[:10]
                except OSError:
                    return ""
                self._digests[key] = digest
                return digest
        return ""


def make_environment(theme: str, plugins: Plugins) -> Environment:
    theme_dir = THEMES / theme / "templates"
    if not theme_dir.is_dir():
        raise RuntimeError(f"Thème introuvable : {theme!r} (attendu {theme_dir})")
    theme_loader = FileSystemLoader(theme_folders(theme, "templates"))
    plugin_loaders = {name: FileSystemLoader(dirs) for name, dirs in plugins.template_dirs.items() if dirs}
    core_loader = FileSystemLoader(CORE_TEMPLATES)
    # "core/layout.html", "default/layout.html" or "notes/..." always name the original, so that
    # an override can {% extends %} the template it replaces.
    originals = PrefixLoader({
        **plugin_loaders, "core": core_loader, "theme": theme_loader,
        DEFAULT_THEME: FileSystemLoader(THEMES / DEFAULT_THEME / "templates"),
    })
    env = Environment(
        loader=ChoiceLoader([theme_loader, *plugin_loaders.values(), core_loader, originals]),
        # Plain-text mail templates (.txt) are not HTML: no escaping there.
        autoescape=select_autoescape(disabled_extensions=("txt",), default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # _("…") and {% trans %} in the request's language (core/i18n.py); Jinja fills the %(name)s.
    env.install_gettext_callables(i18n.translate, i18n.translate_plural, newstyle=True)
    env.filters.update(date=i18n.format_date, heure=i18n.format_time, nombre=i18n.format_number)
    env.globals.update(langue=i18n.current_language, LANGUES=i18n.LANGUAGES)
    # {{ static('notes/notes.css') }}: the file's versioned address (in every template, the
    # manifest and the mails included).
    env.globals["static"] = StaticUrls(static_folders(theme, plugins))
    return env


def catalogs_for(theme: str, plugins: Plugins) -> i18n.Catalogs:
    """The translations of the core, every plugin and the theme, merged per language."""
    return i18n.Catalogs([CORE_LOCALE, *plugins.locale_dirs, *theme_folders(theme, i18n.LOCALE_FOLDER)])


@lru_cache(maxsize=512)
def _parent_name(env: Environment, name: str) -> str | None:
    """The template that ``name`` extends, when it names it as a constant (all ours do)."""
    source, _, _ = env.loader.get_source(env, name)
    extends = env.parse(source).find(nodes.Extends)
    return extends.template.value if extends and isinstance(extends.template, nodes.Const) else None


def render_block(env: Environment, name: str, block: str, context: dict[str, Any]) -> str:
    """Render one block of a page, even one defined by a template it extends.

    (jinja2-fragments only finds blocks of the leaf template.) This walks the ``extends`` chain
    the way Jinja does, so that the block sees the page's own overrides of its inner blocks.
    """
    template = env.get_template(name)
    ctx = template.new_context(context)
    _run_top_level(template, ctx)
    parent = _parent_name(env, name)
    while parent:
        for block_name, func in env.get_template(parent).blocks.items():
            funcs = ctx.blocks.setdefault(block_name, [])
            if func not in funcs:
                funcs.append(func)
        parent = _parent_name(env, parent)
    return "".join(ctx.blocks[block][0](ctx))


def _run_top_level(template: Any, ctx: Any) -> None:
    """Run a page's top-level statements up to its first output: its ``{% from … import … %}``
    (the macros its blocks call). Rendering a block alone would otherwise miss them."""
    statements = template.root_render_func(ctx)
    try:
        next(statements, None)
    finally:
        statements.close()


def is_fragment_request(request: Request) -> bool:
    """An htmx request that asked for part of a page (not a boosted navigation nor a history
    restore, which need the whole page)."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def navigate(request: Request, url: str) -> Response:
    """Go to ``url``: a 303, or for htmx a full navigation (``HX-Redirect``), because the next
    page may need new headers (a new CSRF token after login)."""
    if request.headers.get("hx-request") == "true":
        return Response(b"", status_code=200, headers={"HX-Redirect": quote(url, safe="/?&=%#:")})
    return Redirect(url, status_code=302 if request.method == "GET" else 303)


def menu_for(plugins: Plugins, viewer: Viewer | None) -> list[MenuItem]:
    """Header links from every plugin; a plugin that fails is logged and left out."""
    if viewer is None:
        return []
    items: list[MenuItem] = []
    for _, found in plugins.isolated("menu_items", "ses liens sont omis", viewer=viewer):
        items.extend(found)
    return sorted(items, key=lambda item: item.order)


def page_address(request: Request) -> str:
    """This page's path and query as the browser asked for them (the router drops a final « / »),
    for a form that comes back here (the footer's « Contraste élevé »); « / » after a POST."""
    if request.method != "GET":
        return "/"
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1").split("?", 1)[0] if raw else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The page, or only its ``page`` block for an htmx fragment request (``Vary: HX-Request``)."""
    state = request.app.state
    viewer = request.scope.get("user")
    ctx = {
        "request": request,
        "viewer": viewer,
        "csrf_token": request.scope.get("state", {}).get("csrf_token", ""),
        "menu": menu_for(state.plugins, viewer),
        "contraste_eleve": request.cookies.get(CONTRAST_COOKIE) == "eleve",
        # An error page sends back home: it must not repeat the address asked for (an unknown
        # child's page and another family's child's page answer the same bytes); a refused
        # form (409, 422) is the page itself.
        "contraste_retour": page_address(request) if status_code < 400 or status_code in (409, 422) else "/",
        **(context or {}),
    }
    env: Environment = state.jinja
    if is_fragment_request(request):
        # htmx takes the <title> of a fragment as the page's new title (tab, history, readers).
        title = render_block(env, template, "title", ctx)
        html = f"<title>{title} – Téléservices</title>\n" + render_block(env, template, FRAGMENT_BLOCK, ctx)
    else:
        html = env.get_template(template).render(ctx)
    return Response(
        html,
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={"Vary": "HX-Request", "Cache-Control": "no-store", **(headers or {})},
    )


def download(content: bytes, filename: str, media_type: str) -> Response:
    """A file to save (a PDF, a CSV export), never cached: its name without accents, with
    nothing but letters, digits, « - » and « . », so that every browser saves it as is."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    safe = "".join(c if c.isalnum() or c in "-." else "-" for c in plain)
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "private, no-store",
    })
