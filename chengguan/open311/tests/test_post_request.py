"""POST requests: an Open311 request becomes a citizen report in the cases workflow."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from chengguan.cases.models import Case, CaseState, Source
from chengguan.core.testing import TinyCity
from chengguan.open311.models import ApiKey, ServiceRequest
from chengguan.open311.tests.conftest import (
    FORMATS,
    MANHOLE,
    OUTSIDE,
    VENDING,
    Open311Client,
    check_errors,
    report,
)
from chengguan.org.roles import Role


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_becomes_a_reported_citizen_case(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str
) -> None:
    # when an app posts a request with the reporter's contact
    answer = o311.post(fmt, report(api_key))

    # then it gets the id of a new case, and nothing else of the spec's answer is missing
    assert answer.status == 200
    assert answer.root == {"xml": "service_requests", "json": None}[fmt]
    (item,) = answer.data
    assert list(item) == ["service_request_id", "service_notice", "account_id"]
    assert item["account_id"] is None
    case = Case.objects.get(number=item["service_request_id"])
    assert item["service_notice"]
    # a citizen report in the cases workflow, located and routed like any other
    assert (case.state, case.source, case.category.code, case.category.kind) == (
        CaseState.REPORTED,
        Source.CITIZEN,
        "0102",
        "component",
    )
    assert case.grid_code == "330203001001001"
    assert case.suggested_unit == tiny_city.units["water"]
    assert (case.reporter_name, case.reporter_phone, case.reporter_email) == (
        "张三",
        "13912345678",
        "zhang.san@example.org",
    )
    assert case.reporter is None
    assert case.address == "中山东路 100 号"
    assert case.events.get().action == "reported"
    assert ServiceRequest.objects.get(case=case).api_key == api_key


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_api_key_may_come_in_the_query_string(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str
) -> None:
    body = report(api_key)
    body.pop("api_key")

    answer = o311.post(fmt, body, query=f"api_key={api_key.key}")

    assert answer.status == 200
    assert Case.objects.filter(number=answer.data[0]["service_request_id"]).exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "not-a-key", "inactive"])
def test_without_a_valid_api_key_nothing_is_filed(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, key: str | None
) -> None:
    inactive = ApiKey.objects.create(name="old app", owner_contact="x", active=False)
    body = report(api_key, api_key=inactive.key if key == "inactive" else key)

    answer = o311.post(fmt, body)

    check_errors(answer, 403)
    assert answer.data[0]["description"].startswith("api_key")
    assert not Case.objects.exists()


def test_a_key_with_a_citizen_account_files_as_that_citizen(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    api_key.user = tiny_city.users["citizen"]
    api_key.save()

    answer = o311.post("json", report(api_key))

    case = Case.objects.get(number=answer.data[0]["service_request_id"])
    assert case.reporter == tiny_city.users["citizen"]


def test_a_key_whose_account_is_no_citizen_is_refused(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    # given a key wired (past the admin's check) to an inspector's account
    api_key.user = tiny_city.users["inspector"]
    api_key.save()

    answer = o311.post("json", report(api_key))

    check_errors(answer, 403)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("overrides", "status", "culprit"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "component-9999"}, 404, "service_code"),
        ({"service_code": "0102"}, 404, "service_code"),
        ({"lat": None, "long": None, "address_string": None}, 400, "lat, long"),
        ({"lat": None, "long": None}, 400, "lat, long"),
        ({"long": None}, 400, "lat, long"),
        ({"lat": "north"}, 400, "lat"),
        ({"long": "200"}, 400, "long"),
        ({"at": OUTSIDE}, 400, ""),
        ({"email": "not-an-address"}, 400, "email"),
        ({"phone": "call me maybe"}, 400, "phone"),
        ({"description": "长" * 4001}, 400, "description"),
        ({"attribute[urgency]": "very"}, 400, "attribute[urgency]"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"token": "t" * 101}, 400, "token"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(
    tiny_city: TinyCity,
    o311: Open311Client,
    api_key: ApiKey,
    fmt: str,
    overrides: dict[str, Any],
    status: int,
    culprit: str,
) -> None:
    answer = o311.post(fmt, report(api_key, **overrides))

    check_errors(answer, status)
    # the argument names lead the description, in either language (", " or "、", ": " or "：")
    names = culprit.split(", ")
    description = answer.data[0]["description"]
    assert all(name in description for name in names), description
    assert description.startswith(names[0])
    assert not Case.objects.exists()


def test_a_point_outside_the_city_says_so(tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey) -> None:
    answer = o311.post("json", report(api_key, at=OUTSIDE), query="locale=en")

    check_errors(answer, 400)
    assert "outside the city" in answer.data[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_urgency_attribute_selects_urgent_handling(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str
) -> None:
    answer = o311.post(fmt, report(api_key, **{"attribute[urgency]": "urgent", "service_code": VENDING}))

    case = Case.objects.get(number=answer.data[0]["service_request_id"])
    assert case.urgency == "urgent"
    assert case.category.code == "0504"


def test_attributes_no_service_defines_are_ignored(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    # FixMyStreet sends its own attributes along (its report id, title …)
    body = report(api_key, **{"attribute[fixmystreet_id]": "4711", "attribute[title]": "井盖"})

    answer = o311.post("json", body)

    assert answer.status == 200
    assert Case.objects.get().urgency == "normal"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_retried_post_with_the_same_token_files_one_case(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str
) -> None:
    first = o311.post(fmt, report(api_key, token="app-uuid-1"))

    again = o311.post(fmt, report(api_key, token="app-uuid-1"))

    assert again.status == 200
    assert again.data == first.data
    assert Case.objects.count() == 1


def test_the_token_may_come_as_an_idempotency_key_header(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    first = o311.post("json", report(api_key), HTTP_IDEMPOTENCY_KEY="retry-7")
    again = o311.post("json", report(api_key), HTTP_IDEMPOTENCY_KEY="retry-7")

    assert again.data[0]["service_request_id"] == first.data[0]["service_request_id"]
    assert Case.objects.count() == 1


def test_the_same_token_from_two_keys_files_two_cases(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    other = ApiKey.objects.create(name="另一个 App", owner_contact="y")

    first = o311.post("json", report(api_key, token="1"))
    second = o311.post("json", report(other, token="1"))

    assert first.data[0]["service_request_id"] != second.data[0]["service_request_id"]
    assert Case.objects.count() == 2


def test_without_a_token_every_post_is_a_new_case(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey
) -> None:
    o311.post("json", report(api_key))
    o311.post("json", report(api_key))

    assert Case.objects.count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_batch_server_answers_with_a_token_that_tokens_maps_to_the_id(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, settings: Any
) -> None:
    settings.OPEN311_SERVICE_TYPE = "batch"

    posted = o311.post(fmt, report(api_key))
    (item,) = posted.data
    looked_up = o311.get(f"tokens/{item['token']}", fmt)
    services = o311.get("services", fmt)

    assert list(item) == ["token", "service_notice", "account_id"]
    assert looked_up.status == 200
    assert looked_up.root == {"xml": "service_requests", "json": None}[fmt]
    assert looked_up.data == [{"service_request_id": Case.objects.get().number, "token": item["token"]}]
    assert {s["type"] for s in services.data} == {"batch"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_token_maps_to_its_request(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str
) -> None:
    posted = o311.post(fmt, report(api_key, token="my-token.1"))

    looked_up = o311.get("tokens/my-token.1", fmt)

    assert looked_up.data == [
        {"service_request_id": posted.data[0]["service_request_id"], "token": "my-token.1"}
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_token_is_404(tiny_city: TinyCity, o311: Open311Client, fmt: str) -> None:
    check_errors(o311.get("tokens/nope", fmt), 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_for_a_foreign_jurisdiction_is_404(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, fmt: str, settings: Any
) -> None:
    settings.OPEN311_JURISDICTION_ID = "nbcg.gov.cn"

    answer = o311.post(fmt, report(api_key, jurisdiction_id="example.org"))

    check_errors(answer, 404)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_methods_are_refused(tiny_city: TinyCity, o311: Open311Client, fmt: str) -> None:
    from chengguan.open311.tests.conftest import parse

    answer = parse(o311.client.delete(f"/open311/v2/requests.{fmt}"), fmt)
    services = parse(o311.client.post(f"/open311/v2/services.{fmt}"), fmt)

    check_errors(answer, 405)
    check_errors(services, 405)
    assert answer.headers["Allow"] == "GET, POST"


def test_the_admin_refuses_a_key_for_a_non_citizen_account(tiny_city: TinyCity) -> None:
    from django.core.exceptions import ValidationError

    key = ApiKey(name="x", owner_contact="y", user=tiny_city.users["inspector"])
    with pytest.raises(ValidationError):
        key.full_clean()
    tiny_city.users["inspector"].groups.add(Group.objects.get(name=Role.CITIZEN))
    key.user = type(key.user).objects.get(pk=key.user.pk)
    key.full_clean()


def test_a_manhole_code_of_the_catalog_is_a_service(tiny_city: TinyCity) -> None:
    assert MANHOLE == "component-0102"
