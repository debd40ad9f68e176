"""``chengguan evaluate --month 2026-10``: the ranking table, JSON, stored results, bad months."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.utils import translation

from chengguan.evaluation.management.commands.evaluate import display_width, format_table
from chengguan.evaluation.models import Assessment


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_the_departments_ranking(october: list[Any]) -> None:
    with translation.override("zh-hans"):
        text = _run("--month", "2026-10", "--subject", "department")

    lines = text.splitlines()
    assert "2026-10" in lines[0]
    assert "按期处置率" in lines[1]
    assert lines[2].split()[:4] == ["1", "CG-WATER", "排水管理处", "71.64"]
    assert "66.67%" in lines[2]


@pytest.mark.django_db
def test_it_prints_json_and_stores_the_results(october: list[Any]) -> None:
    body = json.loads(
        _run("--month", "2026-10", "--subject", "department", "--subject", "squadron", "--json")
    )

    assert [block["subject_kind"] for block in body] == ["department", "squadron"]
    assert body[0]["rows"][0]["code"] == "CG-WATER"
    assert body[0]["rows"][0]["score"] == "71.64"
    stored = Assessment.objects.get(subject_kind="department", subject_code="CG-WATER")
    assert (str(stored.period_start), str(stored.period_end), stored.rank) == ("2026-10-01", "2026-10-31", 1)
    assert str(stored.score) == "71.64"
    assert stored.counters["due"] == 10


@pytest.mark.django_db
def test_running_again_replaces_the_stored_results(october: list[Any]) -> None:
    _run("--month", "2026-10", "--subject", "department")
    _run("--month", "2026-10", "--subject", "department")

    assert Assessment.objects.filter(subject_kind="department").count() == 1


@pytest.mark.django_db
def test_no_save_stores_nothing(october: list[Any]) -> None:
    _run("--month", "2026-10", "--no-save")

    assert not Assessment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["2026-13", "2026-00", "202610", "October"])
def test_it_exits_2_for_a_bad_month(month: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["chengguan", "evaluate", "--month", month])

    assert exited.value.code == 2
    assert month in capsys.readouterr().err


def test_columns_line_up_with_chinese_names() -> None:
    table = format_table(
        ["名次", "名称", "x"], [["1", "排水管理处", "9"], ["10", "Roads", "10"]], right={0, 2}
    )

    lines = table.splitlines()
    assert {display_width(line) for line in lines} == {display_width(lines[0])}
    assert lines[1] == "   1  排水管理处   9"
