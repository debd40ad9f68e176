"""Officers and squadron leaders of the place issue; legal reviewers read; everybody else is refused."""

from __future__ import annotations

import pytest

from chengguan.documents.models import IssuedDocument
from chengguan.documents.tests.conftest import EAST, issue_via_api, record_violation
from chengguan.enforcement.workflow import choose_step

pytestmark = pytest.mark.usefixtures("in_english")


def issue_order(api, user, violation):
    return issue_via_api(api, user, "rectification_order", "enforcement.violation", violation)


@pytest.mark.parametrize("who", ["officer", "squadron_leader"])
def test_officers_and_squadron_leaders_of_the_place_issue(city, api, violation, who) -> None:
    response = issue_order(api, city.users[who], violation)
    assert response.status_code == 201, response.json()
    assert response.json()["created_by"]["name"] == city.users[who].name


@pytest.mark.parametrize(
    "who",
    ["auxiliary", "inspector", "legal_reviewer", "leader", "admin", "dispatcher", "citizen", "department"],
)
def test_other_roles_may_not_issue(city, api, violation, who) -> None:
    response = issue_order(api, city.users[who], violation)
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"
    assert not IssuedDocument.objects.exists()


def test_an_officer_without_enforcement_credential_may_not_issue(city, api, violation) -> None:
    response = issue_order(api, city.users["rookie"], violation)
    assert response.status_code == 403
    assert "enforcement credential" in response.json()["message"]


def test_an_officer_of_another_squadron_may_not_issue_here(city, api, violation) -> None:
    response = issue_order(api, city.users["outsider"], violation)
    assert (response.status_code, response.json()["field"]) == (403, "location")
    assert not IssuedDocument.objects.exists()


def test_anonymous_is_refused(city, api, violation) -> None:
    assert issue_order(api, None, violation).status_code in (401, 403)
    assert api(None).get("/api/v1/documents/").status_code in (401, 403)


def test_a_party_history_is_city_wide(city, api, violation) -> None:
    """The ledger is city-wide: the officer of the next district prints the same party's history."""
    response = issue_via_api(
        api, city.users["outsider"], "party_history", "enforcement.party", violation.party
    )
    assert response.status_code == 201, response.json()


def test_who_reads_an_issued_document(city, api, violation) -> None:
    doc = issue_order(api, city.users["officer"], violation).json()
    url = f"/api/v1/documents/{doc['id']}/"

    # the place's officers, legal reviewers and administrators read it, in every format
    for who in ("officer", "squadron_leader", "legal_reviewer", "admin"):
        for fmt in ("json", "html", "docx"):
            assert api(city.users[who]).get(f"{url}?format={fmt}").status_code == 200, (who, fmt)
    # the officer of another squadron does not find it; roles without full view of parties are refused
    assert api(city.users["outsider"]).get(url).status_code == 404
    assert api(city.users["outsider"]).get(f"{url}?format=docx").status_code == 404
    for who in ("auxiliary", "leader", "inspector", "citizen"):
        assert api(city.users[who]).get(f"{url}?format=html").status_code == 403, who


def test_list_by_target_shows_only_what_the_reader_may_see(city, api, violation) -> None:
    officer, outsider = city.users["officer"], city.users["outsider"]
    issue_order(api, officer, violation)
    issue_order(api, officer, violation)
    east = record_violation(outsider, place=EAST, party=violation.party)
    east = choose_step(east, actor=outsider, step="rectification_order", reason="当场责令改正")
    assert issue_order(api, outsider, east).status_code == 201
    query = f"?target_type=enforcement.violation&target_id={violation.pk}"

    mine = api(officer).get(f"/api/v1/documents/{query}").json()
    theirs = api(outsider).get(f"/api/v1/documents/{query}").json()
    reviewer = api(city.users["legal_reviewer"]).get("/api/v1/documents/").json()

    year = mine["results"][0]["year"]
    assert [d["number"] for d in mine["results"]] == [f"甬综执责改字〔{year}〕第{n}号" for n in (2, 1)]
    assert theirs["count"] == 0
    assert reviewer["count"] == 3
    assert api(city.users["leader"]).get("/api/v1/documents/").status_code == 403
