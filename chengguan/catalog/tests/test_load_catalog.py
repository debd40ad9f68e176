"""manage.py load_catalog FILE [--dry-run]: validate everything, then upsert."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chengguan.catalog.models import Category, CategoryKind, CategoryRevision, MajorClass, TimeLimit
from chengguan.catalog.selectors import get_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HANDLE = {"step": "handle", "urgency": "normal", "amount": 1, "unit": "working_days"}


def _entry(code: str, name: str, **extra: object) -> dict:
    return {
        "kind": "event",
        "major": code[:2],
        "code": code,
        "name_zh": name,
        "handling_unit_kind": "squadron",
        "time_limits": [HANDLE],
        **extra,
    }


def _write(tmp_path: Path, categories: list[dict], **top: object) -> str:
    path = tmp_path / "catalog.json"
    doc = {
        "format": "chengguan.catalog/1",
        "standard": "test",
        "major_classes": [{"kind": "event", "code": "98", "name_zh": "试验", "name_en": "Test"}],
        "categories": categories,
        **top,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _counts() -> tuple[int, int, int, int]:
    return (
        MajorClass.objects.count(),
        Category.objects.count(),
        TimeLimit.objects.count(),
        CategoryRevision.objects.count(),
    )


def test_a_bad_file_is_refused_naming_every_bad_entry_and_nothing_is_written(tmp_path: Path) -> None:
    before = _counts()
    path = _write(
        tmp_path,
        [
            _entry("9801", "好条目"),
            _entry("9702", "错大类", major="98"),
            _entry("9803", "错单位", handling_unit_kind="brigade"),
            _entry("9804", "错专业", handling_specialty="plumbing"),
            _entry("9805", "负时限", time_limits=[{**HANDLE, "amount": -1}]),
            _entry("9806", "零时限", time_limits=[{**HANDLE, "amount": 0}]),
            _entry("9801", "重复"),
            _entry("9807", "无处置时限", time_limits=[]),
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_catalog", path, stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "7 problems" in str(caught.value)
    problems = err.getvalue()
    assert "event 9702 错大类 (categories[1])" in problems
    assert "does not start with its major class code 98" in problems
    assert "event 9803 错单位" in problems and "brigade" in problems
    assert "event 9804 错专业" in problems and "plumbing" in problems
    assert "event 9805 负时限" in problems and "event 9806 零时限" in problems
    assert "event 9801 重复 (categories[6])" in problems
    assert "event 9807 无处置时限" in problems
    assert "好条目" not in problems
    assert _counts() == before
    assert not Category.objects.filter(code="9801").exists()


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _run(str(path))
    assert caught.value.returncode == 1


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        _run(str(tmp_path / "nowhere.json"))
    assert caught.value.returncode == 2


def test_dry_run_checks_and_writes_nothing(tmp_path: Path) -> None:
    before = _counts()
    out, _ = _run(_write(tmp_path, [_entry("9801", "新条目")]), "--dry-run")
    assert "1 created" in out and "dry run" in out
    assert _counts() == before


def test_a_good_file_creates_and_updates_with_revisions(tmp_path: Path) -> None:
    vending = get_category(kind=CategoryKind.EVENT, code="0504")
    changed = {
        "kind": "event",
        "major": "05",
        "code": "0504",
        "name_zh": "占道经营",
        "name_en": "Street occupation",
        "handling_unit_kind": "squadron",
        "enforcement_link": True,
        "registration_criteria": vending.registration_criteria,
        "closure_criteria": vending.closure_criteria,
        "standard": vending.standard,
        "time_limits": [{"step": "handle", "urgency": "normal", "amount": 3, "unit": "working_hours"}],
    }
    out, err = _run(_write(tmp_path, [_entry("9801", "新条目"), changed]))
    assert err == ""
    assert "created event 9801 新条目" in out and "updated event 0504 占道经营" in out

    created = get_category(kind=CategoryKind.EVENT, code="9801")
    assert (created.version, created.attribution_rule, created.standard) == (1, "territory_first", "test")
    assert created.revisions.get().changed_fields == ["created"]
    vending.refresh_from_db()
    assert vending.version == 2
    assert vending.time_limits.get().amount == 3
    revision = vending.revisions.get()
    assert revision.changed_fields == ["time_limits"]
    assert revision.note == "load_catalog catalog.json"
