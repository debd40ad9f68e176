"""Petitions (信访) and complaints about officers: routed to the right unit, their own time limits in
working days, answered by the unit's leaders and shown to the petitioner only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.portal import workflow as petitions
from chengguan.portal.models import Petition, PetitionKind, PetitionState
from chengguan.portal.tests.conftest import EAST, WEST

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=CITY)


def complaint(city: TinyCity, **kw: object) -> petitions.PetitionReceipt:
    body = {
        "actor": None,
        "kind": PetitionKind.COMPLAINT,
        "subject": "执法态度粗暴",
        "body": "执法队员推搡摊主",
        "petitioner_name": "李四",
        "petitioner_phone": "13900001111",
        "officer_badge": "33020001",
    }
    body.update(kw)
    return petitions.submit_petition(**body)  # type: ignore[arg-type]


def test_a_complaint_goes_to_the_officers_unit_with_its_own_time_limits(tiny_city: TinyCity) -> None:
    # given Monday 09:00 and the default limits (complaints: acknowledge in 2, answer in 10 working days)
    with time_machine.travel(MONDAY, tick=False):
        receipt = complaint(tiny_city)
    petition = receipt.petition

    # then it is routed to the officer's squadron and its deadlines count working days
    assert petition.number.startswith("TS20261123-")
    assert petition.officer == tiny_city.users["officer"]
    assert petition.unit == tiny_city.units["west"]
    assert petition.acknowledge_due == dt.datetime(2026, 11, 25, 9, 0, tzinfo=CITY)
    assert petition.answer_due == dt.datetime(2026, 12, 7, 9, 0, tzinfo=CITY)
    assert len(receipt.access_code) == 8


def test_a_petition_goes_to_the_squadron_of_its_place_or_to_the_bureau(tiny_city: TinyCity) -> None:
    placed = petitions.submit_petition(
        actor=None,
        kind=PetitionKind.PETITION,
        subject="夜市噪声",
        body="夜市太吵",
        petitioner_name="王五",
        petitioner_email="wang@example.org",
        lon=EAST[0],
        lat=EAST[1],
    ).petition
    nowhere = petitions.submit_petition(
        actor=None,
        kind="petition",
        subject="建议",
        body="多设疏导点",
        petitioner_name="王五",
        petitioner_phone="13900002222",
    ).petition
    assert placed.unit == tiny_city.units["east"]
    assert placed.number.startswith("XF")
    assert nowhere.unit == tiny_city.units["bureau"]


def test_the_policy_sets_the_time_limits(tiny_city: TinyCity) -> None:
    from chengguan.portal.services import get_policy

    policy = get_policy()
    policy.petition_acknowledge_days, policy.petition_answer_days = 1, 3
    policy.save()
    with time_machine.travel(MONDAY, tick=False):
        petition = petitions.submit_petition(
            actor=None,
            kind="petition",
            subject="s",
            body="b",
            petitioner_name="王五",
            petitioner_phone="13900002222",
        ).petition
    assert petition.acknowledge_due == dt.datetime(2026, 11, 24, 9, 0, tzinfo=CITY)
    assert petition.answer_due == dt.datetime(2026, 11, 26, 9, 0, tzinfo=CITY)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"petitioner_name": ""}, "petitioner_name"),
        ({"petitioner_phone": "", "petitioner_email": ""}, "petitioner_phone"),
        ({"petitioner_phone": "call me"}, "petitioner_phone"),
        ({"officer_badge": "", "lon": None}, "officer_badge"),
        ({"kind": "praise"}, "kind"),
        ({"body": "x" * 8001}, "body"),
    ],
)
def test_bad_petitions_are_refused_naming_the_field(
    tiny_city: TinyCity, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        complaint(tiny_city, **overrides)
    assert error.value.field == field
    assert not Petition.objects.exists()


def test_the_unit_leader_acknowledges_and_answers(tiny_city: TinyCity) -> None:
    number = complaint(tiny_city).petition.number
    leader = tiny_city.users["squadron_leader"]
    petition = petitions.acknowledge_petition(number, actor=leader, note="已受理")
    assert petition.state == PetitionState.ACKNOWLEDGED
    petition = petitions.answer_petition(number, actor=leader, answer="经调查，已对该队员批评教育。")
    assert petition.state == PetitionState.ANSWERED and petition.answered_by == leader
    with pytest.raises(Conflict):
        petitions.answer_petition(number, actor=leader, answer="again")


@pytest.mark.parametrize("who", ["officer", "outsider", "citizen", "inspector", "dispatcher", None])
def test_others_may_not_handle_a_complaint(tiny_city: TinyCity, who: str | None) -> None:
    # the officer complained about, another squadron, a citizen, staff without a handling role
    number = complaint(tiny_city).petition.number
    with pytest.raises(AccessDenied):
        petitions.answer_petition(number, actor=tiny_city.users[who] if who else None, answer="x")
    assert Petition.objects.get(number=number).state == PetitionState.RECEIVED


def test_the_leader_of_the_bureau_handles_everything(tiny_city: TinyCity) -> None:
    number = complaint(tiny_city).petition.number
    assert (
        petitions.answer_petition(number, actor=tiny_city.users["leader"], answer="已处理").state
        == "answered"
    )


def test_the_office_list_shows_a_unit_its_own_petitions(tiny_city: TinyCity) -> None:
    west = complaint(tiny_city).petition
    east = complaint(tiny_city, officer_badge="33020009").petition
    assert list(petitions.get_petitions_handled_by(tiny_city.users["squadron_leader"])) == [west]
    assert set(petitions.get_petitions_handled_by(tiny_city.users["leader"])) == {west, east}
    assert not petitions.get_petitions_handled_by(tiny_city.users["officer"]).exists()


def test_overdue_petitions_are_found(tiny_city: TinyCity) -> None:
    with time_machine.travel(MONDAY, tick=False):
        petition = complaint(tiny_city).petition
    assert petitions.petition_deadline_status(petition, MONDAY) == "on_time"
    later = dt.datetime(2026, 11, 25, 9, 1, tzinfo=CITY)
    assert petitions.petition_deadline_status(petition, later) == "overdue"
    assert list(petitions.overdue_petitions(later)) == [petition]


def test_the_petitioner_sees_the_answer_with_the_tracking_number_and_code(
    client: Client, tiny_city: TinyCity
) -> None:
    # given a complaint filed on the page
    response = client.post(
        "/en/petitions/new/",
        {
            "kind": "complaint",
            "subject": "执法态度粗暴",
            "body": "推搡摊主",
            "officer_badge": "33020001",
            "petitioner_name": "李四",
            "petitioner_phone": "13900001111",
            "lon": WEST[0],
            "lat": WEST[1],
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    code = receipt.split('id="access-code">')[1].split("<")[0]

    # when the squadron leader answers on the office page
    office = Client()
    office.force_login(tiny_city.users["squadron_leader"])
    assert petition.number in office.get("/en/office/petitions/").content.decode()
    response = office.post(
        f"/en/office/petitions/{petition.number}/", {"action": "answer", "text": "已批评教育"}
    )
    assert response.status_code == 302

    # then the petitioner (on another device, with number and code) reads the answer
    other = Client()
    assert other.get(f"/en/petitions/{petition.number}/").status_code == 302  # no code: to the form
    response = other.get("/en/petitions/track/", {"number": petition.number, "code": code})
    assert response.status_code == 302
    page = other.get(response["Location"]).content.decode()
    assert "已批评教育" in page and "Answered" in page
    # and a wrong code shows nothing
    wrong = Client().get("/en/petitions/track/", {"number": petition.number, "code": "AAAAAAAA"})
    assert wrong.status_code == 404
    assert "推搡摊主" not in wrong.content.decode()


def test_the_officer_complained_about_cannot_open_the_office_page(
    client: Client, tiny_city: TinyCity
) -> None:
    number = complaint(tiny_city).petition.number
    client.force_login(tiny_city.users["officer"])
    assert client.get(f"/en/office/petitions/{number}/").status_code == 403
    assert (
        client.post(f"/en/office/petitions/{number}/", {"action": "answer", "text": "x"}).status_code == 403
    )
