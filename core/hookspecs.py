"""The hooks a Téléservices plugin may implement.

A plugin is a module (or object) registered under the ``teleservices`` entry-point group. It
implements any of the functions below, decorated with ``teleservices.core.api.hookimpl``, with
the same name and any subset of the arguments. Unknown hook names make start-up fail.

pluggy returns results last-registered first: the core sorts what it collects by an explicit
``order`` wherever order matters.

When a hook raises
------------------
One plugin's failure never takes the portal down; each failure is logged as an ERROR (a
``teleservices`` logger, with the traceback) that names the plugin and the hook or the page.

- An INVALID plugin is refused before anything is served: start-up fails with a message naming
  it (an unknown hook name or argument, a duplicate service key, a key that is a path of the
  portal, a table outside the plugin's prefix, a module that cannot be imported).
- A start-up hook that RAISES (``services``, ``template_dirs``, ``static_dirs``,
  ``piccolo_apps``) disables the plugin: none of what it declares is used (its services, routes,
  templates, static files, tables, its other hooks), and the portal starts without it
  (« Le plugin « x » a échoué dans services : … ; il est désactivé »).
- ``menu_items`` and ``demo_data`` that raise: that plugin's links or demo data are left out,
  the other plugins' are not.
- ``notified`` that raises: logged, that plugin's delivery is left out; the notifications are
  stored and mailed all the same, and the change that caused them is kept.
- ``daily`` that raises: logged, that plugin's task is left out; the other plugins' run, and
  the digest of the notifications follows.
- ``accounts_merged`` that raises aborts the merge (all or nothing); the parent is told in
  French that nothing changed.
- ``ServiceSpec.offered_by`` that raises: the home screen leaves that service out and shows the
  others; the service's routes answer its error page.
- A service's route handler (family, staff, feed or API route) or a template it renders that
  raises: that request gets the service's error page, « Le service « … » a rencontré une erreur.
  Les autres services restent disponibles. », with a status 500 (the API its JSON 500); a 4xx
  the handler raises on purpose (``NotFoundException``…) keeps the ordinary error page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from teleservices.core.api import Child, DemoContext, HomeLink, MenuItem, Notice, ServiceSpec, Viewer

hookspec = pluggy.HookspecMarker("teleservices")


@hookspec
def services() -> list[ServiceSpec]:
    """Declare the services this plugin offers to families.

    Called once at start-up. Each :class:`ServiceSpec` names a unique service key; a key used by
    two plugins makes start-up fail. The service's route handlers are mounted under
    ``/eleves/{eleve_id}/{key}/`` behind the core's guard (login, child, establishment
    activation, audience, pupil access).

    Raising disables the plugin (see « When a hook raises »); an invalid declaration makes
    start-up fail instead.

    :return: a list of service declarations (may be empty).
    """


@hookspec
def menu_items(viewer: Viewer) -> list[MenuItem]:
    """Links for the header menu ("aide | se déconnecter | gérer son compte").

    Called each time a page is rendered for a logged-in user, with the viewer. Must not query the
    database. Items are sorted by their ``order``. An implementation that raises is logged and
    its links are left out: the page still renders with the others.
    """


@hookspec
def home_links(viewer: Viewer, child: Child) -> list[HomeLink]:
    """Links shown on a child's home screen after the services: the ENT of the academy, an
    academic service, the school's site.

    Called each time the home screen of ``child`` is shown to ``viewer`` (a parent or the pupil
    themself). Returns a list of :class:`HomeLink` (may be empty); may be a coroutine function.
    One query at most, never one per link. Each link opens in a new tab with
    ``rel="noopener noreferrer"``; a link whose ``url`` is not ``https://`` or ``http://`` is left
    out. The links stay when the school removed the pupil's access to the national follow-up
    services (guide 1.2: the ENT and the academic services are kept). The links of every plugin
    are shown together, by ``order`` then label. An implementation that raises is logged with
    its plugin's name and its links are left out: the home screen still renders.
    """


@hookspec
def template_dirs() -> list[str]:
    """Folders of Jinja templates this plugin ships, besides its package's ``templates/``
    folder, which is found without this hook.

    Called once at start-up. Templates resolve theme, then plugins, then core; a plugin should
    keep its templates in a sub-folder named after its service key. Any template is also
    reachable as ``<plugin name>/<path>`` so that an override can extend the original.
    Raising disables the plugin.
    """


@hookspec
def static_dirs() -> dict[str, str]:
    """Static folders, as ``{name: path}``, served under ``/static/<name>/``.

    A plugin package's own ``static/`` folder is served under ``/static/<plugin name>/``
    without this hook. Called once at start-up; a name used twice makes start-up fail. Raising
    disables the plugin.
    """


@hookspec
def piccolo_apps() -> list[str]:
    """The dotted paths of this plugin's Piccolo app modules (each defines ``APP_CONFIG``).

    Called once at start-up and by ``teleservices migrate``, which applies their migrations.
    Every table must be named with the plugin's name as prefix (``notes_devoir``...), or
    start-up fails, as does a module that cannot be imported; raising in the hook disables the
    plugin. (Not named ``piccolo_app``: importing a plugin's ``piccolo_app`` module would
    shadow a hook function of that name in the plugin's package.)
    """


@hookspec
def demo_data(context: DemoContext) -> Any:
    """Add this plugin's demo data, after the core's, for ``teleservices demo``.

    Must be idempotent: ``teleservices demo`` may run twice on the same database. May be a
    coroutine function. An implementation that raises is logged; the other plugins' demo data
    is still loaded and ``teleservices demo`` still succeeds.
    """


@hookspec
def accounts_merged(kept: int, merged: int) -> Any:
    """A parent merged the account ``merged`` into the account ``kept`` (guide 2.2.1).

    Called inside the merge's transaction, after the children moved to ``kept`` and before
    ``merged`` is deleted: move here any row the plugin keeps per account. Raising aborts the
    whole merge, which then leaves both accounts as they were: the failure is logged with the
    plugin's name and the parent reads in French that the merge was not done. May be a
    coroutine function.
    """


@hookspec
def daily(today: dt.date) -> Any:
    """Once a day (``teleservices daily``, from a timer), before the notifications' digest: what a
    service does because a date has come — the enrolment announces the campaign that opens today.

    ``today`` is the school's day. Must be safe to run twice, or late (a day missed when the server
    was down): remember what was done, and do what was due up to ``today``. May emit
    notifications (``notify(None, …)``). May be a coroutine function; one that raises is logged
    with its plugin's name and left out.
    """


@hookspec
def notified(notices: list[Notice]) -> Any:
    """Notifications were just stored for family accounts (a service called ``notify``): deliver
    them through another channel than the portal and e-mail — a web push, an SMS gateway.

    Called inside the transaction of the change that caused them, once per ``notify`` call, with
    one :class:`Notice` per account and pupil (its ``canal`` is the account's e-mail choice for
    that type). Queue the delivery (a row of the plugin's own table, sent later): never call
    another server here, and never fail the transaction — an implementation that raises is
    logged with its plugin's name and left out, the notifications are kept. May be a coroutine
    function.
    """
