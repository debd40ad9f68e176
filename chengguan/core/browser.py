"""Playwright against Debian's chromium, for the browser tests (fixtures in ``chengguan/conftest.py``).

The browser is never downloaded: ``scripts/ensure-chromium`` installs Debian's package and
``CHENGGUAN_CHROMIUM`` may point elsewhere. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings

CHROMIUM = os.environ.get("CHENGGUAN_CHROMIUM", "/usr/bin/chromium")
# Flags a sandboxed CI machine needs: no GPU, no calls home, a fresh profile each launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOT_DIR = Path(settings.PROJECT_DIR) / "test-artifacts" / "screenshots"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``test-artifacts/screenshots/<name>.png``; its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
