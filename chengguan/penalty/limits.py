"""The legal time limits of the penalty procedure, each with its day kind, and the one date rule.

Every limit of REFERENCE.md Part B is a row of ``DEFAULT_LIMITS``: how many days or months, whether
the days are **working days** or **natural days**, and the article it comes from. An administrator
may override any row in the admin (``LegalTimeLimit``; REFERENCE.md: numbers that are local practice
or not confirmed are configuration data); ``get_limit`` reads the override, else the default.

Which days are working days (the law, not a preference):

* 行政处罚法 art. 85: "二日" "三日" "五日" "七日" are working days — the 5-day statement and hearing
  request, the 7-day hearing notice, the 7-day service of a decision, the 3-day filing of a summary
  decision;
* 行政强制法 art. 69: limits "within ten days" are working days — the 10 days after a demand notice
  is served, the 10-day performance period of a demand notice;
* every other limit counts natural days: 15 days to pay (art. 67), 90 days to decide (art. 60), the
  60-day review period, months (6-month litigation period, 3-month court window, 2/5-year
  limitation).

The counting (``end_of``, through ``chengguan.workdays.calendar``): the day of the event is not
counted; a natural-day or month period whose last day is not a working day ends on the next working
day; a period in months ends on the same-numbered day, or the last day of a shorter month. The
limitation period (art. 36) is not an act anybody must do on a working day, so it is not moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.workdays.calendar import add_legal_days, add_months, first_working_day_from


class LimitUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class Limit(models.TextChoices):
    DECISION = "decision", _("Decision after opening proceedings")
    EXTENSION = "extension", _("One approved extension of the decision limit")
    STATEMENT = "statement", _("Statement and defence after the notice is served")
    HEARING_REQUEST = "hearing_request", _("Hearing request after the notice is served")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice before the hearing")
    SERVICE = "service", _("Service of the decision")
    PAYMENT = "payment", _("Payment after the decision is served")
    SUMMARY_FILING = "summary_filing", _("Filing of an on-the-spot decision")
    DEMAND_PERFORMANCE = "demand_performance", _("Performance period of a demand notice")
    COURT_WAIT = "court_wait", _("Wait after the demand notice is served")
    REVIEW_PERIOD = "review_period", _("Administrative review period")
    LITIGATION_PERIOD = "litigation_period", _("Administrative litigation period")
    COURT_WINDOW = "court_window", _("Court enforcement application after the periods lapse")
    LIMITATION = "limitation", _("Limitation period")
    LIMITATION_LONG = "limitation_long", _("Limitation period (life, health or financial safety)")


@dataclass(frozen=True)
class LimitSpec:
    amount: int
    unit: str  # LimitUnit
    working: bool  # working days (only for unit "days")
    moves_off_holidays: bool = True  # a last day off work moves to the next working day
    source: str = ""

    def describe(self) -> str:
        if self.unit == LimitUnit.MONTHS:
            return str(_("%(n)s months") % {"n": self.amount})
        if self.working:
            return str(_("%(n)s working days") % {"n": self.amount})
        return str(_("%(n)s days") % {"n": self.amount})


DEFAULT_LIMITS: dict[str, LimitSpec] = {
    Limit.DECISION: LimitSpec(90, LimitUnit.DAYS, False, source="行政处罚法 第六十条"),
    Limit.EXTENSION: LimitSpec(30, LimitUnit.DAYS, False, source="住建部令第55号 (local rules)"),
    Limit.STATEMENT: LimitSpec(5, LimitUnit.DAYS, True, source="行政处罚法 第四十四、四十五、八十五条"),
    Limit.HEARING_REQUEST: LimitSpec(5, LimitUnit.DAYS, True, source="行政处罚法 第六十四条、第八十五条"),
    Limit.HEARING_NOTICE: LimitSpec(7, LimitUnit.DAYS, True, source="行政处罚法 第六十四条、第八十五条"),
    Limit.SERVICE: LimitSpec(7, LimitUnit.DAYS, True, source="行政处罚法 第六十一条、第八十五条"),
    Limit.PAYMENT: LimitSpec(15, LimitUnit.DAYS, False, source="行政处罚法 第六十七条"),
    Limit.SUMMARY_FILING: LimitSpec(3, LimitUnit.DAYS, True, source="住建部令第55号; 行政处罚法 第八十五条"),
    Limit.DEMAND_PERFORMANCE: LimitSpec(10, LimitUnit.DAYS, True, source="行政强制法 第三十五条、第六十九条"),
    Limit.COURT_WAIT: LimitSpec(10, LimitUnit.DAYS, True, source="行政强制法 第五十四条、第六十九条"),
    Limit.REVIEW_PERIOD: LimitSpec(60, LimitUnit.DAYS, False, source="行政复议法"),
    Limit.LITIGATION_PERIOD: LimitSpec(6, LimitUnit.MONTHS, False, source="行政诉讼法 第四十六条"),
    Limit.COURT_WINDOW: LimitSpec(3, LimitUnit.MONTHS, False, source="行政强制法 第五十三条"),
    Limit.LIMITATION: LimitSpec(24, LimitUnit.MONTHS, False, False, source="行政处罚法 第三十六条"),
    Limit.LIMITATION_LONG: LimitSpec(60, LimitUnit.MONTHS, False, False, source="行政处罚法 第三十六条"),
}


def end_of(spec: LimitSpec, start: dt.date) -> dt.date:
    """The last day of a limit of ``spec`` that starts with an event on ``start`` (see the module doc)."""
    if spec.unit == LimitUnit.MONTHS:
        end = add_months(start, spec.amount)
        return first_working_day_from(end) if spec.moves_off_holidays else end
    if spec.working:
        return add_legal_days(start, spec.amount, working=True)
    if spec.moves_off_holidays:
        return add_legal_days(start, spec.amount, working=False)
    return start + dt.timedelta(days=spec.amount)


def get_limit(code: str) -> LimitSpec:
    """The limit ``code`` as the bureau set it (``LegalTimeLimit``), else the legal default."""
    from chengguan.penalty.models import LegalTimeLimit

    row = LegalTimeLimit.objects.filter(code=code).first()
    if row is None:
        return DEFAULT_LIMITS[code]
    default = DEFAULT_LIMITS[code]
    return LimitSpec(row.amount, row.unit, row.working_days, default.moves_off_holidays, default.source)


def due(code: str, start: dt.date) -> dt.date:
    """The last day of the limit ``code`` counted from an event on ``start``."""
    return end_of(get_limit(code), start)
