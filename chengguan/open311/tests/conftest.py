"""Shared set-up of the Open311 tests: an API key, a client speaking both formats, and the spec's
field rules for every record (``check_request``, ``check_service`` …), applied to XML and JSON alike.

Points of the tiny city (core/testing.py): ``WEST`` in grid 330203001001001, ``EAST`` in grid
330212001001004, ``OUTSIDE`` in the sea.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from chengguan.open311.formats import ITEM_NAMES
from chengguan.open311.models import ApiKey

WEST = (121.535, 29.875)
EAST = (121.565, 29.865)
OUTSIDE = (122.5, 29.5)
MANHOLE = "component-0102"  # 污水井盖
VENDING = "event-0504"  # 占道经营
FORMATS = ("json", "xml")
BASE = "/open311/v2/"

UTC_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded media go below a fresh temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def api_key(tiny_city: Any) -> ApiKey:
    return ApiKey.objects.create(name="随手拍 App", owner_contact="dev@app.example")


def from_xml(element: ET.Element) -> Any:
    """The XML element as the JSON mapping would give it (text stays text; empty → None)."""
    if element.tag in ITEM_NAMES:
        return [from_xml(child) for child in element]
    if len(element):
        return {child.tag: from_xml(child) for child in element}
    return element.text if element.text else None


@dataclass
class Answer:
    status: int
    fmt: str
    data: Any
    headers: Any
    raw: bytes

    @property
    def root(self) -> str | None:
        """The XML root element's name (None for JSON)."""
        return ET.fromstring(self.raw).tag if self.fmt == "xml" else None


def parse(response: Any, fmt: str) -> Answer:
    raw = response.content
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        data = from_xml(ET.fromstring(raw))
    else:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = response.json()
    return Answer(response.status_code, fmt, data, response, raw)


class Open311Client:
    """``get("requests", "json", status="open")`` → Answer; paths are relative to /open311/v2/."""

    def __init__(self) -> None:
        self.client = Client()

    def get(self, resource: str, fmt: str, **params: Any) -> Answer:
        return parse(self.client.get(f"{BASE}{resource}.{fmt}", params), fmt)

    def post(self, fmt: str, data: dict[str, Any], *, query: str = "", **extra: Any) -> Answer:
        url = f"{BASE}requests.{fmt}" + (f"?{query}" if query else "")
        return parse(self.client.post(url, data, **extra), fmt)


@pytest.fixture
def o311() -> Open311Client:
    return Open311Client()


def report(key: ApiKey, /, **overrides: Any) -> dict[str, Any]:
    lon, lat = overrides.pop("at", WEST)
    body: dict[str, Any] = {
        "api_key": key.key,
        "service_code": MANHOLE,
        "lat": lat,
        "long": lon,
        "description": "污水井盖缺失，路人容易踩空",
        "address_string": "中山东路 100 号",
        "first_name": "三",
        "last_name": "张",
        "email": "zhang.san@example.org",
        "phone": "13912345678",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def post_report(o311: Open311Client, api_key: ApiKey) -> Callable[..., str]:
    """File a request through Open311 (JSON) and return its service_request_id."""

    def post(**overrides: Any) -> str:
        answer = o311.post("json", report(api_key, **overrides))
        assert answer.status == 200, answer.data
        return str(answer.data[0]["service_request_id"])

    return post


def jpeg(
    color: str = "red", size: tuple[int, int] = (40, 30), name: str = "photo.jpg", exif: bool = False
) -> Any:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretPhoneMaker"  # Make
        data[0x0110] = "Model-13912345678"  # Model
        image.save(buffer, format="JPEG", exif=data.tobytes())
    else:
        image.save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# --- the spec's field rules ----------------------------------------------------------------------------


def _optional_text(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value != "")


def _number(value: Any, fmt: str, low: float, high: float) -> bool:
    if fmt == "json" and not isinstance(value, int | float):
        return False
    return low <= float(value) <= high


def _boolean(value: Any, fmt: str) -> bool:
    return value in (True, False) if fmt == "json" else value in ("true", "false")


def check_datetime(value: Any) -> None:
    assert isinstance(value, str) and UTC_DATETIME.match(value), value


def check_request(record: dict[str, Any], fmt: str, *, extensions: bool = False) -> None:
    """Every field of a service_request per REFERENCE.md Part C §4.6 (and §4.8 when extended)."""
    expected = REQUEST_FIELDS + (["extended_attributes", "notes"] if extensions else [])
    assert list(record) == expected
    assert isinstance(record["service_request_id"], str) and record["service_request_id"]
    assert record["status"] in ("open", "closed")
    for name in ("service_name", "service_code"):
        assert isinstance(record[name], str) and record[name]
    for name in ("status_notes", "agency_responsible", "service_notice", "address", "address_id", "zipcode"):
        assert _optional_text(record[name]), (name, record[name])
    assert record["description"] is None or (
        isinstance(record["description"], str) and len(record["description"]) <= 4000
    )
    check_datetime(record["requested_datetime"])
    check_datetime(record["updated_datetime"])
    if record["expected_datetime"] is not None:
        check_datetime(record["expected_datetime"])
    assert _number(record["lat"], fmt, -90, 90)
    assert _number(record["long"], fmt, -180, 180)
    assert record["media_url"] is None or str(record["media_url"]).startswith(("http://", "https://"))
    if extensions:
        extended = record["extended_attributes"]
        assert extended["detailed_status"] in {"RECEIVED", "IN_PROCESS", "PROCESSED", "ARCHIVED", "REJECTED"}
        assert isinstance(extended["state"], str) and extended["state"]
        assert isinstance(extended["media_urls"], list)
        assert isinstance(record["notes"], list)
        for note in record["notes"]:
            assert list(note) == ["datetime", "type", "description"]
            check_datetime(note["datetime"])
            assert note["type"] and note["description"]


def check_service(service: dict[str, Any], fmt: str) -> None:
    assert list(service) == SERVICE_FIELDS
    assert isinstance(service["service_code"], str) and service["service_code"]
    assert isinstance(service["service_name"], str) and service["service_name"]
    assert _boolean(service["metadata"], fmt)
    assert service["type"] in ("realtime", "batch", "blackbox")
    for name in ("description", "keywords", "group"):
        assert _optional_text(service[name])


def check_definition(definition: dict[str, Any], fmt: str, code: str) -> None:
    assert list(definition) == ["service_code", "attributes"]
    assert definition["service_code"] == code
    orders = []
    for attribute in definition["attributes"]:
        assert list(attribute)[: len(ATTRIBUTE_FIELDS)] == ATTRIBUTE_FIELDS
        assert _boolean(attribute["variable"], fmt) and _boolean(attribute["required"], fmt)
        assert attribute["datatype"] in DATATYPES
        assert isinstance(attribute["code"], str) and attribute["code"]
        orders.append(int(attribute["order"]))
        if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
            assert attribute["values"]
            for value in attribute["values"]:
                assert list(value) == ["key", "name"] and value["key"] and value["name"]
    assert sorted(orders) == list(range(1, len(orders) + 1))


def check_errors(answer: Answer, status: int) -> None:
    """The spec's error body: a list of {code, description}, the HTTP status as code."""
    assert answer.status == status, answer.data
    assert answer.root == ("errors" if answer.fmt == "xml" else None)
    assert isinstance(answer.data, list) and answer.data
    for error in answer.data:
        assert list(error) == ["code", "description"]
        assert str(error["code"]) == str(status)
        assert isinstance(error["description"], str) and error["description"]
