"""``sqlite_write_lock``: writers of several processes take turns without SQLite's busy sleeps.

SQLite lets one writer at a time hold the database. A second writer that finds it taken calls the
busy handler, which sleeps 1, 2, 5, 10 … up to 100 ms between tries, however soon the first one
finishes. With several server processes storing reports at once, those sleeps (not the work) set
the pace and the slowest answers. Holding a lock file beside the database (``flock``, which the
kernel hands to the next waiter the moment it is released) while taking SQLite's write lock turns
the polling into a queue.

It guards the hot writers that opt in (intake's group commit); every other writer still meets
SQLite's own lock and busy timeout, so correctness never depends on this file. On PostgreSQL, or a
SQLite database in memory, it does nothing.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

_lock = threading.Lock()
_files: dict[str, int] = {}


def _lock_path(alias: str) -> str | None:
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or connection.is_in_memory_db():
        return None
    return f"{name}.write-lock"


def _descriptor(path: str) -> int:
    fd = _files.get(path)
    if fd is None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        _files[path] = fd
    return fd


@contextmanager
def sqlite_write_lock(alias: str = "default") -> Iterator[None]:
    """Hold the database's writer lock file (SQLite on disk only) for the duration of the block."""
    path = _lock_path(alias)
    if path is None:
        yield
        return
    with _lock:  # one holder per process: flock locks belong to the open file, not the thread
        fd = _descriptor(path)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
