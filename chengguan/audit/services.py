"""Writing to the audit log: ``record`` appends one entry at the tail of the hash chain.

Concurrency. The chain is linear, so appends are serialised on the one-row ``AuditHead`` table:

* PostgreSQL: ``SELECT … FOR UPDATE`` locks the head row until the caller's transaction ends, so a
  second appender waits, then reads the new head.
* SQLite: ``select_for_update`` does nothing, but chengguan opens every transaction with ``BEGIN
  IMMEDIATE``, which takes the database's write lock at once; other writers wait (busy timeout).

Either way the head is then moved with a compare-and-set (``UPDATE … WHERE seq = <seq read>``); if no
row changed, somebody appended in between (possible only when neither guard above holds, e.g. a
SQLite database opened in DEFERRED mode) and the append is retried on the new head. The unique
``seq`` and ``hash`` columns are the last line of defence: a fork can never be committed.

The head row stays locked until the caller commits, so record the audit entry as the last write of
a transaction and keep slow work (files, network) out of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from chengguan.audit.chain import GENESIS_HASH, compute_hash, normalise_payload
from chengguan.audit.errors import AuditChainBroken
from chengguan.audit.models import AuditEntry, AuditHead
from chengguan.core.bulk import insert_many
from chengguan.core.errors import Conflict

HEAD_PK = 1
MAX_ATTEMPTS = 5

Target = models.Model | tuple[str, Any] | None


def target_key(target: Target) -> tuple[str, str]:
    """``(target_type, target_id)`` of a model instance (``"cases.case"``, its pk) or of a pair."""
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError("the audit target must be saved first (it has no primary key)")
        return target._meta.label_lower, str(target.pk)
    target_type, target_id = target
    return str(target_type), "" if target_id is None else str(target_id)


def _actor_fields(actor: AbstractBaseUser | None) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if getattr(actor, "pk", None) is None:
        raise ValueError("the audit actor must be a saved user, or None for the system")
    return actor.pk, actor.get_username()


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    # No head: a new database (or one flushed by tests). Create it, unless entries already exist.
    if AuditEntry.objects.exists():
        raise AuditChainBroken()
    try:
        with transaction.atomic():
            AuditHead.objects.create(pk=HEAD_PK, seq=0, hash=GENESIS_HASH)
    except IntegrityError:
        pass  # somebody else created it at the same moment
    return AuditHead.objects.select_for_update().get(pk=HEAD_PK)


def _head_sql() -> tuple[str, str]:
    return (
        connection.ops.quote_name(AuditHead._meta.db_table),
        connection.ops.quote_name(AuditHead._meta.pk.column),
    )


def _read_head() -> tuple[int, str]:
    """The head's (seq, hash), locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite:
    the write lock ``BEGIN IMMEDIATE`` took). Creates the head on a new database."""
    table, pk = _head_sql()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} WHERE {pk} = {HEAD_PK}{lock}")
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    head = _lock_head()
    return head.seq, head.hash


def _move_head(seq: int, digest: str, new_seq: int, new_hash: str) -> bool:
    """Compare-and-set: move the head from (seq, digest) to the first new entry; False if it moved."""
    table, pk = _head_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET seq = %s, hash = %s WHERE {pk} = {HEAD_PK} AND seq = %s AND hash = %s",
            [new_seq, new_hash, seq, digest],
        )
        return cursor.rowcount == 1


def _step_head(steps: list[tuple[int, str, int]]) -> None:
    """Move the head through ``(seq, hash, previous seq)`` steps, one UPDATE per entry."""
    table, pk = _head_sql()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, hash = %s WHERE {pk} = {HEAD_PK} AND seq = %s",
            steps,
        )


@dataclass(frozen=True)
class AuditItem:
    """One entry to append: what ``record`` takes, for ``record_many``."""

    action: str
    actor: AbstractBaseUser | None
    target: Target = None
    payload: dict[str, Any] | None = None


def _checked(item: AuditItem) -> dict[str, Any]:
    if not item.action:
        raise ValueError("the audit action must be a non-empty code such as 'case.registered'")
    target_type, target_id = target_key(item.target)
    for name, value in (("action", item.action), ("target_type", target_type), ("target_id", target_id)):
        if len(value) > AuditEntry._meta.get_field(name).max_length:  # SQLite would not notice
            raise ValueError(f"audit {name} {value!r} is too long")
    actor_id, actor_label = _actor_fields(item.actor)
    body = normalise_payload({} if item.payload is None else item.payload)
    if not isinstance(body, dict):
        raise ValueError("the audit payload must be a dict")
    return {
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": item.action,
        "target_type": target_type,
        "target_id": target_id,
        "payload": body,
    }


def record(
    action: str,
    *,
    actor: AbstractBaseUser | None,
    target: Target = None,
    payload: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the audit log and return it.

    Call it inside the transaction that makes the change it records, so that both commit or neither
    does. ``actor`` is the acting user, or ``None`` for the system. ``target`` is a saved model
    instance or a ``(target_type, target_id)`` pair. ``payload`` (e.g. ``{"old": …, "new": …}``) is
    normalised to plain JSON: dates, times, Decimals and UUIDs become strings (see ``chain.py``);
    values JSON cannot hold faithfully raise ``ValueError``.
    """
    return record_many([AuditItem(action, actor, target, payload)])[0]


def record_many(items: Sequence[AuditItem]) -> list[AuditEntry]:
    """Append several entries, in order, moving the head once (one batch of intake, say)."""
    rows = [_checked(item) for item in items]
    if not rows:
        return []
    with transaction.atomic(savepoint=False):
        for _attempt in range(MAX_ATTEMPTS):
            head_seq, head_hash = _read_head()
            seq, prev = head_seq, head_hash
            at = timezone.now()
            entries = []
            for row in rows:
                seq += 1
                digest = compute_hash(seq=seq, at=at, prev_hash=prev, **row)
                entries.append(AuditEntry(seq=seq, at=at, prev_hash=prev, hash=digest, **row))
                prev = digest
            first = entries[0]
            if not _move_head(head_seq, head_hash, first.seq, first.hash):
                continue  # another appender got there first: read the new head and try again
            # the head moves one entry at a time (PostgreSQL's trigger insists); it is ours now.
            # One executemany: a batch of intake moves it dozens of times.
            if len(entries) > 1:
                _step_head([(entry.seq, entry.hash, before.seq) for before, entry in pairwise(entries)])
            # the model's own manager refuses bulk writes; this is the one place that chains them
            return insert_many(entries)
    raise Conflict()
