"""How documents write dates, times and money (Chinese official style: 2026年3月5日)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from chengguan.core.clock import to_city


def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_city(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = to_city(value)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def money(value: Any) -> str:
    """An amount in yuan: 200 → "200", 200.5 → "200.50"."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return str(amount.quantize(Decimal(1)))
    return str(amount.quantize(Decimal("0.01")))
