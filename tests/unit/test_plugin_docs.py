"""docs/plugins.md cannot drift from the code: its hooks and its facade are generated from the
docstrings (``teleservices docs``), and these tests fail when a hook is undocumented, missing
from the page, or when the committed page differs from what the code generates."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pluggy
import pytest

from teleservices.core import api, hookspecs
from teleservices.core.plugin_docs import (
    FALLBACK, UndocumentedError, _own_doc, facade_section, first_sentence, hook_section, hookspecs_of, markdown,
    regenerate,
)
from teleservices.core.testing import invoke_cli

PAGE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def test_every_hook_has_a_docstring() -> None:
    specs = hookspecs_of(hookspecs)
    assert {"services", "menu_items", "piccolo_apps", "demo_data"} <= {spec.__name__ for spec in specs}
    assert [spec.__name__ for spec in specs if not (spec.__doc__ or "").strip()] == []


def test_every_hook_is_in_docs_plugins_md() -> None:
    page = PAGE.read_text(encoding="utf-8")
    hooks = page.split("<!-- hooks:start -->")[1].split("<!-- hooks:end -->")[0]
    for spec in hookspecs_of(hookspecs):
        assert f"### `{spec.__name__}`" in hooks, f"le hook {spec.__name__} manque dans docs/plugins.md"


def test_the_committed_page_is_what_the_code_generates() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert regenerate(page) == page, "docs/plugins.md n'est pas à jour : lancez « teleservices docs »"


def test_every_name_of_the_facade_has_its_line() -> None:
    section = facade_section()
    for name in api.__all__:
        assert re.search(rf"^- `{re.escape(name)}[(`]", section, re.M), name
    # The fallback lines are for names without a docstring only: one that gets its own wins.
    assert [name for name in FALLBACK if name not in api.__all__ or _own_doc(getattr(api, name))] == []


def _module_with(spec) -> ModuleType:
    module = ModuleType("faux_hookspecs")
    module.faux = pluggy.HookspecMarker("teleservices")(spec)
    return module


def test_a_hook_without_docstring_is_refused() -> None:
    def sans_doc(viewer) -> list: ...

    with pytest.raises(UndocumentedError, match="sans_doc"):
        hook_section(_module_with(sans_doc))

    def avec_doc(viewer: int) -> list[str]:
        """Une phrase.

        Un détail avec ``code`` et :class:`ServiceSpec`.
        """

    assert hook_section(_module_with(avec_doc)) == (
        "### `avec_doc`\n\n```python\navec_doc(viewer: int) -> list[str]\n```\n\n"
        "Une phrase.\n\nUn détail avec `code` et `ServiceSpec`.\n"
    )


def test_the_hookspecs_module_docstring_comes_first() -> None:
    def crochet() -> None:
        """Un crochet."""

    module = _module_with(crochet)
    module.__doc__ = "Le titre, laissé de côté.\n\nComment ``faire``.\n\nEn cas d'erreur\n---------------\nRien ne casse.\n"
    assert hook_section(module).startswith(
        "Comment `faire`.\n\n### En cas d'erreur\n\nRien ne casse.\n\n### `crochet`\n"
    )
    assert "Un crochet." in hook_section(module)


def test_a_facade_name_without_any_description_is_refused(tmp_path) -> None:
    source = tmp_path / "fausse_facade.py"
    source.write_text('# Commented.\nA = 1\nB = 2\n\n\ndef f(x, y=3):\n    """Does f. Then more."""\n\n\n'
                      '__all__ = ["A", "f"]\n', encoding="utf-8")
    module = ModuleType("fausse_facade")
    module.__file__ = str(source)
    exec(compile(source.read_text(), str(source), "exec"), module.__dict__)
    assert facade_section(module) == "- `A` — Commented.\n- `f(x, y=3)` — Does f.\n"
    module.__all__.append("B")
    with pytest.raises(UndocumentedError, match="« B »"):
        facade_section(module)


def test_first_sentence_and_markdown() -> None:
    assert first_sentence("Save it (e.g. from a page), with\n  its line. Then more.\n\nOther.") == (
        "Save it (e.g. from a page), with its line."
    )
    assert markdown(":return: the ``x`` of :class:`~pkg.Y`") == "Returns: the `x` of `pkg.Y`"


def test_the_docs_command_rewrites_a_stale_page_and_check_fails_on_it(tmp_path) -> None:
    stale = tmp_path / "plugins.md"
    stale.write_text("# Page\n\n<!-- hooks:start -->\nvieux\n<!-- hooks:end -->\n\nTexte gardé.\n\n"
                     "<!-- api:start -->\n<!-- api:end -->\n", encoding="utf-8")
    checked = invoke_cli(["docs", "--file", str(stale), "--check"])
    assert checked.exit_code == 1 and "n'est pas à jour" in checked.output
    assert "vieux" in stale.read_text(encoding="utf-8")

    written = invoke_cli(["docs", "--file", str(stale)])
    assert written.exit_code == 0, written.output
    page = stale.read_text(encoding="utf-8")
    assert "vieux" not in page and "### `services`" in page and "- `ServiceSpec` — " in page
    assert page.startswith("# Page\n\n<!-- hooks:start -->") and "\n\nTexte gardé.\n\n" in page
    assert invoke_cli(["docs", "--file", str(stale), "--check"]).exit_code == 0


def test_the_docs_command_refuses_a_page_without_its_markers(tmp_path) -> None:
    page = tmp_path / "plugins.md"
    page.write_text("# Sans marqueurs\n", encoding="utf-8")
    result = invoke_cli(["docs", "--file", str(page)])
    assert result.exit_code == 1 and "<!-- hooks:start -->" in result.output
