"""Every kind of document is issued from its owner's data and printed as HTML and as a DOCX that opens."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.utils.html import escape

from chengguan.documents.models import DocumentKind, IssuedDocument
from chengguan.documents.tests.conftest import docx_text, issue_via_api

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_each_kind_is_issued_and_prints_as_html_and_docx(city, api, targets, kind) -> None:
    officer = city.users["officer"]
    target_type, target = targets[kind]

    # when the officer issues the document
    response = issue_via_api(api, officer, kind, target_type, target)

    # then it has the bureau's number of its series, and its reasoning in four parts
    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.fullmatch(r".+字〔\d{4}〕第1号", body["number"]), body["number"]
    assert body["bureau_name"] == "宁波市综合行政执法局"
    assert body["party_name"] == "刘建国"
    parts = body["reasoning"]
    assert set(parts) == {"facts", "law", "reason", "feeling"}
    assert all(text.strip() for text in parts.values()), parts

    # the printable page carries the number, the party, the four parts and an A4 print stylesheet
    page = api(officer).get(body["html_url"])
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert body["number"] in html and "刘建国" in html and "size: A4" in html and "@media print" in html
    for text in parts.values():
        for line in text.splitlines():
            assert escape(line) in html

    # the Word file opens and carries the same
    word = api(officer).get(body["docx_url"])
    assert word.status_code == 200
    assert word["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = word["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".docx" in disposition
    assert body["number"] in unquote(disposition)
    text = docx_text(word.content)
    assert body["number"] in text and "刘建国" in text and "宁波市综合行政执法局" in text
    for part in parts.values():
        for line in part.splitlines():
            assert line in text


def test_the_documents_say_what_the_owners_data_says(city, api, targets) -> None:
    officer = city.users["officer"]
    issued = {}
    for kind in ("rectification_order", "penalty_decision", "seizure_decision", "court_application"):
        target_type, target = targets[kind]
        response = issue_via_api(api, officer, kind, target_type, target)
        assert response.status_code == 201, response.json()
        issued[kind] = IssuedDocument.objects.get(pk=response.json()["id"])

    order = issued["rectification_order"]
    assert (
        "占道经营" in order.reasoning_facts and "此前你（单位）已有同类违法行为1次" in order.reasoning_facts
    )
    assert "《城市市容和环境卫生管理条例》" in order.reasoning_law
    decision = issued["penalty_decision"]
    assert "罚款人民币200元" in decision.sections["body"]
    assert "基准罚款为200元" in decision.reasoning_reason
    seizure_text = docx_text(
        api(officer).get(f"/api/v1/documents/{issued['seizure_decision'].pk}/?format=docx").content
    )
    assert "橙子" in seizure_text and "手推车" in seizure_text and "鼓楼中队暂扣物品仓库" in seizure_text
    assert "拒绝签名（见证人：社区干部王某）" in seizure_text
    court = issued["court_application"]
    assert court.sections["opening"].splitlines()[-1] == "宁波市海曙区人民法院："
    assert "加处罚款200元" in court.sections["body"]


def test_a_party_history_lists_every_violation_in_a_table(city, api, targets) -> None:
    officer = city.users["officer"]
    target_type, party = targets["party_history"]
    response = issue_via_api(api, officer, "party_history", target_type, party)
    doc = IssuedDocument.objects.get(pk=response.json()["id"])
    table = doc.sections["table"]
    assert table[0][:4] == ["序号", "时间", "地点", "违法类型"]
    assert [row[3] for row in table[1:]] == ["占道经营", "占道经营"]
    assert "共有违法行为记录2次" in doc.reasoning_facts
    html = api(officer).get(f"/api/v1/documents/{doc.pk}/?format=html").content.decode()
    assert html.count("<tr>") == 3


def test_a_kind_waiting_for_its_record_says_so(city, api, violation) -> None:
    from chengguan.penalty.models import Proceeding

    officer = city.users["officer"]
    p = Proceeding.objects.create(
        number="甬综执立字〔2026〕第8号",
        procedure="ordinary",
        state="investigation",
        violation=violation,
        party=violation.party,
        grid_code=violation.grid_code,
        district_code=violation.district_code,
        occurred_on=violation.occurred_at.date(),
        opened_at=violation.occurred_at,
        opened_on=violation.occurred_at.date(),
        opened_by=officer,
    )

    response = issue_via_api(api, officer, "penalty_decision", "penalty.proceeding", p)

    assert response.status_code == 400
    assert response.json()["message"] == "No decision has been made yet."
    assert not IssuedDocument.objects.exists()


def test_the_wrong_target_type_or_an_unknown_target_is_refused(city, api, violation) -> None:
    officer = city.users["officer"]

    wrong = issue_via_api(api, officer, "rectification_order", "enforcement.party", violation.party)
    missing = api(officer).post(
        "/api/v1/documents/",
        {"kind": "rectification_order", "target_type": "enforcement.violation", "target_id": "999999"},
        format="json",
    )
    unknown = issue_via_api(api, officer, "warning_letter", "enforcement.violation", violation)

    assert (wrong.status_code, wrong.json()["field"]) == (400, "target_type")
    assert (missing.status_code, missing.json()["field"]) == (404, "target_id")
    assert (unknown.status_code, unknown.json()["field"]) == (400, "kind")


def test_an_unknown_format_is_refused(city, api, violation) -> None:
    officer = city.users["officer"]
    doc_id = issue_via_api(api, officer, "rectification_order", "enforcement.violation", violation).json()[
        "id"
    ]

    response = api(officer).get(f"/api/v1/documents/{doc_id}/?format=pdf")

    assert (response.status_code, response.json()["field"]) == (400, "format")
