"""Every staff page renders for the roles that use it, and refuses the others."""

from __future__ import annotations

import pytest

from chengguan.cases.tests.builders import dispatched, handled, reported
from chengguan.core.testing import TinyCity
from chengguan.staff.tests.helpers import PAGES, client_for, url


@pytest.mark.parametrize(("name", "args", "roles"), PAGES)
def test_page_renders_for_its_roles(tiny_city: TinyCity, name: str, args: tuple, roles: tuple) -> None:
    reported(tiny_city)
    dispatched(tiny_city)
    handled(tiny_city)
    for role in roles:
        response = client_for(tiny_city, role).get(url(name, *args))
        assert response.status_code == 200, (role, name, response.content[:500])


def test_anonymous_visitor_is_sent_to_the_staff_login(client: object, tiny_city: TinyCity) -> None:
    response = client.get(url("staff:console"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("staff:login"))


def test_citizen_may_not_open_any_staff_page(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "citizen")
    for name, args, _roles in PAGES:
        assert client.get(url(name, *args)).status_code == 403, name


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("inspector", "staff:console"),
        ("officer", "staff:console"),
        ("operator", "staff:report"),
        ("dispatcher", "staff:unit"),
        ("officer", "staff:beats"),
        ("inspector", "staff:dashboard"),
        ("operator", "staff:patrol"),
    ],
)
def test_roles_are_refused_pages_they_do_not_use(tiny_city: TinyCity, role: str, name: str) -> None:
    assert client_for(tiny_city, role).get(url(name)).status_code == 403
