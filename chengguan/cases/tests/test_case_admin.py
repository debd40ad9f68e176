"""The case admin shows cases and their timeline, and changes nothing."""

from __future__ import annotations

from typing import Any

from chengguan.cases.tests.builders import dispatched
from chengguan.core.testing import TinyCity


def test_the_admin_shows_a_case_with_its_events_read_only(tiny_city: TinyCity, client: Any) -> None:
    admin = tiny_city.users["admin"]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    case = dispatched(tiny_city)

    listing = client.get("/admin/cases/case/")
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    post = client.post(f"/admin/cases/case/{case.pk}/change/", {"state": "closed"})

    assert listing.status_code == 200
    assert case.number in listing.content.decode()
    assert page.status_code == 200
    assert "dispatched" in page.content.decode()
    assert post.status_code == 403
    case.refresh_from_db()
    assert case.state == "dispatched"
