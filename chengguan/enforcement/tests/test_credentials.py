"""One source of "holds an enforcement credential": the penalty app's credentials, valid today.

A badge number alone is not enough: an officer whose credential was revoked or has expired may not
decide a ledger step or issue a document, as in the penalty procedure.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chengguan.enforcement.tests.builders import record

pytestmark = pytest.mark.usefixtures("in_english")


def _choose(api, user, violation):
    return api(user).post(
        f"/api/v1/enforcement/violations/{violation.pk}/choose/", {"step": "warm_reminder"}, format="json"
    )


def test_a_revoked_credential_may_not_decide_a_ledger_step(city, api) -> None:
    officer = city.users["officer"]
    violation = record(officer, "street-occupation")
    officer.enforcement_credentials.update(revoked_at=timezone.now())
    response = _choose(api, officer, violation)
    assert response.status_code == 403
    assert "credential" in response.json()["message"]


def test_an_expired_credential_may_not_issue_a_document(city, api) -> None:
    officer = city.users["officer"]
    violation = record(officer, "street-occupation")
    officer.enforcement_credentials.update(valid_until=dt.date(2021, 1, 1))
    response = api(officer).post(
        "/api/v1/documents/",
        {"kind": "party_history", "target_type": "enforcement.party", "target_id": violation.party_id},
        format="json",
    )
    assert response.status_code == 403
    assert "credential" in response.json()["message"]


def test_with_a_valid_credential_the_same_officer_decides(city, api) -> None:
    officer = city.users["officer"]
    violation = record(officer, "street-occupation")
    assert _choose(api, officer, violation).status_code == 200
