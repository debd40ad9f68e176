"""Recording an entry: the chain's links, the actor, the target and the payload."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid

import pytest
import time_machine
from django.db import transaction

from chengguan.audit.chain import GENESIS_HASH, compute_hash
from chengguan.audit.models import AuditEntry
from chengguan.audit.services import record
from chengguan.audit.verification import verify_chain
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db


def _stored(entry: AuditEntry) -> AuditEntry:
    return AuditEntry.objects.get(seq=entry.seq)


def test_the_first_entry_is_number_one_and_links_to_genesis() -> None:
    entry = record("system.started", actor=None, payload={})

    assert entry.seq == 1
    assert entry.prev_hash == GENESIS_HASH
    assert re.fullmatch(r"[0-9a-f]{64}", entry.hash)


def test_each_entry_links_to_the_one_before(chain_of) -> None:
    entries = chain_of(3)

    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert len({e.hash for e in entries}) == 3


def test_the_hash_covers_the_canonical_content_and_the_previous_hash() -> None:
    entry = _stored(
        record("case.registered", actor=None, target=("cases.case", 7), payload={"b": 1, "a": "甲"})
    )

    assert entry.hash == compute_hash(
        seq=1,
        at=entry.at,
        actor_id=None,
        actor_label="",
        action="case.registered",
        target_type="cases.case",
        target_id="7",
        payload={"a": "甲", "b": 1},
        prev_hash=GENESIS_HASH,
    )


def test_it_keeps_the_actor_and_their_username_at_the_time(tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    entry = record("case.handled", actor=officer, target=("cases.case", 1), payload={})

    officer.username = "renamed"
    officer.save()

    stored = _stored(entry)
    assert stored.actor == officer
    assert stored.actor_label == "officer"
    assert verify_chain().ok


def test_a_model_target_is_named_by_its_label_and_primary_key(tiny_city: TinyCity) -> None:
    user = tiny_city.users["citizen"]

    entry = record("user.blocked", actor=tiny_city.users["admin"], target=user, payload={})

    assert (entry.target_type, entry.target_id) == ("org.user", str(user.pk))


def test_dates_decimals_and_uuids_in_the_payload_become_strings() -> None:
    moment = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")

    entry = record(
        "penalty.decided",
        actor=None,
        payload={
            "amount": {"old": decimal.Decimal("200.00"), "new": decimal.Decimal("500.50")},
            "due": dt.date(2025, 3, 15),
            "decided_at": moment,
            "token": key,
            "codes": ("A", "B"),
        },
    )

    assert _stored(entry).payload == {
        "amount": {"old": "200.00", "new": "500.50"},
        "due": "2025-03-15",
        "decided_at": "2025-03-01T00:30:00.000000+00:00",
        "token": "12345678-1234-5678-1234-567812345678",
        "codes": ["A", "B"],
    }
    assert verify_chain().ok


def test_numbers_that_databases_rewrite_still_verify() -> None:
    payload = {"big": 1e20, "tiny": 1e-7, "negative_zero": -0.0, "tenth": 0.1, "huge_int": 10**30}

    entry = record("measure.taken", actor=None, payload=payload)

    assert _stored(entry).payload == {
        "big": 10**20,
        "tiny": 1e-7,
        "negative_zero": 0.0,
        "tenth": 0.1,
        "huge_int": 10**30,
    }
    assert verify_chain().ok


@pytest.mark.parametrize(
    "payload",
    [
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": object()},
        {"x": "a\x00b"},
        {"x": decimal.Decimal("NaN")},
    ],
    ids=["nan", "infinity", "object", "nul", "decimal-nan"],
)
def test_it_refuses_values_json_cannot_hold_faithfully(payload: dict) -> None:
    with pytest.raises(ValueError, match=r"payload\.x"):
        record("odd.value", actor=None, payload=payload)

    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("action", "target"),
    [("", None), ("x" * 65, None), ("case.registered", ("cases.case", "9" * 65))],
    ids=["no-action", "long-action", "long-target-id"],
)
def test_it_refuses_a_missing_or_overlong_code(action: str, target: tuple | None) -> None:
    with pytest.raises(ValueError, match="audit"):
        record(action, actor=None, target=target, payload={})

    assert not AuditEntry.objects.exists()


def test_the_time_is_stored_to_the_microsecond() -> None:
    moment = dt.datetime(2025, 6, 30, 23, 59, 59, 123456, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        entry = record("case.closed", actor=None, payload={})

    assert _stored(entry).at == moment


def test_an_entry_of_a_rolled_back_transaction_leaves_no_trace_and_the_chain_goes_on(chain_of) -> None:
    first = chain_of(1)[0]

    with pytest.raises(RuntimeError), transaction.atomic():
        record("case.dispatched", actor=None, target=("cases.case", 1), payload={"to": "CG-SQ1"})
        raise RuntimeError("the dispatch failed after its audit entry")

    assert AuditEntry.objects.count() == 1
    following = record("case.dispatched", actor=None, target=("cases.case", 1), payload={"to": "CG-SQ2"})
    assert following.seq == 2
    assert following.prev_hash == first.hash
    assert verify_chain().ok
