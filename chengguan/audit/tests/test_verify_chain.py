"""Verification finds changed, removed and cut-off entries, and passes an intact chain."""

from __future__ import annotations

import json

import pytest

from chengguan.audit.chain import GENESIS_HASH, compute_hash
from chengguan.audit.models import AuditEntry
from chengguan.audit.services import record
from chengguan.audit.verification import verify_chain

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TABLE = AuditEntry._meta.db_table


def test_an_empty_log_verifies() -> None:
    result = verify_chain()

    assert (result.ok, result.checked, result.first_bad_seq) == (True, 0, None)
    assert result.head_hash == GENESIS_HASH


def test_a_hundred_entries_verify_across_batches(chain_of) -> None:
    entries = chain_of(100)
    seen: list[int] = []

    result = verify_chain(batch_size=7, on_progress=seen.append)

    assert (result.ok, result.checked, result.first_bad_seq, result.reason) == (True, 100, None, "")
    assert (result.head_seq, result.head_hash) == (100, entries[-1].hash)
    assert seen == []  # progress is reported every thousand entries


def test_a_payload_edited_in_the_database_is_found(chain_of, raw_sql) -> None:
    chain_of(100)

    raw_sql(
        f"UPDATE {TABLE} SET payload = %s WHERE seq = %s",
        [json.dumps({"old": None, "new": {"status": "cancelled", "n": 37}}), 37],
    )
    result = verify_chain()

    assert (result.ok, result.first_bad_seq, result.checked) == (False, 37, 36)
    assert "changed" in result.reason
    assert (result.bad_action, result.bad_target) == ("case.registered", "cases.case:37")


def test_an_entry_whose_hash_was_recomputed_breaks_the_next_link(chain_of, raw_sql) -> None:
    entries = chain_of(5)
    row = entries[2]
    payload = {"waived": True}
    forged = compute_hash(
        seq=row.seq,
        at=row.at,
        actor_id=None,
        actor_label="",
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        payload=payload,
        prev_hash=row.prev_hash,
    )

    raw_sql(f"UPDATE {TABLE} SET payload = %s, hash = %s WHERE seq = 3", [json.dumps(payload), forged])
    result = verify_chain()

    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "previous hash" in result.reason


def test_a_deleted_middle_entry_is_found_as_a_gap(chain_of, raw_sql) -> None:
    chain_of(10)

    raw_sql(f"DELETE FROM {TABLE} WHERE seq = 6")
    result = verify_chain(batch_size=3)

    assert (result.ok, result.first_bad_seq, result.checked) == (False, 6, 5)
    assert "missing" in result.reason


def test_deleted_newest_entries_are_found_against_the_head(chain_of, raw_sql) -> None:
    chain_of(10)

    raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 9")
    result = verify_chain()

    assert (result.ok, result.first_bad_seq, result.checked) == (False, 9, 8)
    assert "missing" in result.reason


def test_an_entry_inserted_behind_the_heads_back_is_found(chain_of, raw_sql) -> None:
    last = chain_of(3)[-1]
    stray = compute_hash(
        seq=4,
        at=last.at,
        actor_id=None,
        actor_label="",
        action="case.closed",
        target_type="",
        target_id="",
        payload={},
        prev_hash=last.hash,
    )

    raw_sql(
        f"INSERT INTO {TABLE} (seq, at, actor_label, action, target_type, target_id, payload, prev_hash, hash)"
        " SELECT 4, at, '', 'case.closed', '', '', '{}', hash, %s FROM " + TABLE + " WHERE seq = 3",
        [stray],
    )
    result = verify_chain()

    assert (result.ok, result.first_bad_seq, result.checked) == (False, 4, 4)
    assert "head" in result.reason


def test_progress_is_reported_every_thousand_entries() -> None:
    for i in range(2000):
        record("tick", actor=None, payload={"i": i})
    seen: list[int] = []

    assert verify_chain(on_progress=seen.append).ok
    assert seen == [1000, 2000]
