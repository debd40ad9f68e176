"""Administrators edit indicator formulas and weights in the admin; leaders may only look."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from chengguan.core.testing import TinyCity
from chengguan.evaluation.models import IndicatorFormula
from chengguan.evaluation.selectors import monthly_ranking

pytestmark = pytest.mark.django_db

LIST = "/admin/evaluation/indicatorformula/"


def _formula() -> IndicatorFormula:
    return IndicatorFormula.objects.get(subject_kind="department", code="rework_rate")


def _post_data(formula: IndicatorFormula, **changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in model_to_dict(formula).items() if k != "id"}
    data.update(changes)
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_the_seeded_formulas_are_listed(admin_client: Any) -> None:
    response = admin_client.get(LIST, {"subject_kind__exact": "department"})

    assert response.status_code == 200
    assert "按期处置率" in response.content.decode()


def test_an_administrator_changes_a_weight_and_the_ranking_follows(
    admin_client: Any, october: list[Any]
) -> None:
    formula = _formula()

    response = admin_client.post(f"{LIST}{formula.pk}/change/", _post_data(formula, weight="0"))

    assert response.status_code == 302
    assert _formula().weight == Decimal("0")
    water = monthly_ranking("2026-10", "department")[0]
    # (50 × 160/3 + 20 × 790/9 + 15 × 880/9) / 85 = 53000/765 = 69.28
    assert water.score_decimal == Decimal("69.28")


def test_a_counter_not_computed_for_the_subject_is_refused(admin_client: Any) -> None:
    formula = _formula()

    response = admin_client.post(f"{LIST}{formula.pk}/change/", _post_data(formula, numerator="checks_done"))

    assert response.status_code == 200
    assert _formula().numerator == "rework"


def test_a_leader_may_look_but_not_change(client: Any, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["leader"])
    formula = _formula()

    assert client.get(LIST).status_code == 200
    response = client.post(f"{LIST}{formula.pk}/change/", _post_data(formula, weight="0"))

    assert response.status_code == 403
    assert _formula().weight == Decimal("15.00")
