"""Fixtures of the documents tests: the tiny city with the ledger's legal data, extra actors, and a
violation, proceeding, service and seizure to issue documents about."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import docx
import pytest
from django.contrib.auth.models import Group

from chengguan.core.testing import TinyCity
from chengguan.enforcement.loading import load_bundled_data
from chengguan.enforcement.models import Violation
from chengguan.enforcement.services import check_record_violation
from chengguan.enforcement.workflow import choose_step
from chengguan.org.models import User
from chengguan.org.roles import Role

WEST = (121.535, 29.875)  # grid 330203001001001, squadron 1 (officer 陈刚)
EAST = (121.555, 29.865)  # grid 330212001001003, squadron 2 (the outsider)
LIU = {
    "kind": "person",
    "name": "刘建国",
    "id_number": "330203197805120017",
    "phone": "13805741234",
    "usual_place": "鼓楼步行街东口",
}


def make_user(username: str, role: str, unit: Any, **kw: Any) -> User:
    user = User.objects.create_user(username=username, password="pw", name=username, unit=unit, **kw)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def city(tiny_city: TinyCity) -> TinyCity:
    load_bundled_data()
    west, bureau = tiny_city.units["west"], tiny_city.units["bureau"]
    tiny_city.users["auxiliary"] = make_user("auxiliary", Role.AUXILIARY, west)
    tiny_city.users["rookie"] = make_user("rookie", Role.OFFICER, west)  # no enforcement credential
    tiny_city.users["legal_reviewer"] = make_user(
        "legal_reviewer", Role.LEGAL_REVIEWER, bureau, badge_number="33020100"
    )
    return tiny_city


def record_violation(
    actor: Any, *, place: tuple[float, float] = WEST, party: Any = None, **kw: Any
) -> Violation:
    return check_record_violation(
        actor=actor,
        violation_type=kw.pop("violation_type", "street-occupation"),
        lon=place[0],
        lat=place[1],
        party=None if party is None else party.pk,
        new_party=None if party is not None else dict(LIU),
        address=kw.pop("address", "鼓楼步行街"),
        description=kw.pop("description", "占用人行道摆摊销售水果"),
        **kw,
    )


@pytest.fixture
def violation(city: TinyCity) -> Violation:
    """Mr Liu's second street occupation, answered with a rectification order (deadline set)."""
    officer = city.users["officer"]
    first = record_violation(officer)
    choose_step(first, actor=officer, step="warm_reminder")
    second = record_violation(officer, party=first.party)
    return choose_step(second, actor=officer, step="rectification_order")


@pytest.fixture
def proceeding(city: TinyCity, violation: Violation) -> Any:
    """A proceeding against Mr Liu taken to the court application: its records written by hand
    (these tests are about the documents, the penalty app's own tests cover the procedure)."""
    from chengguan.penalty.models import (
        CourtApplication,
        Decision,
        DemandNotice,
        Hearing,
        PenaltyNotice,
        Proceeding,
        Service,
    )

    officer, leader = city.users["officer"], city.users["squadron_leader"]
    now = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    p = Proceeding.objects.create(
        number="甬综执立字〔2026〕第7号",
        procedure="ordinary",
        state="court_applied",
        violation=violation,
        party=violation.party,
        grid_code=violation.grid_code,
        district_code=violation.district_code,
        occurred_on=dt.date(2026, 3, 1),
        opened_at=now,
        opened_on=dt.date(2026, 3, 2),
        opened_by=officer,
        notice_served_on=dt.date(2026, 3, 5),
        served_on=dt.date(2026, 3, 20),
        demand_served_on=dt.date(2026, 4, 20),
    )
    p.officers.set([officer, leader])
    notice = PenaltyNotice.objects.create(
        proceeding=p,
        facts="当事人刘建国经责令改正后再次在鼓楼步行街占道经营。",
        reasons="当事人经教育、责令改正后再次违法，情节较重。",
        legal_basis="《城市市容和环境卫生管理条例》第三十六条",
        penalty_kind="fine",
        fine=Decimal("200"),
        benchmark_fine=Decimal("200"),
        hearing_right=False,
        rights_text="",
        issued_by=officer,
    )
    notice.provisions.set(violation.violation_type.provisions.all())
    Hearing.objects.create(
        proceeding=p,
        requested_on=dt.date(2026, 3, 6),
        scheduled_for=now + dt.timedelta(days=10),
        place="本局三楼听证室",
        host=leader,
    )
    decision = Decision.objects.create(
        proceeding=p,
        number="城管罚决字〔2026〕第3号",
        outcome="penalty",
        penalty_kind="fine",
        fine=Decimal("200"),
        benchmark_fine=Decimal("200"),
        facts=notice.facts,
        reasons=notice.reasons,
        legal_basis=notice.legal_basis,
        decided_by=leader,
        decided_at=now + dt.timedelta(days=15),
    )
    Service.objects.create(
        proceeding=p,
        document="decision",
        method="in_person",
        served_on=dt.date(2026, 3, 20),
        recipient="刘建国",
        recorded_by=officer,
    )
    DemandNotice.objects.create(
        proceeding=p,
        fine_due=decision.fine,
        surcharge_due=Decimal("60"),
        performance_days=10,
        how_to_pay="到中国工商银行宁波分行各网点或者通过浙江政务服务网缴纳",
        rights_text="",
        issued_by=officer,
    )
    CourtApplication.objects.create(
        proceeding=p,
        court="宁波市海曙区人民法院",
        applied_on=dt.date(2026, 5, 10),
        fine_due=decision.fine,
        surcharge_due=Decimal("200"),
        applied_by=officer,
    )
    return p


@pytest.fixture
def seizure(city: TinyCity, violation: Violation) -> Any:
    from chengguan.seizures.models import ListCopy, Seizure, SeizureItem

    officer, leader = city.users["officer"], city.users["squadron_leader"]
    now = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    s = Seizure.objects.create(
        number="甬综执扣〔2026〕第2号",
        violation=violation,
        party=violation.party,
        grid_code=violation.grid_code,
        district_code=violation.district_code,
        reason="当事人在主干道占道经营，经劝导拒不停止。",
        legal_basis="《浙江省城市管理相对集中行政处罚权条例》第二十六条",
        storage_place="鼓楼中队暂扣物品仓库",
        approved_by=leader,
        decided_at=now,
        start_date=dt.date(2026, 3, 2),
        term_days=30,
        created_by=officer,
    )
    s.officers.set([officer, leader])
    SeizureItem.objects.create(seizure=s, name="橙子", quantity=Decimal(3), unit="箱", condition="完好")
    SeizureItem.objects.create(seizure=s, name="手推车", quantity=Decimal(1), unit="辆")
    ListCopy.objects.create(
        seizure=s, holder="party", refused=True, witness="社区干部王某", signed_at=now, recorded_by=officer
    )
    return s


@pytest.fixture
def targets(violation: Violation, proceeding: Any, seizure: Any) -> dict[str, tuple[str, Any]]:
    """The target type and object of each kind of document."""
    service = proceeding.services.get()
    return {
        "rectification_order": ("enforcement.violation", violation),
        "party_history": ("enforcement.party", violation.party),
        "penalty_notice": ("penalty.proceeding", proceeding),
        "hearing_notice": ("penalty.proceeding", proceeding),
        "penalty_decision": ("penalty.proceeding", proceeding),
        "seizure_decision": ("seizures.seizure", seizure),
        "service_proof": ("penalty.service", service),
        "demand_notice": ("penalty.proceeding", proceeding),
        "court_application": ("penalty.proceeding", proceeding),
    }


@pytest.fixture
def api(client: Any) -> Any:
    """``api(user)`` → a DRF JSON client logged in as ``user`` (None: anonymous)."""
    from rest_framework.test import APIClient

    def login(user: User | None) -> APIClient:
        c = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            c.force_authenticate(user)
        return c

    return login


def docx_text(data: bytes) -> str:
    """All the text of a Word file: its paragraphs and its tables' cells."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def issue_via_api(api: Any, user: Any, kind: str, target_type: str, target: Any, **extra: Any) -> Any:
    body = {"kind": kind, "target_type": target_type, "target_id": str(target.pk), **extra}
    return api(user).post("/api/v1/documents/", body, format="json")
