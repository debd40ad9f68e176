"""load_enforcement loads the bundled provisions, types and benchmarks idempotently; seed_demo adds a ledger."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengguan.enforcement.demo import seed_demo
from chengguan.enforcement.loading import DATA_FILE, EnforcementDataRejected, load_data, parse_data
from chengguan.enforcement.models import (
    DiscretionBenchmark,
    EnforcementStep,
    LegalProvision,
    Party,
    Violation,
    ViolationStatus,
    ViolationType,
)

pytestmark = pytest.mark.usefixtures("in_english")


def _data() -> dict:
    return parse_data(DATA_FILE.read_bytes())


@pytest.mark.django_db
def test_it_loads_the_demo_types_linked_to_categories_and_provisions() -> None:
    out = StringIO()
    call_command("load_enforcement", stdout=out)
    names = set(ViolationType.objects.values_list("name", flat=True))
    assert {
        "占道经营",
        "违法建设",
        "违规设置户外广告",
        "乱扔垃圾",
        "渣土车遗撒",
        "违规停车占用人行道",
    } <= names
    construction = ViolationType.objects.get(code="illegal-construction")
    assert construction.category.code == "9901"
    assert {p.code for p in construction.provisions.all()} >= {"urban-planning-law-64"}
    assert LegalProvision.objects.get(code="admin-penalty-law-33").text.startswith("违法行为轻微并及时改正")
    assert "created" in out.getvalue()


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    call_command("load_enforcement", stdout=StringIO())
    counts = (
        LegalProvision.objects.count(),
        ViolationType.objects.count(),
        DiscretionBenchmark.objects.count(),
    )
    out = StringIO()
    call_command("load_enforcement", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert counts == (
        LegalProvision.objects.count(),
        ViolationType.objects.count(),
        DiscretionBenchmark.objects.count(),
    )


@pytest.mark.django_db
def test_a_reload_restores_an_edited_benchmark() -> None:
    load_data(_data())
    row = DiscretionBenchmark.objects.get(label="再次占道经营")
    row.proposed = 150
    row.save()
    report = load_data(_data())
    assert report.updated == ["占道经营 · 再次占道经营"]
    row.refresh_from_db()
    assert row.proposed == 200


@pytest.mark.django_db
def test_a_bad_file_writes_nothing_and_names_every_problem(tmp_path) -> None:
    data = _data()
    data["violation_types"][0]["provisions"].append("no-such-law")
    data["violation_types"][1]["category"] = "0000"
    data["violation_types"][2]["benchmarks"] = [{"label": "仅首次", "offence": "first", "min": 10, "max": 5}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_enforcement", str(path), stderr=err)
    assert caught.value.returncode == 1
    text = err.getvalue()
    assert (
        "no-such-law" in text
        and "0000" in text
        and "min is above max" in text
        and "no benchmark fits" in text
    )
    assert not ViolationType.objects.exists() and not LegalProvision.objects.exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing() -> None:
    call_command("load_enforcement", "--dry-run", stdout=StringIO())
    assert not ViolationType.objects.exists()


def test_it_refuses_what_is_not_json() -> None:
    with pytest.raises(EnforcementDataRejected):
        parse_data(b"{nope")


def test_an_unreadable_file_exits_with_2(db) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("load_enforcement", "/nonexistent.json")
    assert caught.value.returncode == 2


def test_seed_demo_writes_a_small_ledger_once(tiny_city) -> None:
    report = seed_demo()
    assert report.parties == 3 and report.violations == 3
    liu = Party.objects.get(name="刘建国")
    first = Violation.objects.get(party=liu)
    assert first.chosen_step == EnforcementStep.WARM_REMINDER and first.status == ViolationStatus.EDUCATED
    again = seed_demo()
    assert again.parties == 0 and Party.objects.count() == 3
