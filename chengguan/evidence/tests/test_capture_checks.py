"""Photos: capture time and place from EXIF, compared with what the report expects (flagged, never refused)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chengguan.evidence.exif import parse_exif_gps, parse_exif_time
from chengguan.evidence.models import EvidenceKind
from chengguan.evidence.services import store_evidence
from chengguan.evidence.tests import samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

UTC = dt.UTC
# 2024-05-01 10:00 in Asia/Shanghai, the time written in the sample photo's EXIF
TAKEN = dt.datetime(2024, 5, 1, 2, 0, tzinfo=UTC)


def _store(content: bytes, **expected) -> object:
    upload = SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")
    return store_evidence(upload, owner_type="cases.report", owner_id="1", **expected)


def test_it_reads_time_in_the_city_zone_and_gps_in_degrees() -> None:
    evidence = _store(samples.jpeg())

    assert evidence.captured_at == TAKEN
    assert evidence.capture_lon == pytest.approx(samples.SITE_LON, abs=1e-6)
    assert evidence.capture_lat == pytest.approx(samples.SITE_LAT, abs=1e-6)


def test_it_honours_the_exif_offset() -> None:
    evidence = _store(samples.jpeg(offset="+00:00"))

    assert evidence.captured_at == dt.datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_it_reads_southern_and_western_positions() -> None:
    evidence = _store(samples.jpeg(lon=-58.38, lat=-34.6))

    assert (evidence.capture_lon, evidence.capture_lat) == pytest.approx((-58.38, -34.6), abs=1e-6)


def test_a_matching_photo_is_not_flagged() -> None:
    evidence = _store(
        samples.jpeg(),
        expected_time=TAKEN + dt.timedelta(minutes=20),
        expected_lon=samples.SITE_LON + 0.0003,
        expected_lat=samples.SITE_LAT,
    )

    assert (evidence.time_mismatch, evidence.place_mismatch, evidence.mismatch_note) == (False, False, "")


def test_a_photo_taken_three_hours_off_is_flagged_not_refused() -> None:
    evidence = _store(samples.jpeg(), expected_time=TAKEN + dt.timedelta(hours=3))

    assert evidence.pk is not None
    assert evidence.time_mismatch is True
    assert evidence.place_mismatch is False
    assert "180" in evidence.mismatch_note
    assert "2024-05-01 10:00" in evidence.mismatch_note


def test_the_time_tolerance_is_a_setting(settings) -> None:
    settings.EVIDENCE_TIME_TOLERANCE_MIN = 240

    evidence = _store(samples.jpeg(), expected_time=TAKEN - dt.timedelta(hours=3))

    assert evidence.time_mismatch is False


def test_a_photo_taken_two_km_away_is_flagged() -> None:
    evidence = _store(samples.jpeg(), expected_lon=samples.SITE_LON, expected_lat=samples.TWO_KM_NORTH_LAT)

    assert evidence.place_mismatch is True
    assert evidence.time_mismatch is False
    assert "2000 m" in evidence.mismatch_note


def test_the_place_tolerance_is_a_setting(settings) -> None:
    settings.EVIDENCE_PLACE_TOLERANCE_M = 5000

    evidence = _store(samples.jpeg(), expected_lon=samples.SITE_LON, expected_lat=samples.TWO_KM_NORTH_LAT)

    assert evidence.place_mismatch is False


def test_both_mismatches_are_noted() -> None:
    evidence = _store(
        samples.jpeg(),
        expected_time=TAKEN + dt.timedelta(hours=3),
        expected_lon=samples.SITE_LON,
        expected_lat=samples.TWO_KM_NORTH_LAT,
    )

    assert (evidence.time_mismatch, evidence.place_mismatch) == (True, True)
    assert "180" in evidence.mismatch_note
    assert "2000 m" in evidence.mismatch_note


def test_a_photo_without_exif_is_stored_unflagged() -> None:
    upload = SimpleUploadedFile("p.png", samples.png())
    evidence = store_evidence(
        upload,
        owner_type="cases.report",
        owner_id="1",
        expected_time=TAKEN,
        expected_lon=samples.SITE_LON,
        expected_lat=samples.SITE_LAT,
    )

    assert (evidence.captured_at, evidence.capture_lon, evidence.capture_lat) == (None, None, None)
    assert (evidence.time_mismatch, evidence.place_mismatch) == (False, False)


def test_a_heic_photo_pillow_cannot_open_is_stored_without_capture_data() -> None:
    upload = SimpleUploadedFile("IMG.HEIC", samples.iso_bmff("heic", "mif1", "heic"))

    evidence = store_evidence(upload, owner_type="cases.report", owner_id="1", expected_time=TAKEN)

    assert evidence.kind == EvidenceKind.PHOTO
    assert evidence.captured_at is None


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize(
    "payload",
    [
        b"\x00\xff garbage that is no TIFF header at all",
        b"II*\x00\x08\x00\x00\x00\xff\xff" + b"\x01" * 40,  # IFD claiming 65535 entries
        b"MM\x00*\x00\x00\xff\xf0",  # IFD offset far past the end
        b"",
    ],
)
def test_malformed_exif_does_not_stop_the_upload(payload: bytes) -> None:
    evidence = _store(samples.jpeg_with_raw_exif(payload), expected_time=TAKEN)

    assert evidence.kind == EvidenceKind.PHOTO
    assert evidence.captured_at is None
    assert evidence.time_mismatch is False


def test_nonsense_exif_values_are_ignored() -> None:
    content = samples.jpeg(taken="0000:00:00 00:00:00", lon=0.0, lat=0.0)

    evidence = _store(
        content, expected_time=TAKEN, expected_lon=samples.SITE_LON, expected_lat=samples.SITE_LAT
    )

    assert (evidence.captured_at, evidence.capture_lon, evidence.capture_lat) == (None, None, None)
    assert (evidence.time_mismatch, evidence.place_mismatch) == (False, False)


@pytest.mark.parametrize(
    ("value", "offset", "expected"),
    [
        ("2024:05:01 10:00:00", None, dt.datetime(2024, 5, 1, 2, 0, tzinfo=UTC)),
        (b"2024:05:01 10:00:00\x00", b"+08:00\x00", dt.datetime(2024, 5, 1, 2, 0, tzinfo=UTC)),
        ("2024:05:01 10:00:00", "-05:00", dt.datetime(2024, 5, 1, 15, 0, tzinfo=UTC)),
        ("2024:05:01 10:00:00", "+99:00", dt.datetime(2024, 5, 1, 2, 0, tzinfo=UTC)),
        ("2024:02:30 10:00:00", None, None),
        ("yesterday", None, None),
        (12345, None, None),
        (None, None, None),
    ],
)
def test_parse_exif_time(value: object, offset: object, expected: dt.datetime | None) -> None:
    assert parse_exif_time(value, offset) == expected


@pytest.mark.parametrize(
    "gps",
    [
        {},
        {2: (29.0, 52.0, 12.0), 1: "N"},  # no longitude
        {1: "N", 2: "abc", 3: "E", 4: (121.0, 0.0, 0.0)},
        {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0)},  # beyond the pole
        {1: "N", 2: (float("nan"), 0.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0)},
        {1: "N", 2: (1.0, 2.0, 3.0, 4.0), 3: "E", 4: (121.0, 0.0, 0.0)},
    ],
)
def test_parse_exif_gps_refuses_nonsense(gps: dict) -> None:
    assert parse_exif_gps(gps) == (None, None)


def test_a_zero_denominator_in_gps_drops_the_place_but_keeps_the_time() -> None:
    evidence = _store(samples.jpeg(lat_rational=(29, 0)), expected_lon=121.0, expected_lat=29.0)

    assert evidence.captured_at == TAKEN
    assert (evidence.capture_lon, evidence.capture_lat) == (None, None)
    assert evidence.place_mismatch is False


def test_half_an_expected_place_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _store(samples.jpeg(), expected_lon=samples.SITE_LON)


def test_a_naive_expected_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _store(samples.jpeg(), expected_time=TAKEN.replace(tzinfo=None))
