"""``rendering.render_block``: the htmx fragment of a page, even a block its parent defines."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from teleservices.core.plugins import load_plugins
from teleservices.core.rendering import make_environment, render_block
from teleservices.core.settings import Settings

TEMPLATES = {
    "base.html": (
        "<html><body>{% block page %}<header>{% block titre %}Titre par défaut{% endblock %}</header>"
        "<main>{% block content %}{% endblock %}</main>{% endblock %}</body></html>"
    ),
    "habille.html": "{% extends 'base.html' %}{% block titre %}Titre du thème{% endblock %}",
    "page.html": "{% extends 'habille.html' %}{% block content %}Bonjour {{ nom }}{% endblock %}",
    "seule.html": "{% extends 'base.html' %}{% block page %}Page entière de {{ nom }}{% endblock %}",
    "_macros.html": "{% macro feuille() %}<link rel=stylesheet href=/static/x.css>{% endmacro %}",
    "importe.html": (
        "{% extends 'habille.html' %}{% from '_macros.html' import feuille %}"
        "{% block content %}{{ feuille() }}Bonjour {{ nom }}{% endblock %}"
    ),
}


@pytest.fixture
def env():
    return Environment(loader=DictLoader(TEMPLATES), autoescape=True)


def test_block_defined_in_the_parent_sees_the_page_overrides(env):
    html = render_block(env, "page.html", "page", {"nom": "Léa"})
    assert html == "<header>Titre du thème</header><main>Bonjour Léa</main>"


def test_block_is_rendered_without_the_rest_of_the_layout(env):
    html = render_block(env, "page.html", "page", {"nom": "Léa"})
    assert "<html" not in html and "<body" not in html


def test_block_overridden_by_the_leaf_template(env):
    assert render_block(env, "seule.html", "page", {"nom": "Hugo"}) == "Page entière de Hugo"


def test_context_is_autoescaped(env):
    assert "&lt;script&gt;" in render_block(env, "page.html", "page", {"nom": "<script>"})


def test_real_page_fragment_through_theme_and_core_layout(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", secret_key="k", var_dir=tmp_path)
    plugins = load_plugins(settings)
    env = make_environment("default", plugins)
    context = {"menu": [], "csrf_token": "jeton", "services": list(plugins.services.values()), "static": str}
    html = render_block(env, "aide.html", "page", context)
    assert "<h1>Aide</h1>" in html
    assert "Les notes" in html
    assert "<html" not in html
    assert "portal.css" not in html  # the theme's <head> is outside the fragment


def test_a_block_calls_the_macros_its_page_imports(env):
    """A page's ``{% from … import … %}`` runs before its block alone is rendered (an htmx
    fragment of the notes' staff page once failed on its stylesheet macro)."""
    html = render_block(env, "importe.html", "page", {"nom": "Léa"})
    assert html == "<header>Titre du thème</header><main><link rel=stylesheet href=/static/x.css>Bonjour Léa</main>"
