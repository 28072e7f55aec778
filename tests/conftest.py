"""Fixtures come from the project's pytest plugin, teleservices.core.testing (entry point
pytest11), the same one third-party plugin suites use."""

import pytest


@pytest.fixture(autouse=True)
def forget_failed_password_checks(request):
    """Every test starts with no throttling left over by another test (all test clients share
    one client address)."""
    if "portal_settings" in request.fixturenames:
        request.getfixturevalue("portal_settings")  # the database exists before we clean it
        from teleservices.core.tables import Tentative
        from teleservices.core.testing import run

        run(Tentative.delete(force=True))
    yield
