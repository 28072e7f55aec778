"""A service another establishment offers to a child (``ServiceSpec.offered_by``): the lycée of
a 3e pupil's affectation offers the online enrolment. The home screen, the guard of every route
and the options follow that establishment, never the child's own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from litestar import Request, get

from teleservices.core.api import CurrentChild, ServiceOption, ServiceSpec, UserType, hookimpl, service_options
from teleservices.core.app import create_app
from teleservices.core.tables import ServiceActivation
from teleservices.core.testing import run

KEY = "test_ailleurs"
# Which establishment offers the service, per pupil id; set by each test.
OFFERS: dict[int, int | None] = {}


async def offered_by(child: Any) -> int | None:
    return OFFERS.get(child.id)


@get("/")
async def page(request: Request, child: CurrentChild) -> str:
    return f"Offert à {child.prenom} : {service_options(request)}"


def plugin() -> Any:
    return SimpleNamespace(services=hookimpl(lambda: [ServiceSpec(
        KEY, "Offert par un autre établissement", audiences=frozenset({UserType.PARENT}), routes=[page],
        offered_by=offered_by, options=(ServiceOption("campagne", "Campagne", "text", ""),),
    )]))


@pytest.fixture(scope="module")
def app(portal_settings):
    return create_app(portal_settings, extra_plugins={KEY: plugin()})


@pytest.fixture
def activations(demo):
    """``activations(etablissement_id, ouvert, options)``; removed after the test."""

    def open_(etablissement_id: int, ouvert: bool = True, options: dict | None = None) -> None:
        run(ServiceActivation.insert(ServiceActivation(etablissement=etablissement_id, service=KEY, ouvert=ouvert,
                                                       options=options or {})))

    yield open_
    run(ServiceActivation.delete().where(ServiceActivation.service == KEY))
    OFFERS.clear()


def home(client, demo) -> str:
    return client.get(f"/eleves/{demo.lea}/").text


def test_the_offering_establishment_opened_it_the_childs_own_did_not(client_as, app, demo, activations):
    activations(demo.lycee, options={"campagne": "2027"})
    activations(demo.college, ouvert=False, options={"campagne": "celle du collège"})
    OFFERS[demo.lea] = demo.lycee
    parent = client_as("demo.parent", app=app)
    assert "Offert par un autre établissement" in home(parent, demo)
    response = parent.get(f"/eleves/{demo.lea}/{KEY}/")
    assert response.status_code == 200 and response.text == "Offert à Léa : {'campagne': '2027'}"  # the lycée's


def test_the_childs_own_establishment_does_not_decide(client_as, app, demo, activations):
    activations(demo.college)  # Léa's collège opened it...
    OFFERS[demo.lea] = demo.lycee  # ...but the lycée offering it did not
    parent = client_as("demo.parent", app=app)
    assert "Offert par un autre établissement" not in home(parent, demo)
    assert parent.get(f"/eleves/{demo.lea}/{KEY}/").status_code == 403


def test_no_establishment_offers_it_to_this_child(client_as, app, demo, activations):
    activations(demo.college)
    activations(demo.lycee)
    OFFERS[demo.lea] = None  # no affectation, say
    parent = client_as("demo.parent", app=app)
    assert "Offert par un autre établissement" not in home(parent, demo)
    assert parent.get(f"/eleves/{demo.lea}/{KEY}/").status_code == 403


def test_the_audience_still_applies(client_as, app, demo, activations):
    activations(demo.lycee)
    OFFERS[demo.lea] = demo.lycee
    assert client_as("demo.eleve", app=app).get(f"/eleves/{demo.lea}/{KEY}/").status_code == 403
