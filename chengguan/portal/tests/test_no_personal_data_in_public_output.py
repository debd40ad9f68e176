"""No public page or public API response contains a reporter's phone or e-mail, a party's ID number,
a petitioner's or a vendor's contact (a crawl of every public page of a seeded run).

The seed: citizen and hotline reports with names, phones and e-mails (also written into their
descriptions), cases in every stage including closed and reopened ones, cleared photos, petitions and
complaints, registered vendors, ledger parties with ID numbers and a penalty decision about one
published and another withdrawn. The crawl starts at both home pages (Chinese and English), follows
every link on the site that an anonymous visitor can open, and adds the public map data and the
Open311 answers (JSON and XML, with extensions).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client

from chengguan.cases import workflow
from chengguan.cases.intake import submit_report
from chengguan.cases.models import Case
from chengguan.core.testing import TinyCity
from chengguan.enforcement.models import Party, PartyKind
from chengguan.evidence.models import Evidence
from chengguan.portal import services
from chengguan.portal import workflow as petitions
from chengguan.portal.tests.conftest import EAST, WEST, close, jpeg, portal_report

pytestmark = pytest.mark.django_db

# Pages that are not public (sign-in, staff) or change something: never crawled.
SKIP = re.compile(r"^/(en/)?(admin|staff|office|accounts/logout|i18n|api)/|^/static/|^/media/")
HREF = re.compile(r'(?:href|src)="([^"#]+)"')
MAX_PAGES = 600

REPORTERS = [
    ("张伟", "13811112222", "zhangwei@example.com"),
    ("李娜", "139-2222-3333", "li.na@example.org"),
    ("王芳", "+86 137 3333 4444", "wangfang@example.cn"),
    ("刘洋", "0574-87651234", "liuyang@example.net"),
]
PETITIONER = ("陈静", "13655556666", "chenjing@example.com")
VENDOR = ("杨磊", "13577778888", "330203198001011236")
PARTIES = [("周杰", "330203199203041238", "13499990000"), ("吴敏", "33020319851212124X", "15122223333")]


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def seed(city: TinyCity) -> list[str]:
    """Make the seeded run; the secrets that must never appear in public output."""
    secrets: list[str] = []
    for i, (name, phone, email) in enumerate(REPORTERS):
        description = f"我是{name}，电话{phone}，邮箱{email}，这里有人占道经营"
        receipt = portal_report(
            reporter_name=name,
            reporter_phone=phone,
            reporter_email=email,
            description=description,
            address=f"中山东路{i + 1}号 联系人{name}",
            files=[jpeg()],
        )
        case = receipt.case
        if i >= 1:
            case = close(city, case)
            photo = Evidence.objects.filter(owner_type="cases.case", owner_id=str(case.pk)).first()
            services.clear_photo(photo.pk, actor=city.users["operator"])
            services.publish_closed_case(case.pk, actor=city.users["operator"])
        if i == 2:
            services.rate_case(
                case.number,
                actor=None,
                code=receipt.access_code,
                score=1,
                comment=f"没解决，请打{phone}",
                reopen=True,
            )
        secrets += [phone, digits(phone)[-8:], email, name]
    # a hotline report taken by the operator
    hotline = submit_report(
        actor=city.users["operator"],
        source="hotline",
        category="component:0102",
        lon=EAST[0],
        lat=EAST[1],
        description="市民来电，井盖缺失",
        reporter_name="赵磊",
        reporter_phone="13900008888",
        reporter_email="zhaolei@example.com",
    ).case
    workflow.register(hotline.pk, actor=city.users["operator"], version=hotline.version)
    secrets += ["13900008888", "zhaolei@example.com", "赵磊"]

    name, phone, email = PETITIONER
    petitions.submit_petition(
        actor=None,
        kind="complaint",
        subject="投诉执法队员",
        body=f"{name}投诉，电话{phone}",
        petitioner_name=name,
        petitioner_phone=phone,
        petitioner_email=email,
        officer_badge="33020001",
        lon=WEST[0],
        lat=WEST[1],
    )
    secrets += [phone, email, name]

    vendor_name, vendor_phone, vendor_id = VENDOR
    services.register_vendor(
        zone=city.zone,
        vendor_name=vendor_name,
        vendor_phone=vendor_phone,
        vendor_id_number=vendor_id,
        goods="水果",
        stall="B-2",
        valid_from=dt.date(2026, 11, 1),
        actor=city.users["squadron_leader"],
    )
    secrets += [vendor_name, vendor_phone, vendor_id]

    for j, (party_name, id_number, party_phone) in enumerate(PARTIES):
        Party.objects.create(kind=PartyKind.PERSON, name=party_name, id_number=id_number, phone=party_phone)
        decision = (
            f"当事人{party_name}（身份证号 {id_number}，电话 {party_phone}）在中山东路占道经营，"
            "依据《城市市容和环境卫生管理条例》处罚款 200 元。"
        )
        services.publish(
            kind="penalty_decision",
            title=f"{party_name}占道经营行政处罚决定书",
            body=decision,
            source_type="penalty.decision",
            source_id=str(j),
            names=[party_name],
            actor=city.users["leader"],
        )
        if j == 1:
            services.withdraw_source(
                "penalty.decision", str(j), reason="决定已变更", actor=city.users["leader"]
            )
        secrets += [party_name, id_number, party_phone]
    return secrets


def crawl(client: Client, seeds: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            target = urljoin(url, response["Location"])
            if not SKIP.search(urlparse(target).path):
                queue.append(target)
            seen[url] = ""
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        seen[url] = text
        content_type = response.get("Content-Type", "")
        if "html" in content_type:
            for href in HREF.findall(text):
                target = urljoin(url, href.replace("&amp;", "&"))
                parsed = urlparse(target)
                if parsed.netloc or SKIP.search(parsed.path):
                    continue
                queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return seen


def test_no_public_output_contains_personal_data(tiny_city: TinyCity) -> None:
    secrets = seed(tiny_city)
    numbers = list(Case.objects.values_list("number", flat=True))
    seeds = [
        "/",
        "/en/",
        "/map/city.geojson?grids=1",
        "/map/zones.geojson",
        "/open311/v2/services.json",
        "/open311/v2/requests.json?extensions=true",
        "/open311/v2/requests.xml?extensions=true",
        *[f"/cases/{n}/" for n in numbers],
        *[f"/en/cases/{n}/" for n in numbers],
        *[f"/open311/v2/requests/{n}.json?extensions=true" for n in numbers],
    ]
    pages = crawl(Client(), seeds)

    # the crawl reached the pages that show cases, publications, zones and laws
    visited = set(pages)
    for expected in ("/closed/", "/publications/", "/en/vending/", "/laws/", "/report/", "/petitions/new/"):
        assert expected in visited, sorted(visited)
    assert len([u for u in visited if u.startswith(("/cases/", "/en/cases/"))]) >= 2 * len(numbers)
    assert any("/photos/" in u for u in visited)
    assert any(re.match(r"^/(en/)?publications/\d+/$", u) for u in visited)

    leaks = [
        (url, secret)
        for url, text in pages.items()
        for secret in secrets
        if secret in text or (secret.isdigit() and len(secret) >= 8 and secret in re.sub(r"[\s\-]", "", text))
    ]
    assert leaks == []
