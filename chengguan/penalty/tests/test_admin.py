"""The admin: policy, time limits and credentials are edited there; the procedure's records are read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chengguan.core.testing import TinyCity
from chengguan.penalty import models as m
from chengguan.penalty.tests.builders import opened

READ_ONLY = [
    m.Proceeding,
    m.InvestigationRecord,
    m.PenaltyNotice,
    m.PartyStatement,
    m.Hearing,
    m.LegalReview,
    m.CollectiveDiscussion,
    m.Decision,
    m.FineCorrection,
    m.Service,
    m.Payment,
    m.DemandNotice,
    m.CourtApplication,
    m.DeadlineExtension,
    m.OverdueMark,
    m.ProceedingEvent,
    m.NumberSeries,
]
EDITABLE = [m.PenaltyPolicy, m.LegalTimeLimit, m.EnforcementCredential]


@pytest.fixture
def admin_in(client: Any, city: TinyCity, violation: Any) -> Any:
    opened(city, violation)
    client.force_login(city.users["admin"])
    return client


@pytest.mark.parametrize("model", READ_ONLY + EDITABLE, ids=lambda model: model.__name__)
def test_every_model_has_an_admin_list(admin_in: Any, model: type) -> None:
    url = reverse(f"admin:penalty_{model._meta.model_name}_changelist")
    assert admin_in.get(url).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model.__name__)
def test_the_procedures_records_cannot_be_added_in_the_admin(admin_in: Any, model: type) -> None:
    assert admin_in.get(reverse(f"admin:penalty_{model._meta.model_name}_add")).status_code == 403


def test_the_admin_sets_the_hearing_thresholds(admin_in: Any) -> None:
    url = reverse("admin:penalty_penaltypolicy_add")
    form = {
        "summary_person_max": "200",
        "summary_organisation_max": "3000",
        "on_the_spot_collection_max": "100",
        "hearing_person_fine": "3000",
        "hearing_organisation_fine": "50000",
        "hearing_person_confiscation": "3000",
        "hearing_organisation_confiscation": "50000",
        "review_fine": "10000",
        "surcharge_rate": "0.03",
        "require_recording": "on",
        "due_soon_days": "2",
        "decision_series": "甬城管罚决字",
    }
    response = admin_in.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    from chengguan.penalty.policy import get_thresholds

    assert str(get_thresholds().hearing_person_fine) == "3000.00"
    assert admin_in.get(url).status_code == 403  # one policy row only


def test_the_officer_may_not_use_the_admin(client: Any, city: TinyCity) -> None:
    client.force_login(city.users["officer"])
    response = client.get(reverse("admin:penalty_penaltypolicy_changelist"))
    assert response.status_code in (302, 403)
