"""Service discovery: every field the spec requires, in XML and JSON, at both addresses."""

from __future__ import annotations

import pytest

from chengguan.open311.tests.conftest import FORMATS, Open311Client, parse


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("url", ["/open311/discovery.{fmt}", "/open311/v2/discovery.{fmt}"])
def test_discovery_names_the_v2_endpoint_and_both_formats(
    tiny_city: object, o311: Open311Client, fmt: str, url: str
) -> None:
    # when a client discovers the server
    answer = parse(o311.client.get(url.format(fmt=fmt)), fmt)

    # then every field is there, and the endpoint is GeoReport v2 in XML and JSON
    assert answer.status == 200
    assert list(answer.data) == ["changeset", "contact", "key_service", "endpoints"]
    assert all(answer.data[name] for name in ("changeset", "contact", "key_service"))
    (endpoint,) = answer.data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["changeset"] == answer.data["changeset"]
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert answer.root == {"xml": "discovery", "json": None}[fmt]
