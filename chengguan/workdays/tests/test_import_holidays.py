"""chengguan import_holidays FILE: the bureau's holiday table from a CSV or JSON file, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chengguan.workdays.calendar import is_working_day, year_coverage
from chengguan.workdays.models import CoveredYear, DayOverride

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

GOOD_CSV = """date,is_working_day,name
# 2027 New Year (entered from the State Council notice)
2027-01-01,false,元旦
2027-01-02,0,元旦
2027-01-03,休,元旦
2027-02-20,班,春节调休,Saturday worked
"""


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_holidays", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_csv_file_and_marks_the_year_covered(tmp_path: Path) -> None:
    # given a CSV file of four days of 2027
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")

    # when it is imported with 2027 declared complete
    out, _ = run(path, "--covered-year", "2027")

    # then the days are in the table and the calendar uses them
    assert "4" in out
    assert DayOverride.objects.count() == 4
    assert DayOverride.objects.get(date=dt.date(2027, 2, 20)).note == "Saturday worked"
    assert not is_working_day(dt.date(2027, 1, 1))
    assert is_working_day(dt.date(2027, 2, 20))
    assert CoveredYear.objects.get(year=2027).source == "2027.csv"
    assert year_coverage(2027) == "bureau"


def test_it_rejects_a_file_with_a_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    # given a file whose third day has a bad date and whose fifth repeats the first
    path = tmp_path / "bad.csv"
    path.write_text(
        "2027-01-01,false,元旦\n2027-01-02,false,元旦\n2027-02-30,false,春节\n2027-02-20,maybe,春节\n"
        "2027-01-01,true,again\n",
        encoding="utf-8",
    )

    # when it is imported
    with pytest.raises(CommandError) as refused:
        call_command("import_holidays", str(path), stdout=StringIO(), stderr=(err := StringIO()))

    # then every bad line is reported and nothing is written
    assert refused.value.returncode == 1
    report = err.getvalue()
    assert "line 3" in report
    assert "2027-02-30" in report
    assert "line 4" in report
    assert "maybe" in report
    assert "line 5" in report
    assert "line 1" in report  # the duplicate names the first line of its date
    assert DayOverride.objects.count() == 0


def test_it_imports_a_json_list_and_updates_existing_days(tmp_path: Path) -> None:
    # given a day already in the table with another name
    DayOverride.objects.create(date=dt.date(2027, 1, 1), is_working_day=True, name="old")
    path = tmp_path / "2027.json"
    path.write_text(
        json.dumps(
            [
                {"date": "2027-01-01", "is_working_day": False, "name": "元旦"},
                {"date": "2027-02-20", "is_working_day": True, "name": "春节调休"},
            ]
        ),
        encoding="utf-8",
    )

    # when the JSON file is imported
    out, _ = run(path)

    # then one day is added and one changed
    assert "1" in out
    assert DayOverride.objects.get(date=dt.date(2027, 1, 1)).is_working_day is False
    assert DayOverride.objects.count() == 2


def test_it_reports_bad_json_items_by_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps([{"date": "2027-01-01", "is_working_day": False}, {"date": "x"}]), encoding="utf-8"
    )

    with pytest.raises(CommandError):
        call_command("import_holidays", str(path), stdout=StringIO(), stderr=(err := StringIO()))

    assert "item 2" in err.getvalue()
    assert DayOverride.objects.count() == 0


def test_a_dry_run_checks_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")

    run(path, "--dry-run", "--covered-year", "2027")

    assert DayOverride.objects.count() == 0
    assert CoveredYear.objects.count() == 0


def test_a_missing_file_is_an_error_with_status_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("import_holidays", str(tmp_path / "nope.csv"))

    assert refused.value.returncode == 2
