"""Periodic jobs of other apps that ``chengguan tick`` runs after the cases' supervision.

An app registers its job in ``AppConfig.ready``: ``register_tick("penalty", job)`` where
``job(now)`` does its idempotent work and returns one line for the operator (already translated).
The cases app owns the command; the other apps plug in here, so cases never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

TickJob = Callable[[dt.datetime], str]
_JOBS: dict[str, TickJob] = {}


def register_tick(name: str, job: TickJob) -> None:
    """Run ``job`` on every tick (registering a name again replaces its job)."""
    _JOBS[name] = job


def tick_jobs() -> list[tuple[str, TickJob]]:
    """The registered jobs, in the order they were registered."""
    return list(_JOBS.items())
