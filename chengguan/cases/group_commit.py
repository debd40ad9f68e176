"""Group commit for intake: reports that arrive together are stored in one transaction.

Every report is prepared (checked, located, its files staged) in its own request thread; then it
joins a queue. The first thread to find no writer becomes the *leader*: it takes the queue (up to
``MAX_BATCH`` reports, its own first) and stores it with ``intake.store_reports``, one transaction
for all. Threads that queued meanwhile wait; when the leader is done it wakes them with their case
(or their error) and hands the lead to the first report still queued, whose thread then writes the
next batch. Nobody is answered before their transaction commits, so nothing acknowledged is lost.

A batch that fails as a whole (one report's idempotency key stored by somebody else at the same
moment, say) is stored again one report at a time, so one bad report never fails the others.

Under light load every batch is a batch of one. Under heavy load the per-transaction costs (the
counter, the audit head, the commit, SQLite's write lock) are paid once per batch instead of once
per report. There is one queue per process; processes still serialise on the database (on SQLite
through ``core.dblock.sqlite_write_lock``, which queues them instead of letting them poll). While a
process waits its turn, its queue grows, so the next batch is larger.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from chengguan.cases.models import Case

MAX_BATCH = 64


@dataclass(eq=False)
class _Pending:
    prepared: Any
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    case: Case | None = None
    error: BaseException | None = None


class GroupCommitter:
    """Stores prepared reports in batches (see the module docstring); one per process."""

    def __init__(
        self,
        store_many: Callable[[Sequence[Any]], list[Case]],
        store_one: Callable[[Any], Case],
        *,
        max_batch: int = MAX_BATCH,
        serialize: Callable[[], AbstractContextManager[Any]] = nullcontext,
    ) -> None:
        self._store_many = store_many
        self._store_one = store_one
        self._serialize = serialize
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: deque[_Pending] = deque()
        self._writing = False
        self.batches = 0  # batches written by this process (for the benchmark and tests)
        self.reports = 0

    def submit(self, prepared: Any) -> Case:
        """Store ``prepared`` (in a batch with whatever else is waiting); its case once committed."""
        pending = _Pending(prepared)
        with self._lock:
            self._queue.append(pending)
            if not self._writing:
                self._writing = True
                pending.lead = True
        if not pending.lead:
            pending.done.wait()
        if pending.lead:
            self._write_batch()
        if pending.error is not None:
            raise pending.error
        assert pending.case is not None
        return pending.case

    def _write_batch(self) -> None:
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(self._max_batch, len(self._queue)))]
        try:
            with self._serialize():  # e.g. queue behind the writers of other processes
                self._store(batch)
        finally:
            with self._lock:
                self.batches += 1
                self.reports += len(batch)
                if self._queue:
                    heir = self._queue[0]
                    heir.lead = True
                else:
                    heir = None
                    self._writing = False
            for item in batch:
                item.done.set()
            if heir is not None:
                heir.done.set()  # wakes its thread as the next writer

    def _store(self, batch: list[_Pending]) -> None:
        try:
            cases = self._store_many([item.prepared for item in batch])
        except Exception:  # one bad report must not fail the others: store them one by one
            for item in batch:
                self._store_alone(item)
            return
        for item, case in zip(batch, cases, strict=True):
            item.case = case

    def _store_alone(self, item: _Pending) -> None:
        try:
            item.case = self._store_one(item.prepared)
        except Exception as exc:
            item.error = exc
