"""The identity pages, composed for the app."""

from __future__ import annotations

from typing import Any

from teleservices.core.identity import dev_mailbox, merge
from teleservices.core.identity import family
from teleservices.core.identity import staff
from teleservices.core.settings import Settings


def identity_routes(settings: Settings) -> list[Any]:
    routes: list[Any] = []
    routes.extend(family.ROUTES)
    routes.extend(merge.ROUTES)
    routes.extend(staff.ROUTES)
    if settings.dev_mailbox:
        routes.extend(dev_mailbox.ROUTES)
    return routes
