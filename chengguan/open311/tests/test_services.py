"""Service list and service definitions: the catalog's active categories, in XML and JSON."""

from __future__ import annotations

import pytest
from django.utils import translation

from chengguan.catalog.models import Category
from chengguan.open311.tests.conftest import (
    EAST,
    FORMATS,
    MANHOLE,
    OUTSIDE,
    Open311Client,
    check_definition,
    check_errors,
    check_service,
    parse,
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_service_list_is_every_active_category(tiny_city: object, o311: Open311Client, fmt: str) -> None:
    # given one category switched off
    Category.objects.filter(kind="event", code="0504").update(is_active=False)

    # when a client lists the services
    answer = o311.get("services", fmt)

    # then it gets every active category, each with every field of the spec
    assert answer.status == 200
    assert answer.root == {"xml": "services", "json": None}[fmt]
    codes = [s["service_code"] for s in answer.data]
    active = Category.objects.filter(is_active=True).order_by("kind", "code")
    assert codes == [f"{c.kind}-{c.code}" for c in active]
    assert "event-0504" not in codes
    for service in answer.data:
        check_service(service, fmt)
    manhole = next(s for s in answer.data if s["service_code"] == MANHOLE)
    assert manhole["service_name"] == "污水井盖"
    assert manhole["group"] == "公用设施"
    assert str(manhole["metadata"]).lower() == "true"
    assert manhole["type"] == "realtime"
    assert "Sewage manhole cover" in manhole["keywords"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_locale_en_gives_english_names(tiny_city: object, o311: Open311Client, fmt: str) -> None:
    answer = o311.get("services", fmt, locale="en")

    manhole = next(s for s in answer.data if s["service_code"] == MANHOLE)
    assert (manhole["service_name"], manhole["group"]) == ("Sewage manhole cover", "Public facilities")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_at_a_point_in_the_city_are_all_of_them(
    tiny_city: object, o311: Open311Client, fmt: str
) -> None:
    everywhere = o311.get("services", fmt)

    here = o311.get("services", fmt, lat=EAST[1], long=EAST[0])

    assert here.status == 200
    assert here.data == everywhere.data
    assert len(here.data) > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_service_is_available_outside_the_city(tiny_city: object, o311: Open311Client, fmt: str) -> None:
    answer = o311.get("services", fmt, lat=OUTSIDE[1], long=OUTSIDE[0])

    assert answer.status == 200
    assert answer.data == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "culprit"),
    [
        ({"lat": "29.87"}, "lat, long"),
        ({"lat": "north", "long": "121.5"}, "lat"),
        ({"lat": "29.87", "long": "999"}, "long:"),
    ],
)
def test_a_bad_point_is_refused_naming_it(
    tiny_city: object, o311: Open311Client, fmt: str, params: dict[str, str], culprit: str
) -> None:
    answer = o311.get("services", fmt, **params)

    check_errors(answer, 400)
    # the argument names lead the description, in either language (", " or "、", ": " or "：")
    names = culprit.split(", ")
    description = answer.data[0]["description"]
    assert all(name in description for name in names), description
    assert description.startswith(names[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_urgency_and_the_catalog_criteria(
    tiny_city: object, o311: Open311Client, fmt: str
) -> None:
    category = Category.objects.get(kind="component", code="0102")

    with translation.override("zh-hans"):
        answer = o311.get(f"services/{MANHOLE}", fmt)

    assert answer.status == 200
    assert answer.root == {"xml": "service_definition", "json": None}[fmt]
    check_definition(answer.data, fmt, MANHOLE)
    by_code = {a["code"]: a for a in answer.data["attributes"]}
    urgency = by_code["urgency"]
    assert (urgency["datatype"], str(urgency["variable"]).lower(), str(urgency["required"]).lower()) == (
        "singlevaluelist",
        "true",
        "false",
    )
    assert [v["key"] for v in urgency["values"]] == ["normal", "urgent"]
    assert str(by_code["registration_criteria"]["variable"]).lower() == "false"
    assert category.registration_criteria in by_code["registration_criteria"]["description"]
    assert category.closure_criteria in by_code["closure_criteria"]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["component-9999", "0102", "component:0102", "event-0504"])
def test_an_unknown_or_inactive_service_is_404(
    tiny_city: object, o311: Open311Client, fmt: str, code: str
) -> None:
    Category.objects.filter(kind="event", code="0504").update(is_active=False)

    answer = o311.get(f"services/{code}", fmt)

    check_errors(answer, 404)
    assert "service_code" in answer.data[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_foreign_jurisdiction_is_404(
    tiny_city: object, o311: Open311Client, fmt: str, settings: object
) -> None:
    settings.OPEN311_JURISDICTION_ID = "nbcg.gov.cn"  # type: ignore[attr-defined]

    ours = o311.get("services", fmt, jurisdiction_id="nbcg.gov.cn")
    empty = o311.get("services", fmt, jurisdiction_id="")
    foreign = o311.get("services", fmt, jurisdiction_id="example.org")

    assert (ours.status, empty.status) == (200, 200)
    check_errors(foreign, 404)
    assert foreign.data[0]["description"].startswith("jurisdiction_id")


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("services.html", "json"),
        ("services.yaml", "json"),
        ("nothing.json", "json"),
        ("requests/1/2.xml", "xml"),
    ],
)
def test_unknown_formats_and_resources_are_404_in_the_spec_format(
    tiny_city: object, o311: Open311Client, path: str, fmt: str
) -> None:
    answer = parse(o311.client.get(f"/open311/v2/{path}"), fmt)

    check_errors(answer, 404)
