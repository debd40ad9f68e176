"""Templates are edited in the admin: the next document changes, an issued one never does."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from chengguan.core.errors import InvalidInput
from chengguan.documents import services
from chengguan.documents.loading import get_template, load_templates
from chengguan.documents.models import Bureau, DocumentKind, DocumentTemplate
from chengguan.documents.tests.conftest import docx_text, issue_via_api

pytestmark = pytest.mark.usefixtures("in_english")


def test_an_edited_template_changes_the_next_document_but_not_an_issued_one(city, api, violation) -> None:
    officer = city.users["officer"]
    before = issue_via_api(api, officer, "rectification_order", "enforcement.violation", violation).json()
    old_html = api(officer).get(before["html_url"]).content
    old_docx_text = docx_text(api(officer).get(before["docx_url"]).content)

    # when the bureau rewrites the appeal to feeling and renames itself
    template = DocumentTemplate.objects.get(kind="rectification_order")
    template.feeling = "{{ party.name }}，街道整洁靠大家，请您按期改正。"
    template.save()
    Bureau.objects.create(name="宁波市海曙区综合行政执法局")
    after = issue_via_api(api, officer, "rectification_order", "enforcement.violation", violation).json()

    # then the next document says the new words, with the new version recorded
    assert after["reasoning"]["feeling"] == "刘建国，街道整洁靠大家，请您按期改正。"
    assert after["bureau_name"] == "宁波市海曙区综合行政执法局"
    assert (before["template_version"], after["template_version"]) == (1, 2)
    # and the issued one prints exactly as before, in HTML and in Word
    assert api(officer).get(before["html_url"]).content == old_html
    assert docx_text(api(officer).get(before["docx_url"]).content) == old_docx_text
    assert "街道整洁靠大家" not in old_docx_text
    assert (
        api(officer).get(before["html_url"].replace("html", "json")).json()["reasoning"]
        == before["reasoning"]
    )


def test_the_officers_own_words_replace_a_part_of_the_reasoning(city, api, violation) -> None:
    officer = city.users["officer"]
    response = issue_via_api(
        api,
        officer,
        "rectification_order",
        "enforcement.violation",
        violation,
        context={"reasoning": {"feeling": "刘师傅，夜市离这里只有两条街，欢迎去那里经营。"}},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reasoning"]["feeling"] == "刘师傅，夜市离这里只有两条街，欢迎去那里经营。"
    assert "违反了" in response.json()["reasoning"]["law"]  # the other parts come from the template


def test_a_template_with_a_syntax_error_is_refused_in_the_admin(city, admin_client) -> None:
    template = get_template("penalty_decision")
    url = f"/admin/documents/documenttemplate/{template.pk}/change/"
    form = admin_client.get(url)
    assert form.status_code == 200
    data = {
        "title": template.title,
        "series": template.series_id,
        **{
            name: getattr(template, name)
            for name in (
                "opening",
                "facts_heading",
                "facts",
                "law_heading",
                "law",
                "reason_heading",
                "reason",
                "feeling_heading",
                "feeling",
                "body",
                "rights",
                "closing",
                "table_title",
                "table",
            )
        },
    }
    data["feeling"] = "{% if party.name %}没有结束标签"

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert "feeling" in response.context["adminform"].form.errors
    template.refresh_from_db()
    assert template.version == 1 and "没有结束标签" not in template.feeling

    data["feeling"] = "请依法履行。"
    assert admin_client.post(url, data).status_code == 302
    template.refresh_from_db()
    assert (template.feeling, template.version) == ("请依法履行。", 2)


def test_load_documents_makes_every_template_and_keeps_edits_unless_forced(city) -> None:
    call_command("load_documents")
    assert set(DocumentTemplate.objects.values_list("kind", flat=True)) == set(DocumentKind.values)
    template = DocumentTemplate.objects.get(kind="demand_notice")
    template.title = "履行催告书"
    template.save()

    report = load_templates()
    assert report.created == [] and "demand_notice" in report.kept
    assert DocumentTemplate.objects.get(kind="demand_notice").title == "履行催告书"

    call_command("load_documents", "--force")
    assert DocumentTemplate.objects.get(kind="demand_notice").title == "催告书"


def test_a_hand_made_context_is_enough_for_every_kind(city, violation) -> None:
    """Builders are a convenience: an explicit context with the required keys issues any kind."""
    officer = city.users["officer"]
    contexts = {
        "rectification_order": {"deadline": "2026年3月5日"},
        "party_history": {"history": {"count": 0, "rows": []}},
        "penalty_notice": {"penalty": {"text": "罚款人民币100元"}, "legal_basis": "《条例》第三十六条"},
        "hearing_notice": {"hearing": {"scheduled_for": "2026年3月20日9时00分", "place": "听证室"}},
        "penalty_decision": {
            "penalty": {"text": "罚款人民币100元", "fine_amount": "100"},
            "legal_basis": "《条例》第三十六条",
        },
        "seizure_decision": {
            "seizure": {"storage_place": "中队仓库", "term_days": 30, "kind_label": "扣押"},
            "items": [{"name": "三轮车", "quantity": "1", "unit": "辆"}],
        },
        "service_proof": {
            "service": {
                "document_label": "行政处罚决定书",
                "method_label": "直接送达",
                "served_on": "2026年3月6日",
            }
        },
        "demand_notice": {"demand": {"fine_due": "100", "performance_days": 10}},
        "court_application": {"court": {"name": "宁波市海曙区人民法院"}, "application": {"fine_due": "100"}},
    }
    for kind, extra in contexts.items():
        target = violation.party if kind == "party_history" else violation
        doc = services.issue(
            kind, target=target, context={"party": {"name": "周女士"}, **extra}, actor=officer
        )
        text = docx_text(services.render_docx(doc))
        assert doc.number in text and "周女士" in text
        assert all(part.strip() for part in doc.reasoning().values()), kind
    # a notice without any legal basis has no 说法理: refused
    with pytest.raises(InvalidInput) as refused:
        services.issue(
            "penalty_notice",
            target=violation,
            context={"party": {"name": "周女士"}, "penalty": {"text": "警告"}},
            actor=officer,
        )
    assert refused.value.field == "reasoning.law"
    assert "三轮车" in docx_text(services.render_docx(doc.__class__.objects.get(kind="seizure_decision")))
