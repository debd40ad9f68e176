"""XML and JSON bodies of GeoReport v2, the one mechanical mapping of the spec ("Spark convention").

A list becomes a wrapper element with one child per item (``<services><service>…``) in XML and a
JSON array; a dict becomes an element with one child per key (JSON object); ``None`` is an empty
element (JSON ``null``); booleans are ``true``/``false``. XML starts with the UTF-8 declaration and
uses no namespace.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
MIME_TYPES = {XML: "text/xml", JSON: "application/json"}

# The element name of each item of a list, by the list's element name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
    "media_urls": "media_url",
}

# Characters XML 1.0 cannot carry at all (control characters other than tab, newline, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value))


def _build(parent: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _build(ET.SubElement(parent, key), item)
    elif isinstance(value, list | tuple):
        name = ITEM_NAMES.get(parent.tag, "item")
        for item in value:
            _build(ET.SubElement(parent, name), item)
    else:
        parent.text = xml_text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _build(element, data)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(
    fmt: str, root: str, data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """``data`` as the body of format ``fmt`` (``root`` names the XML root element)."""
    content = to_xml(root, data) if fmt == XML else to_json(data)
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response
