"""The families' own account pages (guide 2.2 to 2.5), composed for ``identity_routes``:

- ``first_connection``: the provisional password replaced, the guardian's activation link,
  the pupil's optional address;
- ``recovery``: lost identifier, lost password and the reset link;
- ``account_settings``: new address (confirmed by a link) and new password, from "gérer son
  compte".

Their shared pieces (field checks, mailed links, throttled password checks) are in
``family_forms``; the purge of accounts never activated is in ``purge``.
"""

from __future__ import annotations

from typing import Any

from teleservices.core.identity import account_settings, first_connection, recovery

ROUTES: list[Any] = [*first_connection.ROUTES, *recovery.ROUTES, *account_settings.ROUTES]
