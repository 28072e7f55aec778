"""The portal's clock. Tests replace ``now`` to travel in time (lifetimes, timeouts)."""

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
