"""Publication (公示): masked when made, replaced when the source changes, withdrawn with a reason."""

from __future__ import annotations

import pytest
from django.test import Client

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.portal import services
from chengguan.portal.models import Publication, PublicationKind
from chengguan.portal.tests.conftest import close, portal_report

pytestmark = pytest.mark.django_db

DECISION = (
    "当事人：王大力，身份证号码 330203198805061234，联系电话 13912345678，"
    "于 2026 年 11 月 1 日在中山东路占道经营，罚款 200 元。"
)


def publish_decision(city: TinyCity, source_id: str = "17", body: str = DECISION) -> Publication:
    return services.publish(
        kind=PublicationKind.PENALTY_DECISION,
        title="王大力占道经营行政处罚决定",
        body=body,
        source_type="penalty.decision",
        source_id=source_id,
        names=["王大力"],
        actor=city.users["leader"],
    )


def test_a_penalty_decision_is_published_masked(client: Client, tiny_city: TinyCity) -> None:
    item = publish_decision(tiny_city)
    for secret in ("王大力", "330203198805061234", "13912345678"):
        assert secret not in item.title + item.body
    assert "王**" in item.title and "当事人：王**" in item.body
    page = client.get(f"/en/publications/{item.pk}/").content.decode()
    assert "罚款 200 元" in page and "13912345678" not in page
    assert item.title in client.get("/en/publications/?kind=penalty_decision").content.decode()


def test_a_changed_decision_replaces_the_old_publication(tiny_city: TinyCity) -> None:
    first = publish_decision(tiny_city)
    second = publish_decision(tiny_city, body=DECISION.replace("200", "100"))
    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.withdrawal_reason
    assert second.withdrawn_at is None
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_a_withdrawn_decision_disappears_from_the_list_and_shows_the_reason(
    client: Client, tiny_city: TinyCity
) -> None:
    item = publish_decision(tiny_city)
    count = services.withdraw_source(
        "penalty.decision", "17", reason="决定已被复议撤销", actor=tiny_city.users["leader"]
    )
    assert count == 1
    listing = client.get("/en/publications/?kind=penalty_decision").content.decode()
    page = client.get(f"/en/publications/{item.pk}/").content.decode()
    assert f'href="/en/publications/{item.pk}/">' in listing  # listed under "withdrawn" only
    assert "决定已被复议撤销" in page and "罚款 200 元" not in page
    with pytest.raises(Conflict):
        services.withdraw(item.pk, reason="again", actor=tiny_city.users["leader"])


def test_withdrawal_needs_a_reason(tiny_city: TinyCity) -> None:
    item = publish_decision(tiny_city)
    with pytest.raises(InvalidInput):
        services.withdraw(item.pk, reason=" ", actor=tiny_city.users["leader"])


def test_a_citizen_may_not_publish(tiny_city: TinyCity) -> None:
    with pytest.raises(AccessDenied):
        services.publish(kind="notice", title="t", body="b", actor=tiny_city.users["citizen"])
    with pytest.raises(InvalidInput):
        services.publish(kind="gossip", title="t", body="b", actor=tiny_city.users["leader"])


def test_a_closed_case_is_published_without_personal_data(client: Client, tiny_city: TinyCity) -> None:
    case = close(
        tiny_city,
        portal_report(
            reporter_name="赵六", description="赵六报告，电话 13612345678", reporter_phone="13612345678"
        ).case,
    )
    item = services.publish_closed_case(case.pk, actor=tiny_city.users["operator"])
    assert case.number in item.title
    assert "13612345678" not in item.body and "赵六" not in item.body
    listing = client.get("/en/closed/").content.decode()
    assert case.number in listing and "13612345678" not in listing and "赵六" not in listing


def test_the_rules_and_laws_page_lists_the_laws(client: Client, tiny_city: TinyCity) -> None:
    assert "Administrative Penalty Law" in client.get("/en/laws/").content.decode()
    assert "中华人民共和国行政处罚法" in client.get("/laws/").content.decode()
