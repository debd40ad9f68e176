"""``chengguan evaluate --month 2026-10``: the month's ranking of squadrons, departments, people, areas."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chengguan.core.clock import city_today
from chengguan.core.errors import ChengguanError
from chengguan.evaluation import counters as c
from chengguan.evaluation.counters import COUNTERS, SubjectKind
from chengguan.evaluation.selectors import RankingRow, evaluate, parse_month
from chengguan.evaluation.services import do_store_assessments

# Counters shown in the table (all of them are in --json).
TABLE_COUNTERS = {
    c.AREA: ("registered", "due", "closed", "overdue", "suspended"),
    c.UNIT: ("dispatched", "due", "handled", "overdue", "returns"),
    c.INSPECTOR: ("reports", "valid_reports", "checks_done"),
    c.OFFICER: ("beat_cases", "handled", "handled_on_time"),
}
# Order of the kinds when all are printed: units, people, then areas from large to small.
DEFAULT_KINDS = (
    SubjectKind.SQUADRON,
    SubjectKind.DEPARTMENT,
    SubjectKind.INSPECTOR,
    SubjectKind.OFFICER,
    SubjectKind.DISTRICT,
    SubjectKind.STREET,
    SubjectKind.COMMUNITY,
)


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def format_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(display_width(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = []
    for line in [header, *rows]:
        cells = [_pad(cell, widths[i], i in right) for i, cell in enumerate(line)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _percent(value: str | None) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.2f}%"


def ranking_table(rows: list[RankingRow], subject_kind: str) -> str:
    shown = TABLE_COUNTERS[c.FAMILY[subject_kind]]
    indicator_names = [indicator.name for indicator in rows[0].indicators] if rows else []
    header = [
        pgettext("ranking column", "Rank"),
        pgettext("ranking column", "Code"),
        pgettext("ranking column", "Name"),
        pgettext("ranking column", "Composite"),
        *indicator_names,
        *[str(COUNTERS[code].label) for code in shown],
    ]
    lines = []
    for row in rows:
        score = row.score_decimal
        lines.append(
            [
                str(row.rank),
                row.code,
                row.name,
                "—" if score is None else str(score),
                *[_percent(indicator.to_dict()["value"]) for indicator in row.indicators],
                *[str(row.counters.get(code, 0)) for code in shown],
            ]
        )
    right = {0, 3, *range(4, len(header))}
    return format_table(header, lines, right)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _(
            "Evaluate a month: counters, indicators and the ranking of squadrons, departments, "
            "inspectors, officers and areas; the results are stored for leaders."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month", default=None, help=_("month to evaluate, YYYY-MM (default: last month)")
        )
        parser.add_argument(
            "--subject",
            action="append",
            choices=SubjectKind.values,
            help=_("kind of subject to rank (repeatable; default: all but unit grids)"),
        )
        parser.add_argument("--json", action="store_true", help=_("print JSON"))
        parser.add_argument("--no-save", action="store_true", help=_("do not store the results"))

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"]
        if month is None:
            today = city_today()
            month = f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"
        try:
            first, last = parse_month(month)
        except ChengguanError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        kinds = options["subject"] or list(DEFAULT_KINDS)
        results = []
        for kind in kinds:
            rows = evaluate(period_start=first, period_end=last, subject_kind=kind)
            if not options["no_save"]:
                do_store_assessments(period_start=first, period_end=last, subject_kind=kind, rows=rows)
            results.append((kind, rows))
        if options["json"]:
            body = [
                {
                    "month": month,
                    "period_start": first.isoformat(),
                    "period_end": last.isoformat(),
                    "subject_kind": kind,
                    "rows": [row.to_dict() for row in rows],
                }
                for kind, rows in results
            ]
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        blocks = []
        for kind, rows in results:
            title = _("%(subjects)s, %(month)s") % {"subjects": SubjectKind.label(kind), "month": month}
            body = ranking_table(rows, kind) if rows else _("(none)")
            blocks.append(f"{title}\n{body}")
        self.stdout.write("\n\n".join(blocks))
