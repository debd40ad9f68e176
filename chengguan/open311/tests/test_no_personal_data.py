"""No GET answer of Open311 ever contains a reporter's name, phone number or e-mail address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from chengguan.cases import workflow
from chengguan.cases.models import Case
from chengguan.cases.tests.builders import MONDAY, submit
from chengguan.core.testing import TinyCity
from chengguan.evidence.models import Evidence
from chengguan.open311.models import ApiKey, ServiceRequest
from chengguan.open311.records import public_text
from chengguan.open311.tests.conftest import EAST, FORMATS, Open311Client, jpeg, report
from chengguan.portal.models import PhotoClearance

NAME, PHONE, EMAIL = "欧阳娜娜", "13987654321", "nana.ouyang@example.org"
HOTLINE = ("司马光", "057487654321", "sima@example.net")
SECRETS = [NAME, PHONE, EMAIL, "1398765", "nana.ouyang", *HOTLINE]


@pytest.fixture
def seeded(tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey) -> list[str]:
    """Reports with contact data, through Open311 and the staff side, taken through the workflow with
    notes that repeat the reporter's data, and a cleared photo."""
    numbers = []
    with time_machine.travel(MONDAY, tick=False):
        body = report(
            api_key,
            first_name="娜娜",
            last_name="欧阳",
            phone=PHONE,
            email=EMAIL,
            description=f"我是{NAME}，电话 {PHONE}，邮箱 {EMAIL}，井盖缺失",
            address_string=f"中山东路 100 号（{NAME}家门口）",
            token="t-1",
            media=[jpeg()],
        )
        numbers.append(o311.post("json", body).data[0]["service_request_id"])
        case = Case.objects.get(number=numbers[0])
        operator = tiny_city.users["operator"]
        PhotoClearance.objects.create(
            evidence=Evidence.objects.get(), cleared_by=operator, cleared_at=timezone.now()
        )
        case = workflow.register(case.pk, actor=operator, version=case.version, note=f"已联系{NAME} {PHONE}")
        case = workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)
        name, phone, email = HOTLINE
        hotline = submit(
            tiny_city,
            by="operator",
            source="hotline",
            at=EAST,
            category="event:0504",
            description=f"市民{name}来电（{phone}）反映占道经营",
            reporter_name=name,
            reporter_phone=phone,
            reporter_email=email,
        ).case
        hotline = workflow.reject(
            hotline.pk, actor=operator, version=hotline.version, reason=f"已电话告知 {phone}，{email}"
        )
        numbers.append(hotline.number)
    return numbers


def every_get(o311: Open311Client, numbers: list[str]) -> list[Any]:
    answers = []
    for fmt in FORMATS:
        answers += [
            o311.get("discovery", fmt),
            o311.get("services", fmt),
            o311.get("services/component-0102", fmt),
            o311.get("requests", fmt),
            o311.get("requests", fmt, extensions="true"),
            o311.get("requests", fmt, extensions="true", status="closed"),
            o311.get("requests", fmt, extensions="true", service_request_id=",".join(numbers)),
            o311.get("tokens/t-1", fmt),
        ]
        answers += [o311.get(f"requests/{n}", fmt, extensions="true") for n in numbers]
    return answers


def test_no_get_answer_contains_a_reporters_contact(seeded: list[str], o311: Open311Client) -> None:
    with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
        answers = every_get(o311, seeded)
        media = [
            o311.client.get(url)
            for a in answers
            if a.fmt == "json" and a.status == 200 and isinstance(a.data, list)
            for r in a.data
            if isinstance(r, dict) and r.get("media_url")
            for url in [r["media_url"]]
        ]

    assert all(a.status == 200 for a in answers)
    assert len(media) > 0
    bodies = [a.raw.decode("utf-8") for a in answers] + [str(m.content) for m in media]
    leaks = [(secret, body[:200]) for body in bodies for secret in SECRETS if secret in body]
    assert leaks == []
    # and the reports are there, with the rest of their text
    assert "井盖缺失" in bodies[3] + bodies[4]
    assert ServiceRequest.objects.count() == 1


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4),
    phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    email=st.emails(),
    before=st.text(max_size=20),
    after=st.text(max_size=20),
)
def test_public_text_never_shows_the_reporters_own_contact(
    name: str, phone: str, email: str, before: str, after: str
) -> None:
    case = Case(reporter_name=name, reporter_phone=phone, reporter_email=email)
    text = f"{before}{name} {phone}{after}{email}"

    shown = public_text(text, case)

    assert name not in shown
    assert phone not in shown
    assert email not in shown
