"""Verifying the audit log: recompute every hash, follow every link, find the first broken entry.

The entries are read in ``seq`` order a batch at a time (keyset pagination), so memory stays
bounded however long the log is. Appends that commit while the check runs are followed: the head
is read after the entries, and entries up to it are checked too.

What a hash chain cannot show on its own: somebody able to rewrite the table and its head together
(a database superuser) can cut off the newest entries and leave a shorter, consistent chain. Keep
the head printed by ``chengguan audit verify`` (seq and hash) somewhere outside the database, e.g.
in the daily report, and compare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chengguan.audit.chain import GENESIS_HASH, compute_hash
from chengguan.audit.models import AuditEntry, AuditHead

HEAD_PK = 1
_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "payload",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str
    # the first bad entry, when it exists (a deleted entry does not)
    bad_action: str = ""
    bad_target: str = ""
    # the last entry found good (seq 0 and GENESIS_HASH for an empty log): the head when ok
    head_seq: int = 0
    head_hash: str = GENESIS_HASH


@dataclass(frozen=True)
class _Row:
    seq: int
    at: object
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    payload: object
    prev_hash: str
    hash: str

    @property
    def target(self) -> str:
        return f"{self.target_type}:{self.target_id}" if self.target_type or self.target_id else ""


def _rows(after: int, upto: int | None, batch_size: int) -> Iterator[_Row]:
    while True:
        qs = AuditEntry.objects.filter(seq__gt=after)
        if upto is not None:
            qs = qs.filter(seq__lte=upto)
        batch = [_Row(*values) for values in qs.order_by("seq").values_list(*_FIELDS)[:batch_size]]
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1].seq


class _Walker:
    """Checks entries one after another; remembers the last good one."""

    def __init__(self, on_progress: Callable[[int], None] | None) -> None:
        self.checked = 0
        self.last_seq = 0
        self.last_hash = GENESIS_HASH
        self.on_progress = on_progress

    def bad(self, seq: int, reason: str, row: _Row | None = None) -> VerifyResult:
        return VerifyResult(
            ok=False,
            checked=self.checked,
            first_bad_seq=seq,
            reason=reason,
            bad_action=row.action if row else "",
            bad_target=row.target if row else "",
            head_seq=self.last_seq,
            head_hash=self.last_hash,
        )

    def walk(self, rows: Iterator[_Row]) -> VerifyResult | None:
        for row in rows:
            expected = self.last_seq + 1
            if row.seq != expected:
                return self.bad(
                    expected,
                    _("entry %(missing)s is missing: entry %(last)s is followed by entry %(next)s")
                    % {"missing": expected, "last": self.last_seq, "next": row.seq},
                )
            if row.prev_hash != self.last_hash:
                return self.bad(
                    row.seq,
                    _("its previous hash %(prev)s does not match the hash %(hash)s of entry %(seq)s")
                    % {"prev": row.prev_hash, "hash": self.last_hash, "seq": self.last_seq},
                    row,
                )
            digest = compute_hash(
                seq=row.seq,
                at=row.at,  # type: ignore[arg-type]
                actor_id=row.actor_id,
                actor_label=row.actor_label,
                action=row.action,
                target_type=row.target_type,
                target_id=row.target_id,
                payload=row.payload,
                prev_hash=row.prev_hash,
            )
            if digest != row.hash:
                return self.bad(
                    row.seq,
                    _(
                        "its content was changed: the stored hash is %(stored)s, its content hashes to %(actual)s"
                    )
                    % {"stored": row.hash, "actual": digest},
                    row,
                )
            self.checked += 1
            self.last_seq, self.last_hash = row.seq, row.hash
            if self.on_progress is not None and self.checked % 1000 == 0:
                self.on_progress(self.checked)
        return None


def verify_chain(*, batch_size: int = 5000, on_progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Check the whole audit log; ``on_progress(checked)`` is called every thousand entries."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    walker = _Walker(on_progress)
    failure = walker.walk(_rows(0, None, batch_size))
    if failure is not None:
        return failure

    # The head commits together with its entry, so entries up to the head read now are visible.
    head = AuditHead.objects.filter(pk=HEAD_PK).values_list("seq", "hash").first()
    if head is None:
        if walker.last_seq == 0:
            return VerifyResult(ok=True, checked=0, first_bad_seq=None, reason="")
        return walker.bad(walker.last_seq + 1, _("the head row of the chain is missing"))
    head_seq, head_hash = head
    if head_seq > walker.last_seq:  # appended while we were reading: check those too
        failure = walker.walk(_rows(walker.last_seq, head_seq, batch_size))
        if failure is not None:
            return failure
        if walker.last_seq < head_seq:
            return walker.bad(
                walker.last_seq + 1,
                _("entries %(first)s to %(head)s are missing: the head is at entry %(head)s")
                % {"first": walker.last_seq + 1, "head": head_seq},
            )
    if head_seq < walker.last_seq:
        return walker.bad(
            head_seq + 1,
            _("the head is at entry %(head)s but entries up to %(last)s exist")
            % {"head": head_seq, "last": walker.last_seq},
        )
    if head_hash != walker.last_hash:
        return walker.bad(
            head_seq,
            _("the head's hash %(head)s does not match the hash %(hash)s of entry %(seq)s")
            % {"head": head_hash, "hash": walker.last_hash, "seq": head_seq},
        )
    return VerifyResult(
        ok=True,
        checked=walker.checked,
        first_bad_seq=None,
        reason="",
        head_seq=walker.last_seq,
        head_hash=walker.last_hash,
    )
