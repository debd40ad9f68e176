"""``warm_up``: do a server process's one-time work before it takes its first request.

A fresh process imports every view module on its first request (the URLconf is read lazily) and
builds the locate index (about 2 s for the demo city) on its first report. Left to the first
request, that is seconds of waiting for whoever comes first, and under load every request queued
behind it in that process. ``chengguan.wsgi`` calls ``warm_up`` when a worker loads the application,
so a worker answers its first request as fast as its thousandth.

A database that cannot be read yet (not migrated, not reachable) is no reason not to start: the
warm-up logs a warning and the index is built on first use, as before.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def warm_up() -> bool:
    """Import the URLconf and build the locate index; True when both are ready.

    Closes the database connections it opened, so a server that forks workers after loading the
    application (gunicorn ``--preload``) never shares a connection between processes.
    """
    from chengguan.geo.locate import get_index  # the geo app needs the app registry ready

    started = time.monotonic()
    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018 - imports every view module
    try:
        get_index()
    except DatabaseError as exc:
        logger.warning("warm-up: the locate index is built on first use instead (%s)", exc)
        return False
    finally:
        connections.close_all()
    logger.info("warm-up: ready in %.1f s", time.monotonic() - started)
    return True
