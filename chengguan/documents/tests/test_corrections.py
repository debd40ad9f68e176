"""An issued document is never edited: a correction is a new, numbered document that supersedes it."""

from __future__ import annotations

import pytest

from chengguan.audit.models import AuditEntry
from chengguan.documents.models import IssuedDocument
from chengguan.documents.tests.conftest import docx_text, issue_via_api

pytestmark = pytest.mark.usefixtures("in_english")


def issue_order(api, user, violation, **extra):
    return issue_via_api(api, user, "rectification_order", "enforcement.violation", violation, **extra)


def test_a_correction_supersedes_with_a_reason_and_a_new_number(city, api, violation) -> None:
    officer = city.users["officer"]
    first = issue_order(api, officer, violation).json()

    refused = issue_order(api, officer, violation, supersedes=first["id"])
    assert (refused.status_code, refused.json()["field"]) == (400, "correction_reason")

    second = issue_order(api, officer, violation, supersedes=first["id"], correction_reason="改正期限写错")
    assert second.status_code == 201, second.json()
    body = second.json()
    assert body["supersedes"] == first["id"] and body["number"] != first["number"]
    assert api(officer).get(f"/api/v1/documents/{first['id']}/").json()["superseded_by"] == body["id"]
    text = docx_text(api(officer).get(body["docx_url"]).content)
    assert first["number"] in text and "改正期限写错" in text
    assert AuditEntry.objects.filter(action="documents.issue").count() == 2

    again = issue_order(api, officer, violation, supersedes=first["id"], correction_reason="再改")
    assert (again.status_code, again.json()["field"]) == (409, "supersedes")


def test_a_correction_must_be_about_the_same_target_and_kind(city, api, violation) -> None:
    officer = city.users["officer"]
    order = issue_order(api, officer, violation).json()

    response = issue_via_api(
        api,
        officer,
        "party_history",
        "enforcement.party",
        violation.party,
        supersedes=order["id"],
        correction_reason="错了",
    )

    assert (response.status_code, response.json()["field"]) == (400, "supersedes")


def test_an_issued_document_cannot_be_saved_again_or_changed_in_the_admin(
    city, api, violation, admin_client
) -> None:
    doc_id = issue_order(api, city.users["officer"], violation).json()["id"]
    doc = IssuedDocument.objects.get(pk=doc_id)
    doc.reasoning_feeling = "改过的"
    with pytest.raises(ValueError):
        doc.save()

    page = admin_client.get(f"/admin/documents/issueddocument/{doc_id}/change/")
    assert page.status_code == 200  # view only
    posted = admin_client.post(f"/admin/documents/issueddocument/{doc_id}/change/", {"number": "X"})
    assert posted.status_code == 403
    assert admin_client.get("/admin/documents/issueddocument/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/documents/issueddocument/{doc_id}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert IssuedDocument.objects.get(pk=doc_id).reasoning_feeling != "改过的"
