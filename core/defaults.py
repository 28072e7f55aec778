"""The core's own hook implementations: it uses the plugin API like any plugin."""

from teleservices.core.api import MenuItem, UserType, Viewer, hookimpl, lazy_gettext as _l, plugin_folder

# The header's links, in each page's language.
AIDE, DECONNEXION, COMPTE, NOTIFICATIONS = _l("aide"), _l("se déconnecter"), _l("gérer son compte"), _l("notifications")


@hookimpl
def menu_items(viewer: Viewer) -> list[MenuItem]:
    items = [MenuItem(AIDE, "/aide", order=10), MenuItem(DECONNEXION, "/deconnexion", order=20, post=True)]
    if viewer.type != UserType.PERSONNEL:
        items.append(MenuItem(COMPTE, "/compte", order=30))
        # The notification centre, with its unread count (read with the session: no query here).
        items.append(MenuItem(NOTIFICATIONS, "/notifications", order=5, badge=viewer.notifications_non_lues))
    return items


@hookimpl
def static_dirs() -> dict[str, str]:
    # The core's hooks live in a module, not a package: its folder is named explicitly.
    return {"core": str(plugin_folder(__file__, "static"))}


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.core.piccolo_app"]
