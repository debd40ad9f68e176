"""Multipart ``media`` on POST: photos stored as the report's evidence, shown once cleared, with limits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chengguan.cases.models import Case
from chengguan.core.testing import TinyCity
from chengguan.evidence.models import Evidence
from chengguan.open311.models import ApiKey
from chengguan.open311.tests.conftest import FORMATS, Open311Client, check_errors, check_request, jpeg, report
from chengguan.portal.models import PhotoClearance


def clear(evidence: Evidence, by: Any) -> None:
    PhotoClearance.objects.create(evidence=evidence, cleared_by=by, cleared_at=timezone.now())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("field", ["media", "media[]"])
def test_uploaded_photos_become_the_reports_evidence(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, field: str
) -> None:
    body = report(api_key, **{field: [jpeg("red"), jpeg("blue", name="2.jpg")]})

    answer = o311.post(fmt, body)

    assert answer.status == 200
    case = Case.objects.get(number=answer.data[0]["service_request_id"])
    stored = Evidence.objects.filter(owner_type="cases.case", owner_id=str(case.pk))
    assert stored.count() == 2
    assert {e.kind for e in stored} == {"photo"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_photos_are_public_only_once_staff_cleared_them(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str
) -> None:
    number = o311.post("json", report(api_key, media=[jpeg("red"), jpeg("blue", name="2.jpg")])).data[0][
        "service_request_id"
    ]
    first, second = Evidence.objects.order_by("id")

    hidden = o311.get(f"requests/{number}", fmt, extensions="true").data[0]
    clear(second, tiny_city.users["operator"])
    shown = o311.get(f"requests/{number}", fmt, extensions="true").data[0]

    assert hidden["media_url"] is None
    assert hidden["extended_attributes"]["media_urls"] == []
    check_request(shown, fmt, extensions=True)
    assert shown["media_url"].startswith(
        f"http://testserver/open311/v2/media/{second.pk}-{second.sha256[:16]}.jpg"
    )
    assert shown["extended_attributes"]["media_urls"] == [shown["media_url"]]
    assert o311.client.get(f"/open311/v2/media/{first.pk}-{first.sha256[:16]}.jpg").status_code == 404


def test_a_public_photo_is_served_without_its_metadata(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    number = o311.post("json", report(api_key, media=[jpeg("red", exif=True)])).data[0]["service_request_id"]
    evidence = Evidence.objects.get()
    clear(evidence, tiny_city.users["operator"])
    url = o311.get(f"requests/{number}", "json").data[0]["media_url"]

    response = o311.client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (40, 30)
    assert b"SecretPhoneMaker" not in response.content
    assert b"13912345678" not in response.content
    assert len(image.getexif()) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/media/{pk}-0000000000000000.jpg",
        "/open311/v2/media/{pk}-{digest}.png",
        "/open311/v2/media/999999-{digest}.jpg",
    ],
)
def test_a_wrong_media_address_is_404(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, path: str
) -> None:
    o311.post("json", report(api_key, media=[jpeg()]))
    evidence = Evidence.objects.get()
    clear(evidence, tiny_city.users["operator"])

    response = o311.client.get(path.format(pk=evidence.pk, digest=evidence.sha256[:16]))

    assert response.status_code == 404


def test_a_client_media_url_is_kept_and_shown(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    number = o311.post("json", report(api_key, media_url="https://img.app.example/p/1.jpg")).data[0][
        "service_request_id"
    ]

    record = o311.get(f"requests/{number}", "json", extensions="true").data[0]

    assert record["media_url"] == "https://img.app.example/p/1.jpg"
    assert record["extended_attributes"]["media_urls"] == ["https://img.app.example/p/1.jpg"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_photo_over_the_size_limit_is_413(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, settings: Any
) -> None:
    settings.OPEN311_MEDIA_MAX_MB = 1
    big = jpeg(size=(10, 10))
    big = SimpleUploadedFile("big.jpg", big.read() + b"\0" * (1024 * 1024), content_type="image/jpeg")

    answer = o311.post(fmt, report(api_key, media=[big]))

    check_errors(answer, 413)
    assert answer.data[0]["description"].startswith("media")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_body_announcing_more_than_the_limits_is_413_before_it_is_read(
    tiny_city: TinyCity, o311: Open311Client, fmt: str, settings: Any
) -> None:
    settings.OPEN311_MEDIA_MAX_MB = 1
    settings.OPEN311_MEDIA_MAX_FILES = 1

    response = o311.client.generic(
        "POST",
        f"/open311/v2/requests.{fmt}",
        b"x" * 10,
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
    )

    assert response.status_code == 413


@pytest.mark.parametrize("fmt", FORMATS)
def test_too_many_photos_are_refused(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, settings: Any
) -> None:
    settings.OPEN311_MEDIA_MAX_FILES = 2

    answer = o311.post(fmt, report(api_key, media=[jpeg(name=f"{i}.jpg") for i in range(3)]))

    check_errors(answer, 400)
    assert answer.data[0]["description"].startswith("media")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("note.txt", b"just text", content_type="text/plain"),
        SimpleUploadedFile("fake.jpg", b"%PDF-1.4\n" + b"0" * 100, content_type="image/jpeg"),
    ],
)
def test_anything_but_a_photo_is_refused(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, upload: Any
) -> None:
    upload.seek(0)

    answer = o311.post(fmt, report(api_key, media=[upload]))

    check_errors(answer, 400)
    assert answer.data[0]["description"].startswith("media")
    assert not Case.objects.exists()


def test_files_under_other_names_are_refused(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    answer = o311.post("json", report(api_key, photo=[jpeg()]))

    check_errors(answer, 400)
    assert answer.data[0]["description"].startswith("photo")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_body_with_too_many_fields_is_refused_in_the_spec_format(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5

    answer = o311.post(fmt, report(api_key, **{f"attribute[x{i}]": "1" for i in range(10)}))

    check_errors(answer, 400)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_broken_multipart_body_is_refused_in_the_spec_format(
    tiny_city: TinyCity, o311: Open311Client, fmt: str
) -> None:
    from chengguan.open311.tests.conftest import parse

    response = o311.client.generic(
        "POST", f"/open311/v2/requests.{fmt}", b"--zz\r\nbroken", content_type="multipart/form-data"
    )

    check_errors(parse(response, fmt), 400)
