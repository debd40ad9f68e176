"""The evidence admin shows evidence and lets nobody add, change or delete it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chengguan.core.testing import TinyCity
from chengguan.evidence.models import Evidence
from chengguan.evidence.services import store_evidence
from chengguan.evidence.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(tiny_city: TinyCity) -> Evidence:
    return store_evidence(
        SimpleUploadedFile("现场.jpg", samples.jpeg()),
        owner_type="cases.report",
        owner_id="42",
        uploaded_by=tiny_city.users["inspector"],
        expected_lon=samples.SITE_LON,
        expected_lat=samples.TWO_KM_NORTH_LAT,
    )


def test_the_list_shows_kind_owner_hash_flags_and_a_thumbnail(admin_client, photo: Evidence) -> None:
    response = admin_client.get(reverse("admin:evidence_evidence_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "cases.report#42" in html
    assert photo.sha256[:12] in html
    assert f'<img src="{photo.file.url}"' in html
    assert "icon-yes.svg" in html  # the place mismatch flag


def test_the_list_filters_by_mismatch(admin_client, photo: Evidence) -> None:
    url = reverse("admin:evidence_evidence_changelist")

    flagged = admin_client.get(url, {"place_mismatch__exact": "1"}).content.decode()
    unflagged = admin_client.get(url, {"place_mismatch__exact": "0"}).content.decode()

    assert "cases.report#42" in flagged
    assert "cases.report#42" not in unflagged


def test_the_detail_page_is_read_only(admin_client, photo: Evidence) -> None:
    url = reverse("admin:evidence_evidence_change", args=[photo.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"owner_id": "99"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    photo.refresh_from_db()
    assert photo.owner_id == "42"


def test_nobody_adds_or_deletes_evidence_in_the_admin(admin_client, photo: Evidence) -> None:
    add = admin_client.get(reverse("admin:evidence_evidence_add"))
    delete = admin_client.post(reverse("admin:evidence_evidence_delete", args=[photo.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:evidence_evidence_changelist"),
        {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"},
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code == 200
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_a_leader_may_look(client, tiny_city: TinyCity, photo: Evidence) -> None:
    client.force_login(tiny_city.users["leader"])

    response = client.get(reverse("admin:evidence_evidence_change", args=[photo.pk]))

    assert response.status_code == 200


def test_a_dispatcher_without_permission_may_not_look(client, tiny_city: TinyCity, photo: Evidence) -> None:
    client.force_login(tiny_city.users["dispatcher"])

    response = client.get(reverse("admin:evidence_evidence_changelist"))

    assert response.status_code == 403
