"""The enforcement screens of the staff web: party search and history, choosing a violation's step, a
proceeding's checklist with its deadlines, and the seizure register — by role and territory."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from chengguan.core.testing import TinyCity
from chengguan.enforcement.models import (
    EnforcementStep,
    Party,
    PartyKind,
    ReinspectionTask,
    Violation,
    ViolationStatus,
    ViolationType,
)
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.penalty import workflow as penalty_workflow
from chengguan.penalty.deadlines import decision_due
from chengguan.penalty.models import EnforcementCredential, Proceeding
from chengguan.seizures import workflow as seizure_workflow
from chengguan.seizures.models import Seizure
from chengguan.staff.tests.helpers import client_for, url

pytestmark = pytest.mark.usefixtures("in_english")

CITY = ZoneInfo("Asia/Shanghai")
WEST = (121.535, 29.875)
WEST_GRID = "330203001001001"
EAST = (121.555, 29.865)
EAST_GRID = "330212001001003"
ID_NUMBER = "330203197805120017"
PHONE = "13805741234"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CITY)  # type: ignore[misc]


def _user(username: str, role: str, unit: Any, **kw: Any) -> User:
    user = User.objects.create_user(username=username, password="pw", name=username, unit=unit, **kw)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def city(tiny_city: TinyCity) -> TinyCity:
    users = tiny_city.users
    users["officer2"] = _user("officer2", Role.OFFICER, tiny_city.units["west"], badge_number="33020003")
    users["auxiliary"] = _user("auxiliary", Role.AUXILIARY, tiny_city.units["west"])
    users["legal_reviewer"] = _user("legal_reviewer", Role.LEGAL_REVIEWER, tiny_city.units["bureau"])
    for n, name in enumerate(("officer", "officer2", "squadron_leader", "outsider"), start=1):
        EnforcementCredential.objects.create(
            user=users[name],
            number=f"ZF-3302-{n:04d}",
            valid_from=dt.date(2020, 1, 1),
            valid_until=dt.date(2035, 12, 31),
        )
    return tiny_city


@pytest.fixture
def vtype() -> ViolationType:
    return ViolationType.objects.create(
        code="street-occupation", name="占道经营", lookback_days=365, rectification_days=3
    )


@pytest.fixture
def liu() -> Party:
    return Party.objects.create(kind=PartyKind.PERSON, name="刘建国", id_number=ID_NUMBER, phone=PHONE)


def violation(
    city: TinyCity,
    party: Party,
    vtype: ViolationType,
    *,
    place: tuple[float, float] = WEST,
    grid: str = WEST_GRID,
    occurred_at: dt.datetime | None = None,
    proposed: str = EnforcementStep.RECTIFICATION_ORDER,
    address: str = "中山东路 8 号",
    **kw: Any,
) -> Violation:
    return Violation.objects.create(
        party=party,
        violation_type=vtype,
        occurred_at=occurred_at or local(2026, 11, 20, 19, 0),
        lon=place[0],
        lat=place[1],
        address=address,
        grid_code=grid,
        district_code=grid[:6],
        officer=city.users["officer"],
        proposed_step=proposed,
        proposal_basis={
            "step": proposed,
            "reasons": ["1 earlier violation(s) of this type within 365 days."],
            "earlier_violations": kw.pop("earlier", []),
            "lookback_days": 365,
        },
        **kw,
    )


@pytest.fixture
def west(city: TinyCity, liu: Party, vtype: ViolationType) -> Violation:
    return violation(city, liu, vtype)


def seize(city: TinyCity, v: Violation, at: dt.datetime) -> Seizure:
    u = city.users
    with time_machine.travel(at, tick=False):
        return seizure_workflow.create_seizure(
            v,
            actor=u["officer"],
            reason="拒不停止占道经营",
            legal_basis="第十七条",
            storage_place="鼓楼中队仓库",
            officers=[u["officer"].pk, u["officer2"].pk],
            approved_by=u["squadron_leader"],
            items=[
                {"name": "橙子", "quantity": "3", "unit": "箱"},
                {"name": "手推车", "quantity": "1", "unit": "辆"},
            ],
        )


def opened(city: TinyCity, v: Violation, at: dt.datetime) -> Proceeding:
    u = city.users
    with time_machine.travel(at, tick=False):
        return penalty_workflow.open_proceeding(
            v, actor=u["officer"], officers=[u["officer"].pk, u["officer2"].pk]
        )


def html(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


# --- party search and history ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["刘建", PHONE, ID_NUMBER, "330203 19780512 0017"])
def test_officer_finds_a_party_by_name_phone_or_id_number(
    city: TinyCity, west: Violation, liu: Party, query: str
) -> None:
    Party.objects.create(kind=PartyKind.PERSON, name="王其他", phone="13900000000")
    page = html(client_for(city, "officer"), url("staff:parties") + f"?q={query}")
    assert url("staff:party", liu.pk) in page
    assert "王其他" not in page


def test_party_search_finds_a_company_by_credit_code_and_a_vehicle_by_plate(city: TinyCity) -> None:
    shop = Party.objects.create(
        kind=PartyKind.COMPANY, name="某某餐饮有限公司", credit_code="91350100M000100Y43"
    )
    van = Party.objects.create(kind=PartyKind.VEHICLE, name="张三", plate="浙B7K261")
    officer = client_for(city, "officer")
    page = html(officer, url("staff:parties") + "?q=91350100M000100Y43")
    assert url("staff:party", shop.pk) in page and url("staff:party", van.pk) not in page
    page = html(officer, url("staff:parties") + "?q=浙B7K261")
    assert url("staff:party", van.pk) in page and url("staff:party", shop.pk) not in page


def test_party_page_shows_every_violation_with_its_step_resolution_and_evidence(
    city: TinyCity, west: Violation, liu: Party, vtype: ViolationType
) -> None:
    older = violation(
        city,
        liu,
        vtype,
        occurred_at=local(2026, 6, 1, 9, 0),
        address="鼓楼步行街",
        proposed=EnforcementStep.WARM_REMINDER,
        chosen_step=EnforcementStep.WARM_REMINDER,
        status=ViolationStatus.EDUCATED,
        resolved_at=local(2026, 6, 1, 9, 30),
    )
    page = html(client_for(city, "officer"), url("staff:party", liu.pk))
    assert ID_NUMBER in page and PHONE in page  # officers see identifiers in full
    assert "2026-06-01 09:00" in page and "鼓楼步行街" in page and "Warm reminder, no penalty" in page
    assert "Education given, no penalty" in page and "2026-06-01" in page
    assert "2026-11-20 19:00" in page and "Rectification order" in page and "(proposed step)" in page
    assert url("staff:violation", older.pk) in page and url("staff:violation", west.pk) in page
    assert f"/api/v1/enforcement/parties/{liu.pk}/bundle/" in page


def test_auxiliary_sees_the_identifiers_masked(city: TinyCity, west: Violation, liu: Party) -> None:
    for path in (url("staff:parties"), url("staff:party", liu.pk), url("staff:violation", west.pk)):
        page = html(client_for(city, "auxiliary"), path)
        assert ID_NUMBER not in page and PHONE not in page, path
        assert "刘建国" not in page and "刘**" in page, path
    page = html(client_for(city, "auxiliary"), url("staff:party", liu.pk))
    assert "330203********0017" in page and "138****1234" in page
    assert "Identifiers are masked for your role." in page


def test_roles_outside_enforcement_may_not_open_the_screens(
    city: TinyCity, west: Violation, liu: Party
) -> None:
    pages = [
        url("staff:parties"),
        url("staff:party", liu.pk),
        url("staff:violations"),
        url("staff:violation", west.pk),
        url("staff:proceedings"),
        url("staff:seizures"),
    ]
    for username in ("inspector", "dispatcher", "department", "citizen"):
        client = client_for(city, username)
        for path in pages:
            assert client.get(path).status_code == 403, (username, path)
    anonymous = Client().get(url("staff:parties"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    # auxiliaries read the ledger but see neither proceedings nor seizures
    auxiliary = client_for(city, "auxiliary")
    assert auxiliary.get(url("staff:proceedings")).status_code == 403
    assert auxiliary.get(url("staff:seizures")).status_code == 403


def test_enforcement_roles_get_the_menu_entries(city: TinyCity) -> None:
    page = html(client_for(city, "officer"), url("staff:cases"))
    for name in ("staff:parties", "staff:violations", "staff:proceedings", "staff:seizures"):
        assert f'href="{url(name)}"' in page, name
    page = html(client_for(city, "auxiliary"), url("staff:cases"))
    assert f'href="{url("staff:parties")}"' in page and f'href="{url("staff:seizures")}"' not in page
    page = html(client_for(city, "dispatcher"), url("staff:cases"))
    assert f'href="{url("staff:parties")}"' not in page


# --- a violation and its step ------------------------------------------------------------------------


def test_violation_page_shows_the_proposal_with_its_basis(
    city: TinyCity, liu: Party, vtype: ViolationType
) -> None:
    earlier = violation(
        city,
        liu,
        vtype,
        occurred_at=local(2026, 5, 3, 8, 0),
        address="鼓楼步行街东口",
        chosen_step=EnforcementStep.EDUCATION,
        status=ViolationStatus.EDUCATED,
    )
    v = violation(city, liu, vtype, earlier=[earlier.pk])
    page = html(client_for(city, "officer"), url("staff:violation", v.pk))
    assert "Proposed next step" in page and "Rectification order" in page
    assert "1 earlier violation(s) of this type within 365 days." in page
    assert "2026-05-03 08:00" in page and "鼓楼步行街东口" in page
    assert "Choose the step" in page and f'name="version" value="{v.version}"' in page


def test_officer_chooses_the_proposed_step(city: TinyCity, west: Violation) -> None:
    officer = client_for(city, "officer")
    response = officer.post(
        url("staff:violation", west.pk),
        {"step": EnforcementStep.RECTIFICATION_ORDER, "version": west.version},
    )
    assert response.status_code == 302 and response["Location"] == url("staff:violation", west.pk)
    west.refresh_from_db()
    assert (
        west.status == ViolationStatus.RECTIFYING and west.chosen_step == EnforcementStep.RECTIFICATION_ORDER
    )
    assert ReinspectionTask.objects.filter(violation=west).count() == 1
    page = html(officer, url("staff:violation", west.pk))
    assert "The step was recorded." in page and "Choose the step" not in page


def test_departing_from_the_proposal_without_a_reason_is_refused_on_the_page(
    city: TinyCity, west: Violation
) -> None:
    officer = client_for(city, "officer")
    response = officer.post(
        url("staff:violation", west.pk), {"step": EnforcementStep.EDUCATION, "version": west.version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="reason"' in page and "give the reason" in page
    west.refresh_from_db()
    assert west.status == ViolationStatus.PROPOSED and west.chosen_step == ""
    response = officer.post(
        url("staff:violation", west.pk),
        {"step": EnforcementStep.EDUCATION, "reason": "摊主当场自行收摊", "version": west.version},
    )
    assert response.status_code == 302
    west.refresh_from_db()
    assert west.status == ViolationStatus.EDUCATED and west.choice_reason == "摊主当场自行收摊"


@pytest.mark.parametrize(
    ("data", "field", "status"),
    [
        ({"step": "fine_everybody"}, "step", 400),
        ({"step": EnforcementStep.RECTIFICATION_ORDER, "deadline": "tomorrow"}, "deadline", 400),
        ({"step": EnforcementStep.RECTIFICATION_ORDER, "deadline": "2020-01-01"}, "deadline", 400),
        ({"step": EnforcementStep.RECTIFICATION_ORDER, "version": "7"}, "version", 409),
        ({"step": EnforcementStep.RECTIFICATION_ORDER, "version": ""}, "version", 400),
    ],
)
def test_bad_choices_come_back_as_errors_naming_the_field(
    city: TinyCity, west: Violation, data: dict[str, str], field: str, status: int
) -> None:
    data = {"version": str(west.version), **data}
    response = client_for(city, "officer").post(url("staff:violation", west.pk), data)
    assert response.status_code == status
    assert f'data-field="{field}"' in response.content.decode()
    west.refresh_from_db()
    assert west.status == ViolationStatus.PROPOSED and west.version == 1


def test_auxiliary_and_legal_reviewer_see_the_violation_but_may_not_decide(
    city: TinyCity, west: Violation
) -> None:
    for username in ("auxiliary", "legal_reviewer"):
        client = client_for(city, username)
        page = html(client, url("staff:violation", west.pk))
        assert "Proposed next step" in page and "Choose the step" not in page
        response = client.post(
            url("staff:violation", west.pk), {"step": EnforcementStep.RECTIFICATION_ORDER, "version": "1"}
        )
        assert response.status_code == 403, username
    west.refresh_from_db()
    assert west.status == ViolationStatus.PROPOSED


def test_choosing_proceedings_opens_a_proceeding_shown_on_the_page(city: TinyCity, west: Violation) -> None:
    west.proposed_step = EnforcementStep.PROCEEDINGS
    west.save(update_fields=["proposed_step"])
    officer = client_for(city, "officer")
    response = officer.post(
        url("staff:violation", west.pk), {"step": EnforcementStep.PROCEEDINGS, "version": "1"}
    )
    assert response.status_code == 302
    p = Proceeding.objects.get(violation=west)
    assert url("staff:proceeding", p.pk) in html(officer, url("staff:violation", west.pk))


# --- proceedings -------------------------------------------------------------------------------------


def test_proceeding_checklist_shows_done_and_pending_steps_with_deadlines(
    city: TinyCity, west: Violation
) -> None:
    p = opened(city, west, local(2026, 9, 21, 9, 0))
    due = decision_due(p.opened_on)
    assert due >= dt.date(2026, 12, 20)  # 90 days from the opening (later when it falls on a rest day)

    def on(day: dt.date, path: str) -> str:
        with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=CITY), tick=False):
            return html(client_for(city, "officer"), path)  # signed in on that day

    detail = url("staff:proceeding", p.pk)
    page = on(dt.date(2026, 10, 1), detail)
    assert 'data-step="opened" data-status="done"' in page and "2026-09-21" in page
    assert 'data-step="decided" data-status="on_time"' in page and f"{due:%Y-%m-%d}" in page
    assert 'data-step="notice" data-status="open"' in page
    assert 'data-step="decided" data-status="due_soon"' in on(due - dt.timedelta(days=1), detail)
    assert 'data-step="decided" data-status="overdue"' in on(due + dt.timedelta(days=1), detail)
    listing = on(due + dt.timedelta(days=1), url("staff:proceedings"))
    assert p.number in listing and "row-overdue" in listing
    assert f"/api/v1/enforcement/parties/{west.party_id}/bundle/" in page


def test_legal_reviewer_of_the_bureau_sees_the_proceeding(city: TinyCity, west: Violation) -> None:
    p = opened(city, west, local(2026, 9, 21, 9, 0))
    page = html(client_for(city, "legal_reviewer"), url("staff:proceeding", p.pk))
    assert "Checklist of the procedure" in page


# --- seizure register --------------------------------------------------------------------------------


def test_seizure_register_shows_state_term_end_and_items_with_due_soon_marked(
    city: TinyCity, west: Violation, liu: Party, vtype: ViolationType
) -> None:
    early = seize(city, west, local(2026, 10, 1, 10, 0))
    later = seize(city, violation(city, liu, vtype), local(2026, 10, 20, 10, 0))
    officer = client_for(city, "officer")
    with time_machine.travel(local(2026, 10, 29, 9, 0), tick=False):
        page = html(officer, url("staff:seizures"))
    rows = {s.pk: page.split(f'data-seizure="{s.pk}"')[0].rsplit("<tr", 1)[1] for s in (early, later)}
    assert "row-due_soon" in rows[early.pk] and "row-on_time" in rows[later.pk]
    assert early.number in page and later.number in page and "In force" in page
    assert "鼓楼中队仓库" in page
    cells = page.split(f'data-seizure="{early.pk}"')[1].split("</tr>")[0]
    assert "<td>2</td>" in cells  # two items


# --- the outsider ------------------------------------------------------------------------------------


def test_outsider_sees_none_of_the_west_violations_proceedings_or_seizures(
    city: TinyCity, west: Violation, liu: Party, vtype: ViolationType
) -> None:
    p = opened(city, west, local(2026, 9, 21, 9, 0))
    seizure = seize(city, west, local(2026, 10, 1, 10, 0))
    east = violation(city, liu, vtype, place=EAST, grid=EAST_GRID, address="东胜路 1 号")
    outsider = client_for(city, "outsider")
    # lists
    page = html(outsider, url("staff:violations") + "?scope=all")
    assert url("staff:violation", east.pk) in page and url("staff:violation", west.pk) not in page
    page = html(outsider, url("staff:proceedings") + "?scope=all")
    assert p.number not in page
    page = html(outsider, url("staff:seizures") + "?scope=all")
    assert seizure.number not in page
    # the party's city-wide history names the west violation but does not open it; no west proceeding
    # or seizure is listed there
    page = html(outsider, url("staff:party", liu.pk))
    assert url("staff:violation", east.pk) in page and url("staff:violation", west.pk) not in page
    assert p.number not in page and seizure.number not in page
    # pages
    assert outsider.get(url("staff:violation", west.pk)).status_code == 404
    assert (
        outsider.post(url("staff:violation", west.pk), {"step": "education", "version": "1"}).status_code
        == 404
    )
    assert outsider.get(url("staff:proceeding", p.pk)).status_code in (403, 404)
    assert outsider.get(url("staff:proceeding", p.pk + 1000)).status_code == 404
    west.refresh_from_db()
    assert west.status == ViolationStatus.PROPOSED
    # the west officer sees them all
    officer = client_for(city, "officer")
    assert p.number in html(officer, url("staff:proceedings"))
    assert seizure.number in html(officer, url("staff:seizures"))


# --- bounded queries and the Chinese pages ------------------------------------------------------------


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        html(client, path)
    return len(captured)


def test_list_pages_need_a_bounded_number_of_queries_for_more_rows(
    city: TinyCity, liu: Party, vtype: ViolationType
) -> None:
    officer = client_for(city, "officer")
    paths = [
        url("staff:parties"),
        url("staff:party", liu.pk),
        url("staff:violations"),
        url("staff:proceedings"),
        url("staff:seizures"),
    ]

    def add(n: int) -> None:
        for _ in range(n):
            v = violation(city, liu, vtype)
            opened(city, v, local(2026, 9, 21, 9, 0))
            seize(city, v, local(2026, 10, 1, 10, 0))
            Party.objects.create(kind=PartyKind.PERSON, name="路人", phone="13900000000")

    add(2)
    few = [queries_for(officer, path) for path in paths]
    add(5)
    many = [queries_for(officer, path) for path in paths]
    proceedings = paths.index(url("staff:proceedings"))
    # the legal deadlines of each proceeding read the time-limit settings (penalty.selectors):
    # at most two queries a row, and a page holds at most PAGE_SIZE rows
    assert many.pop(proceedings) - few.pop(proceedings) <= 2 * 5
    assert few == many


def test_pages_render_in_chinese_by_default(city: TinyCity, west: Violation, liu: Party) -> None:
    p = opened(city, west, local(2026, 9, 21, 9, 0))
    seize(city, west, local(2026, 10, 1, 10, 0))
    officer = client_for(city, "officer")
    with translation.override("zh-hans"):
        paths = [
            url("staff:parties"),
            url("staff:party", liu.pk),
            url("staff:violations"),
            url("staff:violation", west.pk),
            url("staff:proceedings"),
            url("staff:proceeding", p.pk),
            url("staff:seizures"),
        ]
    for path in paths:
        assert path.startswith("/staff/enforcement/"), path
        page = html(officer, path)
        assert 'lang="zh-hans"' in page and "当事人" in page, path  # the menu, in Chinese


def test_issued_documents_are_linked_for_preview_and_print(city: TinyCity, west: Violation) -> None:
    from rest_framework.test import APIClient

    officer = city.users["officer"]
    officer_client = client_for(city, "officer")
    officer_client.post(
        url("staff:violation", west.pk), {"step": EnforcementStep.RECTIFICATION_ORDER, "version": "1"}
    )
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(
        "/api/v1/documents/",
        {"kind": "rectification_order", "target_type": "enforcement.violation", "target_id": str(west.pk)},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    doc_id = response.json()["id"]
    page = html(officer_client, url("staff:violation", west.pk))
    assert f"/api/v1/documents/{doc_id}/?format=html" in page
    assert f"/api/v1/documents/{doc_id}/?format=docx" in page
    preview = officer_client.get(f"/api/v1/documents/{doc_id}/?format=html")
    assert preview.status_code == 200
    # the outsider neither sees the page nor reads the document
    assert client_for(city, "outsider").get(f"/api/v1/documents/{doc_id}/?format=html").status_code in (
        403,
        404,
    )
