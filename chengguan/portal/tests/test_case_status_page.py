"""The status page of a case shows the public timeline only: no reporter, no staff, no internal step."""

from __future__ import annotations

import pytest
from django.test import Client

from chengguan.cases import workflow
from chengguan.core.testing import TinyCity
from chengguan.evidence.models import Evidence
from chengguan.portal import services
from chengguan.portal.tests.conftest import close, portal_report

pytestmark = pytest.mark.django_db


def test_it_shows_the_public_steps_and_nothing_personal(client: Client, tiny_city: TinyCity) -> None:
    # given a report with contact data, returned once by the unit (an internal step) and then closed
    case = portal_report(
        reporter_name="张三",
        reporter_phone="13812345678",
        reporter_email="zhang@example.org",
        description="张三报告：水果摊，联系 13812345678",
    ).case
    case = workflow.register(case.pk, actor=tiny_city.users["operator"], version=case.version)
    case = workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)
    case = workflow.return_case(
        case.pk, actor=tiny_city.users["officer"], version=case.version, reason="内部原因X"
    )
    case = workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    # when anybody opens its status page
    html = client.get(f"/en/cases/{case.number}/").content.decode()

    # then the public steps are listed, and no contact, name, staff member or internal note
    assert "Report received" in html and "Sent to the unit responsible" in html
    for secret in ("13812345678", "zhang@example.org", "张三", "内部原因X", "赵派遣", "陈刚"):
        assert secret not in html
    assert "张*" in html


def test_an_unknown_number_is_a_404(client: Client, tiny_city: TinyCity) -> None:
    assert client.get("/en/cases/20260101-99999/").status_code == 404


def test_photos_are_public_only_once_cleared_by_staff(client: Client, tiny_city: TinyCity) -> None:
    from chengguan.portal.tests.conftest import jpeg

    case = portal_report(files=[jpeg()]).case
    photo = Evidence.objects.get(owner_type="cases.case", owner_id=str(case.pk))
    assert client.get(f"/en/photos/{photo.pk}/").status_code == 404
    assert f"/en/photos/{photo.pk}/" not in client.get(f"/en/cases/{case.number}/").content.decode()

    services.clear_photo(photo.pk, actor=tiny_city.users["operator"])

    assert client.get(f"/en/photos/{photo.pk}/").status_code == 200
    assert f"/en/photos/{photo.pk}/" in client.get(f"/en/cases/{case.number}/").content.decode()


def test_a_citizen_may_not_clear_photos(tiny_city: TinyCity) -> None:
    from chengguan.core.errors import AccessDenied
    from chengguan.portal.tests.conftest import jpeg

    case = portal_report(files=[jpeg()]).case
    photo = Evidence.objects.get(owner_type="cases.case", owner_id=str(case.pk))
    with pytest.raises(AccessDenied):
        services.clear_photo(photo.pk, actor=tiny_city.users["citizen"])
    with pytest.raises(AccessDenied):
        services.clear_photo(photo.pk, actor=tiny_city.users["outsider"])


def test_the_closed_case_shows_solved(client: Client, tiny_city: TinyCity) -> None:
    case = close(tiny_city, portal_report().case)
    html = client.get(f"/en/cases/{case.number}/").content.decode()
    assert "Solved and closed" in html


def test_a_public_photo_carries_no_camera_metadata(client: Client, tiny_city: TinyCity) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Photographer Zhang"  # Artist
    Image.new("RGB", (64, 48), "blue").save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    case = portal_report(files=[upload]).case
    photo = Evidence.objects.get(owner_type="cases.case", owner_id=str(case.pk))
    services.clear_photo(photo.pk, actor=tiny_city.users["operator"])

    response = client.get(f"/en/photos/{photo.pk}/")

    assert response.status_code == 200
    assert b"Photographer Zhang" not in response.content
    assert not Image.open(io.BytesIO(response.content)).getexif()
