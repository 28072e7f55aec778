"""The portal's clock. Tests replace ``now`` to travel in time (lifetimes, timeouts).

The database keeps UTC; a school's day is its own time zone's: at 00:30 in Paris, UTC is still
on the day before. ``TELESERVICES_FUSEAU`` names it (« Europe/Paris » by default; an overseas
academy sets its own, e.g. « Indian/Reunion »).
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

FUSEAU = ZoneInfo(os.environ.get("TELESERVICES_FUSEAU", "Europe/Paris"))


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """The school's day now."""
    return now().astimezone(FUSEAU).date()


def local(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC) moment on the school's clock, for display."""
    return moment.astimezone(FUSEAU)
