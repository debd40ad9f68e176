"""Audit entries can be neither changed nor deleted: by the model, its query set, or (PostgreSQL) SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from chengguan.audit.errors import AppendOnlyViolation
from chengguan.audit.models import AuditEntry, AuditHead
from chengguan.audit.services import record
from chengguan.audit.verification import verify_chain
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the database refuses changes through triggers on PostgreSQL only",
)


def test_saving_an_existing_entry_is_refused(chain_of) -> None:
    entry = AuditEntry.objects.get(seq=chain_of(2)[0].seq)

    entry.payload = {"new": {"status": "cancelled"}}
    with pytest.raises(AppendOnlyViolation):
        entry.save()

    assert AuditEntry.objects.get(seq=1).payload["new"]["status"] == "registered"
    assert verify_chain().ok


def test_deleting_an_entry_is_refused(chain_of) -> None:
    entry = chain_of(2)[0]

    with pytest.raises(AppendOnlyViolation):
        entry.delete()

    assert AuditEntry.objects.count() == 2


@pytest.mark.parametrize("method", ["update", "delete"])
def test_bulk_changes_through_the_query_set_are_refused(chain_of, method: str) -> None:
    chain_of(2)
    qs = AuditEntry.objects.filter(seq=1)

    with pytest.raises(AppendOnlyViolation):
        qs.update(action="forged") if method == "update" else qs.delete()

    assert AuditEntry.objects.filter(seq=1, action="case.registered").exists()


def test_bulk_create_is_refused() -> None:
    with pytest.raises(AppendOnlyViolation):
        AuditEntry.objects.bulk_create([AuditEntry(seq=1, action="x", prev_hash="0" * 64, hash="1" * 64)])


def test_an_actor_with_entries_cannot_be_deleted(tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    record("case.handled", actor=officer, payload={})

    with pytest.raises(ProtectedError):
        officer.delete()


@on_postgresql
def test_postgresql_refuses_an_update_in_sql(chain_of) -> None:
    chain_of(3)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'forged' WHERE seq = 2")

    assert verify_chain().ok


@on_postgresql
def test_postgresql_refuses_a_delete_in_sql(chain_of) -> None:
    chain_of(3)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 2")

    assert AuditEntry.objects.count() == 3


@on_postgresql
def test_postgresql_refuses_to_move_the_head_back(chain_of) -> None:
    chain_of(3)

    with pytest.raises(DatabaseError, match="one entry forward"), transaction.atomic():
        AuditHead.objects.filter(pk=1).update(seq=1)

    assert verify_chain().ok
