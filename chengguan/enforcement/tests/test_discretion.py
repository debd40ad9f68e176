"""Discretion benchmarks propose the fine from the facts; any departure needs a justification."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from chengguan.core.errors import InvalidInput, NotFound
from chengguan.enforcement.discretion import (
    Circumstances,
    check_fine_departure,
    circumstances_of,
    propose_fine,
)
from chengguan.enforcement.models import Corrected, DiscretionBenchmark, Harm, Offence, Scale, ViolationType
from chengguan.enforcement.tests.builders import at, record

pytestmark = pytest.mark.usefixtures("in_english")


def test_a_repeated_small_street_occupation_gives_200_yuan(vtypes) -> None:
    proposal = propose_fine(
        vtypes["street-occupation"], Circumstances(offence=Offence.REPEAT, scale=Scale.SMALL)
    )
    assert (proposal.min, proposal.max, proposal.proposed) == (Decimal(100), Decimal(200), Decimal(200))
    assert "城市市容和环境卫生管理条例" in proposal.basis_text
    assert "再次占道经营" in proposal.basis_text


def test_serious_harm_lifts_the_case_into_its_tier_whatever_else_is_true(vtypes) -> None:
    facts = Circumstances(offence=Offence.REPEAT, scale=Scale.SMALL, harm=Harm.SERIOUS)
    assert propose_fine(vtypes["street-occupation"], facts).min == Decimal(500)


def test_a_first_minor_corrected_case_gets_the_lowest_tier(vtypes) -> None:
    facts = Circumstances(offence=Offence.FIRST, corrected=Corrected.YES)
    assert propose_fine(vtypes["street-occupation"], facts).proposed == Decimal(20)


def test_illegal_construction_is_a_share_of_the_construction_cost(vtypes) -> None:
    facts = Circumstances(corrected=Corrected.NO, base_amount=Decimal(200_000))
    proposal = propose_fine(vtypes["illegal-construction"], facts)
    assert (proposal.min, proposal.max, proposal.proposed) == (
        Decimal(14_000),
        Decimal(20_000),
        Decimal(16_000),
    )
    assert "第六十四条" in proposal.basis_text


def test_a_share_without_a_base_amount_is_refused_naming_it(vtypes) -> None:
    with pytest.raises(InvalidInput) as caught:
        propose_fine(vtypes["illegal-construction"], Circumstances())
    assert caught.value.field == "base_amount"


def test_unknown_circumstances_are_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Circumstances(scale="huge")
    assert caught.value.field == "scale"


def test_every_seeded_type_answers_every_set_of_facts(vtypes) -> None:
    for vtype, combo in itertools.product(
        vtypes.values(), itertools.product(Offence.values, Scale.values, Harm.values, Corrected.values)
    ):
        facts = Circumstances(*combo, base_amount=Decimal(100_000))
        proposal = propose_fine(vtype, facts)
        assert proposal.min <= proposal.proposed <= proposal.max, (vtype.code, combo)


def test_a_more_serious_fact_never_lowers_the_proposed_fine(vtypes) -> None:
    order = {"offence": Offence.values, "scale": Scale.values, "harm": Harm.values}
    for vtype in vtypes.values():
        for name, values in order.items():
            for lower, higher in itertools.pairwise(values):
                a = propose_fine(vtype, Circumstances(**{name: lower}, base_amount=Decimal(100_000)))
                b = propose_fine(vtype, Circumstances(**{name: higher}, base_amount=Decimal(100_000)))
                assert a.proposed <= b.proposed, (vtype.code, name, lower, higher)


def test_no_fitting_benchmark_is_a_clear_error(city) -> None:
    bare = ViolationType.objects.create(code="bare", name="无基准")
    DiscretionBenchmark.objects.create(
        violation_type=bare, label="仅再次", offence=Offence.REPEAT, fine_min=1, fine_max=2
    )
    with pytest.raises(NotFound) as caught:
        propose_fine(bare, Circumstances(offence=Offence.FIRST))
    assert caught.value.field == "violation_type"


def test_a_departure_needs_a_justification(vtypes) -> None:
    proposal = propose_fine(vtypes["street-occupation"], Circumstances(offence=Offence.REPEAT))
    assert check_fine_departure(proposal, Decimal(200)).departs is False
    with pytest.raises(InvalidInput) as caught:
        check_fine_departure(proposal, Decimal(150))
    assert caught.value.field == "justification"
    departure = check_fine_departure(proposal, Decimal(50), "当事人系低保户，主动消除危害后果")
    assert departure.departs and departure.outside_range
    with pytest.raises(InvalidInput):
        check_fine_departure(proposal, Decimal(-1), "x")


def test_the_circumstances_of_a_violation_come_from_the_ledger(city) -> None:
    officer = city.users["officer"]
    import time_machine

    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        first = record(officer, "street-occupation")
    with time_machine.travel(at(2026, 6, 20, 10), tick=False):
        second = record(officer, "street-occupation", party=first.party, scale=Scale.SMALL)
    assert circumstances_of(first).offence == Offence.FIRST
    assert circumstances_of(second).offence == Offence.REPEAT


# --- API ---------------------------------------------------------------------------------------------


def test_the_fine_proposal_endpoint(city, api) -> None:
    response = api(city.users["officer"]).get(
        "/api/v1/enforcement/fine-proposal/", {"violation_type": "street-occupation", "offence": "repeat"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["proposed"] == "200"
    bad = api(city.users["officer"]).get(
        "/api/v1/enforcement/fine-proposal/", {"violation_type": "street-occupation", "harm": "x"}
    )
    assert bad.status_code == 400 and bad.json()["field"] == "harm"
    assert (
        api(city.users["citizen"])
        .get("/api/v1/enforcement/fine-proposal/", {"violation_type": "littering"})
        .status_code
        == 403
    )


def test_the_fine_proposal_of_a_recorded_violation(city, api) -> None:
    v = record(city.users["officer"], "illegal-construction")
    url = f"/api/v1/enforcement/violations/{v.pk}/fine-proposal/"
    assert api(city.users["officer"]).get(url).json()["field"] == "base_amount"
    response = api(city.users["officer"]).get(url, {"base_amount": "100000"})
    assert response.status_code == 200
    assert response.json()["proposed"] == "8000"
    assert api(city.users["outsider"]).get(url, {"base_amount": "100000"}).status_code == 404
