"""Homework told to the families (issue 11, notifications): « Travail à faire » when a teacher
gives it, from their page or from a push of the school's software, to every account that sees
the cahier of a pupil of the class or group (the core's rule). A change to homework already given
is not told again: the family sees it on the week's page."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from teleservices.core.api import format_date, labels, lazy_gettext as _l, notify, pupils_of_structure

TYPE = "cahier.devoir"


async def tell_homework(request: Any, given: Iterable[tuple[int, int, dt.date]]) -> None:
    """Inside the transaction that stores new homework: ``given`` is (division or group id,
    subject id, due date) of each piece; one notification per class, subject and day."""
    given = sorted(set(given))
    if not given:
        return
    matieres = (await labels({matiere for _, matiere, _ in given}, []))["matiere"]
    pupils: dict[int, list[int]] = {}  # read once per class or group, whatever its subjects and days
    for division_id, matiere_id, pour_le in given:
        if division_id not in pupils:
            pupils[division_id] = [pupil["id"] for pupil in await pupils_of_structure(division_id)]
        eleves = pupils[division_id]
        matiere = (matieres.get(matiere_id) or {}).get("libelle") or _l("Cahier de textes")
        # Lazy: the core writes it in each family's language (the date reads the same in both).
        titre = _l("%(matiere)s : travail à faire pour le %(date)s", matiere=matiere, date=format_date(pour_le))
        await notify(request, eleves, TYPE, titre, f"/eleves/{{eleve}}/cahier/jour/{pour_le.isoformat()}")
