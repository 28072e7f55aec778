"""The hooks a Téléservices plugin may implement.

A plugin is a module (or object) registered under the ``teleservices`` entry-point group. It
implements any of the functions below, decorated with ``teleservices.core.api.hookimpl``, with
the same name and any subset of the arguments. Unknown hook names make start-up fail.

pluggy returns results last-registered first: the core sorts what it collects by an explicit
``order`` wherever order matters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from teleservices.core.api import DemoContext, MenuItem, ServiceSpec, Viewer

hookspec = pluggy.HookspecMarker("teleservices")


@hookspec
def services() -> list[ServiceSpec]:
    """Declare the services this plugin offers to families.

    Called once at start-up. Each :class:`ServiceSpec` names a unique service key; a key used by
    two plugins makes start-up fail. The service's route handlers are mounted under
    ``/eleves/{eleve_id}/{key}/`` behind the core's guard (login, child, establishment
    activation, audience, pupil access).

    :return: a list of service declarations (may be empty).
    """


@hookspec
def menu_items(viewer: Viewer) -> list[MenuItem]:
    """Links for the header menu ("aide | se déconnecter | gérer son compte").

    Called each time a page is rendered for a logged-in user, with the viewer. Must not query the
    database. Items are sorted by their ``order``.
    """


@hookspec
def template_dirs() -> list[str]:
    """Folders of Jinja templates this plugin ships, besides its package's ``templates/``
    folder, which is found without this hook.

    Called once at start-up. Templates resolve theme, then plugins, then core; a plugin should
    keep its templates in a sub-folder named after its service key. Any template is also
    reachable as ``<plugin name>/<path>`` so that an override can extend the original.
    """


@hookspec
def static_dirs() -> dict[str, str]:
    """Static folders, as ``{name: path}``, served under ``/static/<name>/``.

    A plugin package's own ``static/`` folder is served under ``/static/<plugin name>/``
    without this hook. Called once at start-up; a name used twice makes start-up fail.
    """


@hookspec
def piccolo_apps() -> list[str]:
    """The dotted paths of this plugin's Piccolo app modules (each defines ``APP_CONFIG``).

    Called once at start-up and by ``teleservices migrate``, which applies their migrations.
    Every table must be named with the plugin's name as prefix (``notes_devoir``...), or
    start-up fails. (Not named ``piccolo_app``: importing a plugin's ``piccolo_app`` module
    would shadow a hook function of that name in the plugin's package.)
    """


@hookspec
def demo_data(context: DemoContext) -> Any:
    """Add this plugin's demo data, after the core's, for ``teleservices demo``.

    Must be idempotent: ``teleservices demo`` may run twice on the same database. May be a
    coroutine function.
    """


@hookspec
def accounts_merged(kept: int, merged: int) -> Any:
    """A parent merged the account ``merged`` into the account ``kept`` (guide 2.2.1).

    Called inside the merge's transaction, after the children moved to ``kept`` and before
    ``merged`` is deleted: move here any row the plugin keeps per account. Raising aborts the
    whole merge, which then leaves both accounts as they were. May be a coroutine function.
    """
