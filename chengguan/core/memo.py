"""Process-local memos of configuration that a hot path reads on every request.

Intake reads the same few configuration rows for every report: the category, its time limits, the
portal's policy, the unit that owns a specialty or a squadron, the inspector of a grid. Each read is
a query of about a third of a millisecond; together they cost more than storing the report. A
``ConfigMemo`` keeps such answers in the process:

* a save or delete of one of the memo's models (through the ORM, in this process) clears it at once
  and again after commit;
* every other change (another worker process, a bulk ``update()``, SQL) is seen within
  ``settings.CONFIG_MEMO_TTL_S`` seconds (default 2), after which the memo starts afresh;
* ``CONFIG_MEMO_TTL_S = 0`` turns memos off (every read goes to the database).

Only configuration belongs here: rows that an administrator edits now and then, where an answer a
second or two old is as good as a fresh one. Never people's rights (users, roles, tokens,
credentials): those are read on every request.

Memoised values are shared by the threads of the process: callers must not change them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_MISSING = object()
_memos: list[ConfigMemo] = []


class ConfigMemo:
    """A named memo of configuration reads, cleared when one of ``models`` changes (see the module)."""

    def __init__(self, name: str, models_: Iterable[type[models.Model]] = ()) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._started = time.monotonic()
        self._generation = 0
        self.loads = 0  # reads that went to the database (for tests and benchmarks)
        _memos.append(self)
        for model in models_:
            self.watch(model)

    def watch(self, model: type[models.Model]) -> None:
        """Clear this memo whenever ``model`` is saved or deleted through the ORM."""
        uid = f"config-memo-{self.name}-{model._meta.label_lower}"
        post_save.connect(self._changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(self._changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)

    def watch_m2m(self, through: type[models.Model]) -> None:
        uid = f"config-memo-{self.name}-{through._meta.label_lower}-m2m"
        m2m_changed.connect(self._changed, sender=through, dispatch_uid=uid, weak=False)

    def _changed(self, sender: Any, **kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear)

    def clear(self) -> None:
        with self._lock:
            self._values = {}
            self._started = time.monotonic()
            self._generation += 1

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The memoised value of ``key``, or ``load()`` (remembered unless memos are off)."""
        ttl = float(settings.CONFIG_MEMO_TTL_S)
        if ttl <= 0:
            self.loads += 1
            return load()
        with self._lock:
            if time.monotonic() - self._started >= ttl:
                self._values = {}
                self._started = time.monotonic()
                self._generation += 1
            value = self._values.get(key, _MISSING)
            generation = self._generation
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        self.loads += 1
        value = load()
        with self._lock:
            if self._generation == generation:  # not cleared while we were loading
                self._values[key] = value
        return value  # type: ignore[no-any-return]


def clear_all_memos() -> None:
    """Forget every memoised configuration value of this process (tests call it between tests)."""
    for memo in list(_memos):
        memo.clear()
