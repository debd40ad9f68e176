"""Helpers for the audit tests: raw SQL that goes around the model, as an attacker would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from chengguan.audit.models import AuditEntry
from chengguan.audit.services import record

ENTRY_TABLE = AuditEntry._meta.db_table
ENTRY_TRIGGER = "audit_entry_append_only"


@pytest.fixture
def raw_sql() -> Iterator[Callable[..., None]]:
    """Run SQL directly against the audit table, as a database superuser could.

    On PostgreSQL the append-only trigger is disabled first (a superuser can do that too); the
    test's transaction rolls the ALTER TABLE back, so other tests keep the trigger.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {ENTRY_TABLE} DISABLE TRIGGER {ENTRY_TRIGGER}")

        def run(sql: str, params: Any = ()) -> None:
            cursor.execute(sql, params)

        yield run


@pytest.fixture
def chain_of() -> Callable[[int], list[AuditEntry]]:
    """``chain_of(n)`` records n entries by the system, about targets ``cases.case:1`` … ``n``."""

    def build(n: int) -> list[AuditEntry]:
        return [
            record(
                "case.registered",
                actor=None,
                target=("cases.case", i),
                payload={"old": None, "new": {"status": "registered", "n": i}},
            )
            for i in range(1, n + 1)
        ]

    return build
