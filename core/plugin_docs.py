"""The generated parts of ``docs/plugins.md``: the hooks, from the docstrings of ``hookspecs.py``,
and the facade, one line per name of ``teleservices.core.api.__all__``.

``teleservices docs`` rewrites what lies between the markers ``<!-- hooks:start -->`` and
``<!-- hooks:end -->`` (and ``api:start``/``api:end``); ``teleservices docs --check`` and the
unit tests fail when the committed file differs, so the page cannot drift from the code.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

# Facade names with no docstring of their own (constants, a pluggy marker, an enum, dataclasses
# whose fields say it all): their line comes from here, else from the comment above them in api.py.
# A unit test fails when an entry is no longer needed.
FALLBACK = {
    "Etablissement": "An establishment as pages, mails and PDFs show it: UAI, type, name, address, contacts, "
                     "the head's message to families.",
    "FAMILIES": "The two family user types, parents and pupils: the default ``audiences`` of a service.",
    "MOIS": "The French names of the months, « Janvier » to « Décembre ».",
    "MenuItem": "A link of the header menu (hook ``menu_items``): label, href, order, and ``post`` for a small form.",
    "PAR_MOIS": "The « Filtre par » choice of one month (a ``Filtre``'s kind).",
    "PAR_PERIODE": "The « Filtre par » choice of one period (a ``Filtre``'s kind).",
    "Periode": "A period of the school year: code (« T1 »), libelle, debut, fin; ``Periode.de_ligne(row)``.",
    "ROLE_LABELS": "The French label of each staff role (« Chef d'établissement »...).",
    "TOUTES": "The « Filtre par » choice of the whole school year (a ``Filtre``'s kind).",
    "UserType": "Who an account is: ``PARENT``, ``ELEVE`` (a pupil) or ``PERSONNEL`` (staff).",
    "hookimpl": "The decorator that marks a function (or method) as this plugin's implementation of a hook.",
    "revoke_private_link": "Revoke the account's private link to this child's feed of the current service.",
}


class UndocumentedError(ValueError):
    """A hook or a facade name without any description: the page would lie by omission."""


def markdown(text: str) -> str:
    """A docstring's reStructuredText habits, in Markdown: ``x`` and :class:`X` become `x`."""
    text = re.sub(r":(?:class|func|meth|attr|mod):`~?([^`]+)`", r"`\1`", text)
    text = re.sub(r"``(.+?)``", r"`\1`", text)
    return re.sub(r"^:return: ?", "Returns: ", text, flags=re.M)


def hookspecs_of(module: ModuleType) -> list[Callable[..., Any]]:
    """The hook specifications of a module, in the order they are written."""
    return [
        value for value in vars(module).values()
        if inspect.isfunction(value) and hasattr(value, "teleservices_spec")
    ]


def hook_section(module: ModuleType | None = None) -> str:
    """The module's docstring (its title line left out: how hooks are implemented, and what
    happens when one raises), then, for every hook, ``### name``, its signature and its whole
    docstring."""
    if module is None:
        from teleservices.core import hookspecs as module
    parts = []
    intro = inspect.cleandoc(module.__doc__ or "").partition("\n")[2].strip()
    if intro:
        parts.append(re.sub(r"^(.+)\n-{3,}$", r"### \1\n", markdown(intro), flags=re.M) + "\n")
    for spec in hookspecs_of(module):
        doc = inspect.getdoc(spec)
        if not doc:
            raise UndocumentedError(f"le hook « {spec.__name__} » n'a pas de docstring ({module.__name__})")
        signature = f"{spec.__name__}{inspect.signature(spec)}".replace("'", "")
        parts.append(f"### `{spec.__name__}`\n\n```python\n{signature}\n```\n\n{markdown(doc)}\n")
    return "\n".join(parts)


def _own_doc(value: Any) -> str:
    """The docstring a facade name was given itself (not its type's, not dataclass's generated one)."""
    if inspect.isclass(value):
        doc = vars(value).get("__doc__") or ""
        return "" if doc.startswith(f"{value.__name__}(") else doc
    if inspect.isfunction(value):
        return value.__doc__ or ""
    return ""


def _comments_above(source: str) -> dict[str, str]:
    """For each name a module binds (assignment, import, def, class), the ``#`` comment block
    right above its statement."""
    lines = source.splitlines()
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.asname or alias.name for alias in node.names]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        else:
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        block: list[str] = []
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
            block.insert(0, lines[first].strip().lstrip("#").strip())
        for name in names:
            if block:
                found[name] = " ".join(block)
    return found


def first_sentence(text: str) -> str:
    """The first sentence of a text's first paragraph, on one line."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?(?<!e\.g)(?<!i\.e)[.!?])(\s|$)", paragraph)
    return match.group(1) if match else paragraph


def _signature(value: Any) -> str:
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        return ""
    shown = [p.replace(annotation=inspect.Parameter.empty) for p in parameters]
    return "(" + ", ".join(str(p) for p in shown) + ")"


def facade_section(module: ModuleType | None = None) -> str:
    """One line per public name of the facade: the name (a function's parameters) and the first
    sentence of its docstring, else of ``FALLBACK``, else of the comment above it in the module."""
    if module is None:
        from teleservices.core import api as module
    comments = _comments_above(Path(inspect.getsourcefile(module)).read_text(encoding="utf-8"))
    lines = []
    for name in sorted(module.__all__, key=str.lower):
        value = getattr(module, name)
        text = _own_doc(value) or FALLBACK.get(name) or comments.get(name, "")
        if not text:
            raise UndocumentedError(f"« {name} » de {module.__name__} n'a ni docstring ni commentaire")
        shown = name + (_signature(value) if inspect.isfunction(value) else "")
        lines.append(f"- `{shown}` — {markdown(first_sentence(text))}")
    return "\n".join(lines) + "\n"


MARKERS = {"hooks": hook_section, "api": facade_section}


def regenerate(text: str) -> str:
    """``text`` with each generated section (between its markers) written afresh."""
    for name, generate in MARKERS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
            raise ValueError(f"les marqueurs {start} et {end} doivent être présents une fois, dans cet ordre")
        before, rest = text.split(start)
        _, after = rest.split(end)
        text = f"{before}{start}\n<!-- Généré par « teleservices docs » : ne pas modifier à la main. -->\n\n" \
               f"{generate()}\n{end}{after}"
    return text
