"""Import the bureau's holiday table from a CSV or JSON file: every line checked first, all or nothing.

CSV: one day a line, ``date,is_working_day,name[,note]``, an optional header line starting with
``date``, blank lines and lines starting with ``#`` ignored. JSON: a list of objects with the keys
``date``, ``is_working_day``, ``name`` (optional) and ``note`` (optional). Dates are ISO
(``2027-01-01``); ``is_working_day`` is true/false, 1/0, yes/no, 是/否 or 班/休.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.workdays.errors import HolidayImportRejected
from chengguan.workdays.models import CoveredYear, DayOverride

_TRUE = {"1", "true", "t", "yes", "y", "是", "班", "上班", "工作日", "working"}
_FALSE = {"0", "false", "f", "no", "n", "否", "休", "休息", "假", "节假日", "holiday"}
_NAME_MAX = DayOverride._meta.get_field("name").max_length or 100
FIRST_YEAR, LAST_YEAR = 1900, 2200


@dataclass(frozen=True)
class HolidayRow:
    line: int
    date: dt.date
    is_working_day: bool
    name: str
    note: str = ""


@dataclass(frozen=True)
class HolidayImportResult:
    created: int
    updated: int
    unchanged: int
    covered_years: tuple[int, ...] = ()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")  # spreadsheets saved by Chinese Excel


def _parse_date(raw: Any) -> dt.date | str:
    text = str(raw).strip().replace("/", "-")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return _("%(value)r is not a date like 2027-01-01") % {"value": str(raw)}
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return _("%(date)s is outside the years %(first)d–%(last)d") % {
            "date": day.isoformat(),
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    return day


def _parse_bool(raw: Any) -> bool | str:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return _("%(value)r is not a working-day flag (true/false, 1/0, 是/否, 班/休)") % {"value": str(raw)}


def _check_row(line: int, raw_date: Any, raw_flag: Any, name: Any, note: Any) -> HolidayRow | list[str]:
    problems: list[str] = []
    day = _parse_date(raw_date)
    flag = _parse_bool(raw_flag)
    name_text = str(name or "").strip()
    if isinstance(day, str):
        problems.append(day)
    if isinstance(flag, str):
        problems.append(flag)
    if len(name_text) > _NAME_MAX:
        problems.append(_("the name is longer than %(max)d characters") % {"max": _NAME_MAX})
    if problems or isinstance(day, str) or isinstance(flag, str):
        return problems
    return HolidayRow(line=line, date=day, is_working_day=flag, name=name_text, note=str(note or "").strip())


def _read_csv(text: str) -> tuple[list[HolidayRow], list[tuple[int, str]]]:
    rows: list[HolidayRow] = []
    problems: list[tuple[int, str]] = []
    seen_data = False
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not seen_data and cells[0].lower() in {"date", "日期"}:
            seen_data = True
            continue
        seen_data = True
        if not 2 <= len(cells) <= 4:
            problems.append(
                (line, _("expected date,is_working_day,name[,note]; found %(n)d columns") % {"n": len(cells)})
            )
            continue
        cells += [""] * (4 - len(cells))
        checked = _check_row(line, *cells)
        if isinstance(checked, list):
            problems.extend((line, p) for p in checked)
        else:
            rows.append(checked)
    return rows, problems


def _read_json(text: str) -> tuple[list[HolidayRow], list[tuple[int, str]]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [(exc.lineno, _("not valid JSON: %(reason)s") % {"reason": exc.msg})]
    if not isinstance(items, list):
        return [], [(1, _("the JSON file must hold a list of days"))]
    rows: list[HolidayRow] = []
    problems: list[tuple[int, str]] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "date" not in item or "is_working_day" not in item:
            problems.append((number, _('each day must be an object with "date" and "is_working_day"')))
            continue
        checked = _check_row(number, item["date"], item["is_working_day"], item.get("name"), item.get("note"))
        if isinstance(checked, list):
            problems.extend((number, p) for p in checked)
        else:
            rows.append(checked)
    return rows, problems


def read_holiday_file(filename: str, data: bytes) -> list[HolidayRow]:
    """The days of a CSV or JSON holiday file; raises ``HolidayImportRejected`` listing every bad line."""
    text = _decode(data)
    is_json = filename.lower().endswith(".json") or text.lstrip().startswith("[")
    rows, problems = (_read_json if is_json else _read_csv)(text)
    first_line: dict[dt.date, int] = {}
    for row in rows:
        if row.date in first_line:
            problems.append(
                (
                    row.line,
                    _("%(date)s is already given on line %(first)d")
                    % {"date": row.date.isoformat(), "first": first_line[row.date]},
                )
            )
        else:
            first_line[row.date] = row.line
    if not rows and not problems:
        problems.append((0, _("the file holds no days")))
    if problems:
        label = _("item %(n)d: %(problem)s") if is_json else _("line %(n)d: %(problem)s")
        raise HolidayImportRejected(
            [label % {"n": n, "problem": p} for n, p in sorted(problems, key=lambda item: item[0])]
        )
    return rows


@transaction.atomic
def do_import_holidays(
    rows: Iterable[HolidayRow], *, covered_years: Iterable[int] = (), source: str = ""
) -> HolidayImportResult:
    """Upsert checked rows into the holiday table (and mark ``covered_years`` complete), atomically."""
    todo = list(rows)
    existing = {o.date: o for o in DayOverride.objects.filter(date__in=[r.date for r in todo])}
    created = updated = unchanged = 0
    for row in todo:
        old = existing.get(row.date)
        if old is None:
            DayOverride.objects.create(
                date=row.date, is_working_day=row.is_working_day, name=row.name, note=row.note
            )
            created += 1
        elif (old.is_working_day, old.name, old.note) == (row.is_working_day, row.name, row.note):
            unchanged += 1
        else:
            old.is_working_day, old.name, old.note = row.is_working_day, row.name, row.note
            old.save(update_fields=["is_working_day", "name", "note", "updated_at"])
            updated += 1
    years = tuple(sorted(set(covered_years)))
    for year in years:
        CoveredYear.objects.update_or_create(year=year, defaults={"source": source[:200]})
    return HolidayImportResult(created=created, updated=updated, unchanged=unchanged, covered_years=years)
