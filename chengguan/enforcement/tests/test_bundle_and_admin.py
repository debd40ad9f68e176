"""The printable evidence bundle of a party, and the admin screens of the ledger."""

from __future__ import annotations

import pytest
from django.utils import translation

from chengguan.audit.models import AuditEntry
from chengguan.enforcement.models import (
    DiscretionBenchmark,
    LegalProvision,
    Party,
    ReinspectionTask,
    Violation,
    ViolationType,
)
from chengguan.enforcement.tests.builders import record
from chengguan.enforcement.workflow import choose_step


@pytest.fixture
def liu(city) -> Party:
    officer = city.users["officer"]
    v = record(officer, "street-occupation", description="水果摊占用人行道", address="鼓楼步行街")
    choose_step(v, actor=officer, step=v.proposed_step)
    record(officer, "littering", party=v.party, description="乱扔果皮")
    return v.party


def bundle(client, party):
    return client.get(f"/api/v1/enforcement/parties/{party.pk}/bundle/", HTTP_ACCEPT_LANGUAGE="en")


def test_the_bundle_lists_every_violation_with_its_basis_and_resolution(city, client, liu) -> None:
    client.force_login(city.users["officer"])
    response = bundle(client, liu)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="violation"') == 2
    assert "330203197805120017" in html and "刘建国" in html
    assert "水果摊占用人行道" in html and "鼓楼步行街" in html
    assert "《城市市容和环境卫生管理条例》第十四条" in html
    assert "@media print" in html
    assert AuditEntry.objects.filter(action="enforcement.bundle_printed").count() == 1


def test_the_bundle_is_masked_for_an_auxiliary(city, client, liu) -> None:
    client.force_login(city.users["auxiliary"])
    html = bundle(client, liu).content.decode()
    assert "330203197805120017" not in html and "330203********0017" in html
    assert "刘建国" not in html


def test_the_bundle_is_refused_to_outsiders_of_enforcement(city, client, liu) -> None:
    client.force_login(city.users["inspector"])
    assert bundle(client, liu).status_code == 403


def test_the_bundle_sends_anonymous_visitors_to_log_in(city, client, liu) -> None:
    assert bundle(client, liu).status_code == 302


def test_the_bundle_of_an_unknown_party_is_not_found(city, client) -> None:
    client.force_login(city.users["officer"])
    assert client.get("/api/v1/enforcement/parties/424242/bundle/").status_code == 404


@pytest.mark.parametrize(
    "model", [LegalProvision, ViolationType, DiscretionBenchmark, Party, Violation, ReinspectionTask]
)
def test_every_admin_screen_opens_for_the_administrator(city, admin_client, liu, model) -> None:
    meta = model._meta
    changelist = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
    assert changelist.status_code == 200
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        assert (
            admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/").status_code == 200
        )


def test_the_party_admin_refuses_a_wrong_id_number(city, admin_client) -> None:
    with translation.override("en"):
        response = admin_client.post(
            "/en/admin/enforcement/party/add/",
            {"kind": "person", "name": "张三", "id_number": "110105194912310021", "usual_place": ""},
        )
    assert response.status_code == 200
    assert "check digit" in response.content.decode()
    assert not Party.objects.exists()


def test_violations_cannot_be_added_in_the_admin(city, admin_client) -> None:
    assert admin_client.get("/admin/enforcement/violation/add/").status_code == 403


def test_an_officer_does_not_reach_the_admin(city, client) -> None:
    client.force_login(city.users["officer"])
    assert client.get("/admin/enforcement/party/").status_code == 302
